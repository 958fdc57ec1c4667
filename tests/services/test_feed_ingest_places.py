"""Carrier messages ingested through the service land on our locations (both databases): FSU and
XFSU stations by the id, UN/LOCODE or position of our airport, ONE Record events by their
Location's geolocation when no code of ours names it (fixtures/feeds/places)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from logistics.bundles.reader import parse_location_rows, read_bundle
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import shipment_references, tracking_events
from logistics.services import feed_ingest
from logistics.services.import_scenario import import_scenario
from logistics.services.tracking_ingest import IngestReport
from tests.booking import FIXTURES, book_minimal

PLACES = FIXTURES / "feeds" / "places"
RECEIVED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
WAYBILL = "https://1r.carrier.example/logistics-objects/wb-160-12345675"


def _setup(session: Session) -> None:
    """The minimal scenario (CGO and LUX airports by id), SH00001's AWB and ONE Record waybill,
    and the airports, rail terminal and depot of fixtures/feeds/places/air_locations.json."""
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    book_minimal(session)
    ours, problems = parse_location_rows(json.loads((PLACES / "air_locations.json").read_text()))
    assert problems == []
    location_repo.add_all(session, ours)
    shipment_references.add(session, "SH00001", "awb", "160-12345675")
    shipment_references.add(session, "SH00001", "logistics_object", WAYBILL)
    session.flush()


def _ingest(session: Session, format_: str, name: str) -> IngestReport:
    return feed_ingest.ingest_raw(
        session, format_, (PLACES / name).read_bytes(), received_at=RECEIVED
    )


def _stored(session: Session, source: str) -> list[tuple[str, str, str, str | None]]:
    """(source code, milestone, time type, location) of SH00001's stored events from `source`."""
    events = tracking_events.for_subjects(
        session, shipment_id="SH00001", service_ids=[], vehicle_ids=[]
    )
    return [
        (e.source_code or "", e.milestone.value, e.time_type.value, e.location)
        for e in events
        if e.source == source
    ]


def test_fsu_stations_land_on_our_airports_by_id_unlocode_or_position(session: Session) -> None:
    """LEJ by the UN/LOCODE DELEJ our hub holds, FRA by position, ORD through the city code
    USCHI, HAM on our airport rather than the rail terminal whose id is HAM, PVG by position;
    SHA stays (our CNSHA terminal is at Pudong, 45 km from Hongqiao), MUC stays (only a depot
    holds DEMUC, 1 km from the airport), NBO stays (nothing of ours near). Every line is accepted."""
    _setup(session)
    report = _ingest(session, "fsu", "fsu_stations.txt")
    assert {item.status.value for item in report.items} == {"accepted", "informational"}
    assert _stored(session, "fsu") == [
        ("RCS", "RECEIVED", "ACTUAL", "AP-LEJ-HUB"),
        ("DEP", "DEPARTED", "ACTUAL", "AP-LEJ-HUB"),
        ("DEP", "ARRIVED", "ESTIMATED", "AP-FRA-SUED"),
        ("ARR", "ARRIVED", "ACTUAL", "AP-CHI-ORD"),
        ("TRM", "INFORMATIONAL", "ACTUAL", "AP-HAM-CARGO"),
        ("FOH", "RECEIVED", "ACTUAL", "AP-SHA-PUDONG"),
        ("FOH", "RECEIVED", "ACTUAL", "SHA"),
        ("FOH", "RECEIVED", "ACTUAL", "MUC"),
        ("FOH", "RECEIVED", "ACTUAL", "NBO"),
    ]


def test_fsu_station_that_is_our_location_id_keeps_it(session: Session) -> None:
    """The minimal scenario's airports are named by their IATA codes: CGO and LUX stay ours."""
    _setup(session)
    text = "FSU/14\n160-12345675CGOLUX/T10K250.5\nDEP/CV9751/30NOV/CGOLUX/T10K250.5/A0142/E0618\n"
    feed_ingest.ingest_raw(session, "fsu", text.encode(), received_at=RECEIVED)
    assert [(code, where) for code, _, _, where in _stored(session, "fsu")] == [
        ("DEP", "CGO"),
        ("DEP", "LUX"),
    ]


def test_xfsu_specified_locations_are_placed_like_fsu_stations(session: Session) -> None:
    """XFSU SpecifiedLocation/ID LEJ and ORD land on our hub and O'Hare; NBO stays, at its own
    offset (Nairobi, +03:00)."""
    _setup(session)
    report = _ingest(session, "xfsu", "xfsu_stations.xml")
    assert {item.status.value for item in report.items} == {"accepted"}
    assert _stored(session, "xfsu") == [
        ("DEP", "DEPARTED", "ACTUAL", "AP-LEJ-HUB"),
        ("ARR", "ARRIVED", "ACTUAL", "AP-CHI-ORD"),
        ("FOH", "RECEIVED", "ACTUAL", "NBO"),
    ]
    events = tracking_events.for_subjects(
        session, shipment_id="SH00001", service_ids=[], vehicle_ids=[]
    )
    nairobi = next(e for e in events if e.location == "NBO")
    assert nairobi.event_time.utcoffset() is not None
    assert nairobi.event_time.astimezone(UTC) == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_one_record_geolocation_places_an_event_no_code_of_ours_names(session: Session) -> None:
    """Geolocations as typed literals, numbers and strings, prefixed or full IRIs: near our
    airport, that airport; a code of ours (ORD) wins over the geolocation; 43 km from FRA the
    Location's name stays; with no name or code the position is kept as `geo:`; an unreadable
    or impossible latitude is ignored with a `bad_geolocation` warning and the event is still
    stored (placed by its code FRA, or kept under its name)."""
    _setup(session)
    report = _ingest(session, "one_record", "one_record_geolocations.jsonld")
    assert [item.status.value for item in report.items] == ["accepted"] * 7
    ignored = [m for m in report.messages if "not used to place the event" in m]
    assert len(ignored) == 2 and "'fifty north' is not a number" in ignored[0]
    assert "'123.4' is outside -90..90" in ignored[1]
    assert _stored(session, "one_record") == [
        ("FOH", "RECEIVED", "ACTUAL", "AP-FRA-SUED"),
        ("RCS", "RECEIVED", "ACTUAL", "AP-LEJ-HUB"),
        ("ARR", "ARRIVED", "ACTUAL", "AP-CHI-ORD"),
        ("RCF", "UNLOADED", "ACTUAL", "Aschaffenburg road feeder station"),
        ("NFD", "AVAILABLE_FOR_PICKUP", "ACTUAL", "geo:-1.31920,36.92780"),
        ("CCD", "CUSTOMS_CLEARED", "ACTUAL", "Frankfurt shed 7"),
        ("DLV", "DELIVERED", "ACTUAL", "AP-FRA-SUED"),
    ]
