"""One consignment tracked through FSU, DCSA and EPCIS over real HTTP: one correct timeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.domain.enums import LocationKind, Mode
from logistics.domain.location import Location
from logistics.domain.service import Service
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import services as service_repo
from logistics.persistence.repositories.booked_legs import BookedLeg
from logistics.settings import get_settings
from tests.api.conftest import LiveApi, frozen_now

STREAM = Path(__file__).resolve().parents[2] / "fixtures" / "feeds" / "streams" / "mixed_sh00001"
SETUP: dict[str, Any] = json.loads((STREAM / "setup.json").read_text())


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Tracking runs at a fixed time after the delivery, whatever today is."""
    with frozen_now("2026-12-01T18:00:00+00:00"):
        yield


def _service(data: dict[str, Any]) -> Service:
    return Service(
        **{
            **data,
            "mode": Mode(data["mode"]),
            "departure": datetime.fromisoformat(data["departure"]),
            "arrival": datetime.fromisoformat(data["arrival"]),
            "capabilities": frozenset(data["capabilities"]),
        }
    )


def _book(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        location_repo.add_all(
            session,
            [Location(**{**loc, "kind": LocationKind(loc["kind"])}) for loc in SETUP["locations"]],
        )
        service_repo.add_all(session, [_service(s) for s in SETUP["services"]])
        rows = [
            BookedLeg(
                shipment_id=SETUP["shipment"],
                leg_index=i,
                plan_id="",
                mode=Mode(leg["mode"]),
                from_location=leg["from_location"],
                to_location=leg["to_location"],
                planned_depart=datetime.fromisoformat(leg["planned_depart"]),
                planned_arrive=datetime.fromisoformat(leg["planned_arrive"]),
                service_id=leg.get("service_id"),
                vehicle_id=leg.get("vehicle_id"),
            )
            for i, leg in enumerate(SETUP["legs"])
        ]
        booked_legs.replace_for_shipment(session, SETUP["shipment"], "plan-mixed", rows)
        tracking_state.mark_stale(session, [SETUP["shipment"]])


def _post(api: LiveApi, paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    answers = []
    with api.client("feed") as client:
        for path in paths:
            fmt = path.name.split(".")[1]
            response = client.post(f"/v1/feeds/{fmt}", content=path.read_bytes())
            assert response.status_code == 200, response.text
            answers.append((path.name, response.json()))
    return answers


def _now(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("LOGISTICS_NOW", when)
    get_settings.cache_clear()


def _utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def test_mixed_standards_give_the_shipper_one_correct_timeline(
    live_api: LiveApi, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FSU air legs, DCSA rail leg and EPCIS handling units for SH00001 make one timeline."""
    _book(session_factory)
    shipment = SETUP["shipment"]
    with live_api.client("coordinator") as client:
        for ref in SETUP["references"]:
            linked = client.post(f"/v1/shipments/{shipment}/references", json=ref)
            assert linked.status_code == 201, linked.text
    files = sorted(p for p in STREAM.iterdir() if p.name != "setup.json")
    answers = _post(live_api, files[:5])  # up to the train's departure and its estimate
    _now(monkeypatch, "2026-11-30T22:00:00+00:00")  # the train is under way
    with live_api.client("shipper") as client:
        under_way = client.get(f"/v1/shipments/{shipment}/tracking").json()
    _now(monkeypatch, "2026-12-01T18:00:00+00:00")
    answers += _post(live_api, [*files[5:], files[4]])  # then the rest, and 05 a second time
    with live_api.client("shipper") as client:
        view = client.get(f"/v1/shipments/{shipment}/tracking").json()

    assert under_way["status"] == "DEPARTED"
    train = under_way["legs"][2]
    assert _utc(train["estimated_arrive"]) == "2026-12-01T08:30:00+00:00"
    assert (train["expected_basis"], _utc(train["expected_arrive"])) == (
        "estimated",
        "2026-12-01T08:30:00+00:00",
    )
    assert under_way["eta"] is not None

    by_file = dict(answers[:-1])
    assert by_file["01.epcis.jsonld"]["informational"] == 1  # packing
    assert by_file["03.epcis.jsonld"]["rejected"] == 1  # an SSCC linked to no shipment
    assert "not linked" in " ".join(i["reason"] for i in by_file["03.epcis.jsonld"]["items"])
    assert by_file["03.epcis.jsonld"]["informational"] == 1  # one SSCC of two: partial
    assert by_file["05.dcsa.json"]["informational"] == 1  # the empty container's pick-up
    resent = answers[-1][1]
    assert resent["duplicate"] == len(resent["items"]) and resent["accepted"] == 0

    timeline = [(e["milestone"], e["source"], _utc(e["event_time"])) for e in view["timeline"]]
    assert timeline == [tuple(row) for row in SETUP["expected_timeline"]]
    assert view["status"] == "DELIVERED"
    assert _utc(view["delivered_at"]) == "2026-12-01T15:00:00+00:00"
    air, _, rail = view["legs"]
    assert (_utc(air["actual_depart"]), _utc(air["actual_arrive"])) == (
        "2026-11-29T17:45:00+00:00",
        "2026-11-30T05:10:00+00:00",
    )
    assert (_utc(rail["actual_depart"]), _utc(rail["actual_arrive"])) == (
        "2026-11-30T20:40:00+00:00",
        "2026-12-01T09:10:00+00:00",
    )
    departed = next(e for e in view["timeline"] if e["source_code"] == "DEPARTED")
    assert departed["reason"] == "DELAY"  # SMDG WEA carried into the event
    assert "unloading" not in {e["source_code"] for e in view["timeline"]}  # declared in error


ONE_RECORD = STREAM.parent.parent / "one_record"
LO = "https://1r.example.com/logistics-objects/8a76ed85"


def test_one_record_events_posted_to_a_logistics_object_reach_its_shipment(
    live_api: LiveApi,
) -> None:
    """Events without eventFor take the object from ?logistics_object= or the header."""
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00002/references", json={"kind": "logistics_object", "value": LO}
        )
    assert linked.status_code == 201, linked.text
    partial = (ONE_RECORD / "posted_to.jsonld").read_bytes()
    complete = partial.replace(b'"partialEventIndicator": true,', b"")
    with live_api.client("feed") as client:
        by_query = client.post(
            "/v1/feeds/one_record", params={"logistics_object": LO}, content=partial
        ).json()
        by_header = client.post(
            "/v1/feeds/one_record", headers={"Logistics-Object": LO}, content=complete
        ).json()
        unposted = client.post("/v1/feeds/one_record", content=complete).json()
        misplaced = client.post("/v1/feeds/dcsa", params={"logistics_object": LO}, content=b"[]")
    with live_api.client("shipper") as client:
        view = client.get("/v1/shipments/SH00002/tracking").json()
    assert by_query["informational"] == 1 and "partialEventIndicator" in by_query["messages"][0]
    assert by_header["accepted"] == 1
    assert [i["status"] for i in unposted["items"]] == ["rejected"]  # the refused record
    assert (
        "no subject" in unposted["items"][0]["reason"] and "no subject" in unposted["messages"][0]
    )
    assert misplaced.status_code == 422 and "one_record" in misplaced.json()["detail"]
    assert [(e["milestone"], e["source_code"]) for e in view["timeline"]] == [
        ("RECEIVED", "FOH"),  # same time: a milestone sorts before an informational note
        ("INFORMATIONAL", "FOH"),
    ]
    assert view["status"] == "RECEIVED"


def test_a_bare_dcsa_retraction_reaches_the_shipment_of_the_event_it_retracts(
    live_api: LiveApi,
) -> None:
    """A 3.0 isRetracted event with only its eventID removes the stored event from the timeline."""
    loaded = {
        "eventID": "evt-r-1",
        "eventDateTime": "2026-11-30T18:00:00Z",
        "eventUpdatedDateTime": "2026-11-30T18:05:00Z",  # stored as a version of evt-r-1
        "eventClassification": {
            "eventType": "EQUIPMENT",
            "eventClassifier": "ACTUAL",
            "equipmentEventType": "LOADED",
        },
        "shipmentDetails": {"documentReference": {"type": "BOOKING", "reference": "BKG-7"}},
    }
    retraction = {
        "eventID": "evt-r-1",
        "isRetracted": True,
        "eventUpdatedDateTime": "2026-11-30T19:00:00Z",
    }
    with live_api.client("coordinator") as client:
        client.post("/v1/shipments/SH00002/references", json={"kind": "booking", "value": "BKG-7"})
    with live_api.client("feed") as client:
        first = client.post("/v1/feeds/dcsa", json={"events": [loaded]}).json()
        second = client.post("/v1/feeds/dcsa", json={"events": [retraction]}).json()
    with live_api.client("shipper") as client:
        view = client.get("/v1/shipments/SH00002/tracking").json()
    assert first["accepted"] == 1 and second["accepted"] == 1
    assert second["items"][0]["event_id"] == "evt-r-1#retracted~v20261130T190000.000000Z"
    assert view["timeline"] == [] and view["status"] is None


def test_a_one_record_event_iri_longer_than_storage_keeps_is_stored_once(live_api: LiveApi) -> None:
    """IATA's own IRI shape (UUID object, UUID event: 131 characters) is accepted, then duplicate."""
    obj = "https://1r.example.com/logistics-objects/8a76ed85-959e-45d5-8c42-5fd39c08efb1"
    event = {
        "@context": {"@vocab": "https://onerecord.iata.org/ns/cargo#"},
        "@type": "LogisticsEvent",
        "@id": f"{obj}/logistics-events/23e4d5f6-959e-45d5-8c42-5fd39c08efb1",
        "eventCode": {"@id": "https://onerecord.iata.org/ns/coreCodeLists#StatusCode_DEP"},
        "eventDate": "2026-11-29T17:45:00Z",
        "eventTimeType": {"@id": "https://onerecord.iata.org/ns/cargo#ACTUAL"},
    }
    with live_api.client("coordinator") as client:
        client.post(
            "/v1/shipments/SH00002/references", json={"kind": "logistics_object", "value": obj}
        )
    with live_api.client("feed") as client:
        first = client.post("/v1/feeds/one_record", json=event).json()
        again = client.post("/v1/feeds/one_record", json=event).json()
    assert len(event["@id"]) > 128
    assert first["accepted"] == 1 and again["duplicate"] == 1
    assert first["items"][0]["event_id"] == again["items"][0]["event_id"]
    assert len(first["items"][0]["event_id"]) <= 128
