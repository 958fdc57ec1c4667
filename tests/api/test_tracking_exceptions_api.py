"""Exceptions, the replan list, ETA in the tracking view and reference linking, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import BOOKED, FIXTURES, book_minimal


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Tracking runs at a fixed time the day before the fixture's legs, whatever today is (time
    rules such as lost tracking and dwell would otherwise open more exceptions as days pass)."""
    with frozen_now("2026-11-28T12:00:00+00:00"):
        yield


def _booked_and_missed(api: LiveApi, session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        book_minimal(session)
    with api.client("feed") as client:
        answer = client.post("/v1/events", json=BOOKED["late_truck"]).json()
    assert answer["accepted"] == 1


def test_a_late_truck_opens_missed_connections_coordinators_can_list(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    _booked_and_missed(live_api, session_factory)
    with live_api.client("coordinator") as client:
        exceptions = client.get("/v1/exceptions").json()
        replan = client.get("/v1/needs-replan").json()
        view = client.get("/v1/shipments/SH00001/tracking").json()
        filtered = client.get("/v1/exceptions", params={"reason": "DELAY"}).json()
        bad = client.get("/v1/exceptions", params={"reason": "SLOW"})
    assert exceptions["total"] == 2
    assert {(e["shipment_id"], e["reason"]) for e in exceptions["items"]} == {
        ("SH00001", "MISSED_CONNECTION"),
        ("SH00002", "MISSED_CONNECTION"),
    }
    assert [item["shipment_id"] for item in replan["items"]] == BOOKED["shipments"]
    assert view["needs_replan"] is True and view["eta"] is None
    assert view["missed_connection"]["hub"] == "CGO"
    assert [e["reason"] for e in view["exceptions"]] == ["MISSED_CONNECTION"]
    # times a person reads are local with their offset: due at the destination, the missed
    # connection at the hub; `since` is when the exception opened, as /v1/exceptions stores it
    assert [item["due_at"][-6:] for item in replan["items"]] == ["+01:00", "+01:00"]
    assert "(+08:00)" in view["missed_connection"]["detail"]
    assert "+00:00" not in view["missed_connection"]["detail"]
    stored = next(e for e in exceptions["items"] if e["shipment_id"] == "SH00001")
    since = datetime.fromisoformat(view["exceptions"][0]["since"])
    assert since == datetime.fromisoformat(stored["opened_at"])
    assert since.utcoffset() == timedelta(hours=8)  # CGO's local time
    assert filtered["total"] == 0
    assert bad.status_code == 422 and "unknown reason" in bad.json()["detail"]


def test_shippers_see_only_their_own_exceptions(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    _booked_and_missed(live_api, session_factory)
    with live_api.client("shipper") as client:  # SHP-FXZ owns SH00001 and SH00002
        own = client.get("/v1/exceptions").json()
    with live_api.client("other_shipper") as client:
        other = client.get("/v1/exceptions").json()
        other_replan = client.get("/v1/needs-replan").json()
    with live_api.client("feed") as client:
        refused = client.get("/v1/exceptions")
    assert own["total"] == 2
    assert other["total"] == 0 and other_replan["total"] == 0
    assert refused.status_code == 403


def test_the_tracking_view_carries_eta_expected_times_and_due(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("shipper") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert view["eta"].endswith("+01:00")  # local time of the destination, Luxembourg
    assert view["eta_minutes_late"] < 0 and view["exceptions"] == []
    assert [leg["expected_basis"] for leg in view["legs"]] == ["planned"] * 3


def test_an_air_waybill_links_fsu_messages_to_the_shipment(live_api: LiveApi) -> None:
    payload = (FIXTURES / "tracking" / "fsu_sh00001_delivered.txt").read_bytes()
    with live_api.client("feed") as client:
        before = client.post("/v1/feeds/fsu", content=payload).json()
    assert before["accepted"] == 0 and before["rejected"] > 0
    assert "not linked" in before["items"][0]["reason"]
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00001/references", json={"kind": "awb", "value": "16012345675"}
        )
        clash = client.post(
            "/v1/shipments/SH00002/references", json={"kind": "awb", "value": "160-12345675"}
        )
    assert linked.status_code == 201 and linked.json()["linked"]["value"] == "160-12345675"
    assert clash.status_code == 409
    with live_api.client("feed") as client:
        after = client.post("/v1/feeds/fsu", content=payload).json()
    assert after["rejected"] == 0
    assert after["accepted"] + after["informational"] == before["rejected"]
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert "DELIVERED" in [e["milestone"] for e in view["timeline"]]
    assert json.dumps(view)  # a plain JSON document
