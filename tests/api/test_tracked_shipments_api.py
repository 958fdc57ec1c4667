"""The list of consignments with their tracking state, and the public view's explanations, over HTTP."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi
from tests.booking import BOOKED, book_minimal


def _booked_and_missed(api: LiveApi, session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        book_minimal(session)
    with api.client("feed") as client:
        assert client.post("/v1/events", json=BOOKED["late_truck"]).json()["accepted"] == 1


def test_the_list_carries_status_eta_against_due_and_exceptions(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A shipper sees its own three, a coordinator all five; due and ETA in the destination's time."""
    _booked_and_missed(live_api, session_factory)
    with live_api.client("shipper") as client:
        exceptions = client.get("/v1/exceptions").json()["items"]  # refreshes the projections
        own = client.get("/v1/tracking/shipments").json()
    with live_api.client("coordinator") as client:
        every = client.get("/v1/tracking/shipments", params={"limit": 2}).json()
    with live_api.client("analyst") as client:
        refused = client.get("/v1/tracking/shipments")
    assert own["total"] == 3 and {i["id"] for i in own["items"]} == {
        "SH00001",
        "SH00002",
        "SH00005",
    }
    assert every["total"] == 5 and len(every["items"]) == 2
    assert refused.status_code == 403
    by_id = {i["id"]: i for i in own["items"]}
    missed = by_id["SH00001"]
    assert missed["status"] == "ARRIVED" and missed["needs_replan"] is True
    assert missed["eta"] is None and missed["minutes_late"] is None
    assert missed["open_exceptions"] == ["MISSED_CONNECTION"]
    assert {e["reason"] for e in exceptions if e["shipment_id"] == "SH00001"} == {
        "MISSED_CONNECTION"
    }
    assert missed["due_at"].endswith("+01:00")  # LUXC, Luxembourg
    assert missed["destination_name"] == "Customer in Luxembourg City"
    assert datetime.fromisoformat(missed["last_event_at_utc"]) == datetime.fromisoformat(
        BOOKED["late_truck"][0]["event_time"]
    )
    unbooked = by_id["SH00005"]
    assert unbooked["status"] is None and unbooked["open_exceptions"] == []


def test_public_view_says_why_there_is_no_eta(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The missed connection explains the unknown ETA; pieces, references and last update ride along."""
    _booked_and_missed(live_api, session_factory)
    with live_api.client("coordinator") as client:
        client.post("/v1/shipments/SH00001/references", json={"kind": "booking", "value": "B-1"})
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
        unbooked = client.post("/v1/shipments/SH00003/share").json()["token"]
    with live_api.client() as client:
        view = client.get(f"/v1/public/tracking/{token}").json()
        other = client.get(f"/v1/public/tracking/{unbooked}").json()
    assert view["eta"] is None
    assert view["eta_unknown_reason"].startswith("it will miss its planned connection at Zhengzhou")
    assert view["references"] == [{"kind": "booking", "value": "B-1"}]
    assert isinstance(view["pieces"], int) and view["pieces"] > 0
    assert view["last_event_at"] == "2026-11-29T21:30:00+08:00"  # the truck at CGO, local time
    assert other["eta_unknown_reason"].startswith("it is not booked")
