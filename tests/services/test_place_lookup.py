"""Feed place codes land on the platform's own locations: by UN/LOCODE or GLN they hold, by id,
or by position and mode; with the DCSA and EPCIS adapters, from fixtures/feeds/places."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import parse_location_rows, read_bundle
from logistics.domain import Location, LocationKind
from logistics.domain.enums import Mode
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import locations as location_repo
from logistics.services.place_lookup import location_lookup, lookup_over, world_position
from logistics.tracking.adapters._places import PlaceLookup
from logistics.tracking.adapters.registry import REGISTRY, FeedContext, FeedFormat
from logistics.tracking.wire import result_to_dict

ZHENGZHOU = Path(__file__).resolve().parents[2] / "fixtures" / "zhengzhou"


def test_codes_map_to_our_locations_by_id_or_position_and_mode(
    session_factory: sessionmaker[Session],
) -> None:
    """CNCGO is the airport for a flight and the rail terminal 28 km away for a train."""
    with session_scope(session_factory) as session:
        location_repo.add_all(session, read_bundle(ZHENGZHOU).locations)
        find = location_lookup(session)
        assert find("LUX", None) == "LUX"  # one of our ids
        assert find("CNCGO", Mode.AIR) == "CGO"
        assert find("CNCGO", Mode.RAIL) == "ZZLP"
        assert find("CNCGO", None) == "CGO"  # the nearest of any kind
        assert find("LULUX", Mode.AIR) == "LUX"
        assert find("USJFK", Mode.AIR) is None  # a real place, but none of ours is near
        assert find("XXQQQ", None) is None  # no such place


def test_world_positions_come_from_the_places_package() -> None:
    """An airport and a UN/LOCODE built on its IATA code have a position; others none."""
    frankfurt = world_position("FRA")
    assert frankfurt is not None and abs(frankfurt[0] - 50.03) < 0.1
    assert world_position("DEFRA") == frankfurt
    assert world_position("urn:epc:id:sgln:4012345.00011.0") is None


PLACES = Path(__file__).resolve().parents[2] / "fixtures" / "feeds" / "places"
RECEIVED = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
SUBJECTS = {"container:MSKU7000007": "SH1", "sscc:106141412345678908": "SH1"}


def _fixture_locations() -> list[Location]:
    found, problems = parse_location_rows(json.loads((PLACES / "locations.json").read_text()))
    assert problems == []
    return found


def _parse(fmt: FeedFormat, name: str, find: PlaceLookup) -> dict[str, Any]:
    context = FeedContext(
        received_at=RECEIVED,
        reference_time=RECEIVED,
        source="test",
        subjects=SUBJECTS,
        options={"locations": find},
    )
    return result_to_dict(REGISTRY[fmt].parse((PLACES / name).read_bytes(), context))


def test_codes_held_by_our_locations_place_events(
    session_factory: sessionmaker[Session],
) -> None:
    """Stored UN/LOCODEs and GLNs (both databases) place every spelling of them: `NL RTM` as
    written on import, an SGLN with or without an extension, a Digital Link, `gln:` and 13 bare
    digits; USCHI, a city code held by none of ours, lands on our rail ramp near its airport."""
    with session_scope(session_factory) as session:
        location_repo.add_all(session, _fixture_locations())
    with session_scope(session_factory) as session:
        stored = location_repo.get(session, "PL-DC-EAST")
        assert stored is not None and stored.gln == "0614141000012"
        find = location_lookup(session)
    assert find("NLRTM", None) == "PL-RTM-ECT" and find("nl rtm", None) == "PL-RTM-ECT"
    assert find("DEHAM", Mode.RAIL) == "PL-HAM-PORT"  # the only holder, whatever the mode
    assert find("RUMOW", None) == "PL-MOW-DEPOT"
    assert find("USCHI", Mode.RAIL) == "PL-CHI-RAIL"
    for spelling in (
        "urn:epc:id:sgln:0614141.00001.0",
        "urn:epc:id:sgln:0614141.00001.dock-4",
        "https://id.gs1.org/414/0614141000012",
        "https://id.gs1.org/414/0614141000012/254/1",
        "gln:0614141000012.1",
        "0614141000012",
    ):
        assert find(spelling, None) == "PL-DC-EAST", spelling
    assert find("urn:epc:id:sgln:0614141.00002.0", None) is None  # a GLN none of ours holds
    assert find("https://id.gs1.org/414/0614141000013", None) is None  # wrong check digit
    assert find("CNZGZ", None) is None  # unknown, and no China-wide zone or position


def test_a_shared_unlocode_goes_to_the_location_fitting_the_mode() -> None:
    """An airport and a rail terminal both hold CNCGO: a flight gets the airport, a train the
    terminal, an event without a mode the first by id."""
    ours = [
        Location(
            "ZZ-AIR",
            "Airport",
            LocationKind.AIRPORT,
            34.52,
            113.84,
            "Asia/Shanghai",
            unlocode="CNCGO",
        ),
        Location(
            "ZZ-RAIL",
            "Rail port",
            LocationKind.RAIL_TERMINAL,
            34.70,
            113.62,
            "Asia/Shanghai",
            unlocode="CNCGO",
        ),
    ]
    find = lookup_over(ours)
    assert find("CNCGO", Mode.AIR) == "ZZ-AIR" and find("CNCGO", Mode.RAIL) == "ZZ-RAIL"
    assert find("CNCGO", None) == "ZZ-AIR"


def test_dcsa_locations_are_placed_and_keep_the_carriers_offsets() -> None:
    """DCSA eventDateTime always carries its offset and keeps it; a place we do not know
    (CNZGZ) stays as written; a facility code without a UN/LOCODE is placed by the location's
    latitude / longitude; a time without an offset is refused, naming the field."""
    out = _parse(FeedFormat.DCSA, "dcsa_places.json", lookup_over(_fixture_locations()))
    placed = {e["event_id"][-2:]: (e["location"], e["event_time"]) for e in out["events"]}
    assert placed == {
        "f1": ("CNZGZ", "2026-11-18T08:00:00+08:00"),
        "f2": ("PL-RTM-ECT", "2026-11-20T09:15:00+01:00"),
        "f3": ("PL-HAM-PORT", "2026-11-22T06:00:00+01:00"),
        "f4": ("PL-CHI-RAIL", "2026-11-28T16:40:00-06:00"),
        "f5": ("PL-MOW-DEPOT", "2026-11-29T11:00:00+03:00"),
        "f7": ("PL-HAM-PORT", "2026-11-22T05:10:00+01:00"),  # SMDG code alone: by its position
    }
    assert [m["index"] for m in out["messages"]] == [6]
    assert "has no UTC offset" in out["messages"][0]["reason"]


def test_dcsa_30_geo_coordinates_place_an_event_no_code_of_ours_names() -> None:
    """3.0 `geoCoordinate`: near one of ours, that location; elsewhere kept as `geo:<lat>,<lon>`;
    an impossible latitude is ignored and the UN/LOCODE (KZAKX, in a multi-zone country and
    unknown) kept, with the event's own offset."""
    out = _parse(FeedFormat.DCSA, "dcsa_places_v3.json", lookup_over(_fixture_locations()))
    placed = {
        e["event_id"].split("~")[0][-2:]: (e["location"], e["event_time"]) for e in out["events"]
    }
    assert placed == {
        "e1": ("PL-RTM-ECT", "2026-11-20T09:40:00+01:00"),
        "e2": ("geo:-23.96080,-46.33360", "2026-11-26T18:00:00-03:00"),
        "e3": ("KZAKX", "2026-11-27T08:00:00+05:00"),
    }


def test_geo_positions_are_read_and_checked() -> None:
    """`geo:` positions as the DCSA adapter writes them; out of range or malformed is None."""
    assert world_position("GEO:51.95510,4.06120") == (51.9551, 4.0612)
    assert world_position("geo:95.0,4.0") is None and world_position("geo:north,4") is None


def test_epcis_sgln_and_digital_link_are_placed_by_gln() -> None:
    """readPoint / bizLocation as an SGLN or a Digital Link land on the location with that GLN
    at the event's eventTimeZoneOffset; an unknown GLN is kept as `gln:<13 digits>`, a Digital
    Link with a wrong check digit as written; a time with no offset at all is refused."""
    out = _parse(FeedFormat.EPCIS, "epcis_places.jsonld", lookup_over(_fixture_locations()))
    placed = {e["event_id"][-2:]: (e["location"], e["event_time"]) for e in out["events"]}
    assert placed == {
        "a1": ("PL-DC-EAST", "2026-11-30T14:05:00-05:00"),
        "a2": ("PL-DC-EAST", "2026-11-30T15:00:00-05:00"),
        "a3": ("gln:0614141000029", "2026-11-29T08:30:00+01:00"),
        "a4": ("https://id.gs1.org/414/0614141000013", "2026-11-29T07:00:00+00:00"),
    }
    assert [m["record"] for m in out["messages"]] == ["event 4"]
    assert "no eventTimeZoneOffset" in out["messages"][0]["reason"]


def _airport(loc_id: str, lat: float, lon: float, unlocode: str | None = None) -> Location:
    return Location(loc_id, loc_id, LocationKind.AIRPORT, lat, lon, "UTC", unlocode=unlocode)


def test_a_station_goes_to_the_airport_our_unlocode_names_before_a_nearer_one() -> None:
    """DFW: our location holding USDFW (11 km out, towards Love Field) wins over a nearer
    airport-kind site without codes (8 km); DAL, named by none of ours, goes to the nearest."""
    named = _airport("AP-DFW-EAST", 32.8640, -96.9250, unlocode="USDFW")
    nearer = _airport("AP-DFW-WEST", 32.9000, -97.1200)
    find = lookup_over([nearer, named])
    assert find("DFW", Mode.AIR) == "AP-DFW-EAST"
    assert find("DAL", Mode.AIR) == "AP-DFW-EAST"  # 7 km away; the other is 26 km
    assert find("dfw", Mode.AIR) == "AP-DFW-EAST"


def test_a_unlocode_spelling_an_airport_far_from_our_location_names_no_airport() -> None:
    """CNSHA held by our terminal at Pudong does not make it Hongqiao (SHA, 45 km away): SHA
    finds nothing, PVG finds it by position."""
    find = lookup_over([_airport("AP-PVG", 31.1443, 121.8083, unlocode="CNSHA")])
    assert find("SHA", Mode.AIR) is None and find("PVG", Mode.AIR) == "AP-PVG"
    assert find("CNSHA", Mode.AIR) == "AP-PVG"  # the code itself is still held


def test_an_id_of_another_kind_yields_to_an_airport_for_a_flight() -> None:
    """Our rail terminal `HAM` is not Hamburg airport: a flight's HAM goes to our airport there
    when we have one, else to the id as before; rail and unmoded events keep the id."""
    rail = Location(
        "HAM", "Billwerder", LocationKind.RAIL_TERMINAL, 53.517, 10.097, "Europe/Berlin"
    )
    airport = Location(
        "AP-HAM", "Fuhlsbuettel", LocationKind.AIRPORT, 53.629, 9.993, "Europe/Berlin"
    )
    assert lookup_over([rail, airport])("HAM", Mode.AIR) == "AP-HAM"
    assert lookup_over([rail, airport])("HAM", Mode.RAIL) == "HAM"
    assert lookup_over([rail, airport])("HAM", None) == "HAM"
    assert lookup_over([rail])("HAM", Mode.AIR) == "HAM"
