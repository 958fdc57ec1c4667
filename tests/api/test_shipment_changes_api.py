"""Amending and cancelling shipments over real HTTP: rules, validation and the change record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import BOOKED, book_minimal


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Tracking runs the day before the fixture's legs (time rules stay quiet)."""
    with frozen_now("2026-11-28T12:00:00+00:00"):
        yield


def key_id(api: LiveApi, role: str) -> str:
    """The key id of a role's key."""
    with api.client(role) as client:
        return str(client.get("/v1/me").json()["key_id"])


def event(shipment_id: str, milestone: str, at: str, location: str) -> dict[str, str]:
    """One unified tracking event."""
    return {
        "event_id": f"T-{shipment_id}-{milestone}",
        "source": "test",
        "shipment_id": shipment_id,
        "milestone": milestone,
        "time_type": "ACTUAL",
        "event_time": at,
        "location": location,
        "mode": "road",
    }


def test_amending_records_who_when_before_and_after(live_api: LiveApi) -> None:
    """PATCH changes the given fields only; the change is listed with its key and both values."""
    with live_api.client("coordinator") as client:
        answer = client.patch(
            "/v1/shipments/SH00003",
            json={"weight_kg": 777, "requirements": ["DG"], "reason": "shipper re-weighed"},
        )
        same = client.patch("/v1/shipments/SH00003", json={"weight_kg": 777})
        stored = client.get("/v1/shipments/SH00003").json()
        history = client.get("/v1/shipments/SH00003/changes").json()
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["changed"] is True and body["cancelled"] is False
    assert body["shipment"]["weight_kg"] == 777 and stored["requirements"] == ["dg"]
    assert same.json()["changed"] is False and "nothing was recorded" in same.json()["note"]
    [change] = history
    assert change["kind"] == "amended" and change["channel"] == "api"
    assert change["changed_by"] == key_id(live_api, "coordinator")
    assert change["reason"] == "shipper re-weighed"
    assert (
        change["before"] == {"weight_kg": 1900.0, "requirements": ""}
        or change["before"]["weight_kg"] != 777
    )
    assert change["after"] == {"weight_kg": 777.0, "requirements": "dg"}


def test_amendment_is_validated_like_a_row_and_speaks_to_api_users(live_api: LiveApi) -> None:
    """Bad values are 422 with values shown; an unknown place points at POST /v1/locations."""
    with live_api.client("coordinator") as client:
        stored = client.get("/v1/shipments/SH00002").json()
        early = client.patch("/v1/shipments/SH00002", json={"due_at": "2026-11-01T00:00:00+08:00"})
        nowhere = client.patch("/v1/shipments/SH00002", json={"destination": "NOWHERE"})
        typo = client.patch("/v1/shipments/SH00002", json={"requirements": "dg;refer"})
        misspelt = client.patch("/v1/shipments/SH00002", json={"weigth_kg": 5})
        shipper_id = client.patch("/v1/shipments/SH00002", json={"shipper": "SHP-X"})
        after = client.get("/v1/shipments/SH00002").json()
    assert early.status_code == 422
    [problem] = early.json()["errors"]
    assert problem["location"] == "body:1:due_at"
    assert problem["reason"] == (
        f"due_at 2026-11-01T00:00:00+08:00 is not after ready_at {stored['ready_at']}"
    )
    [where] = nowhere.json()["errors"]
    assert "POST /v1/locations" in where["reason"] and "locations.csv" not in where["reason"]
    assert "did you mean 'reefer'?" in typo.json()["errors"][0]["reason"]
    assert misspelt.status_code == 422 and shipper_id.status_code == 422
    assert after == stored


def test_only_coordinators_amend_and_cancel(live_api: LiveApi) -> None:
    """Shippers and analysts are refused; a missing shipment is 404."""
    with live_api.client("shipper") as client:
        assert client.patch("/v1/shipments/SH00001", json={"pieces": 2}).status_code == 403
        assert client.post("/v1/shipments/SH00001/cancel", json={"reason": "x"}).status_code == 403
    with live_api.client("coordinator") as client:
        assert client.patch("/v1/shipments/NOPE", json={"pieces": 2}).status_code == 404
        assert client.post("/v1/shipments/NOPE/cancel", json={"reason": "x"}).status_code == 404
        assert client.post("/v1/shipments/SH00001/cancel", json={}).status_code == 422


def test_cancel_releases_booked_legs_and_refuses_later_changes(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Cancelling a booked shipment frees its legs; cancelling or amending again is 409."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        cancelled = client.post(
            "/v1/shipments/SH00001/cancel", json={"reason": "order withdrawn by the shipper"}
        )
        again = client.post("/v1/shipments/SH00001/cancel", json={"reason": "twice"})
        amend = client.patch("/v1/shipments/SH00001", json={"pieces": 4})
        history = client.get("/v1/shipments/SH00001/changes").json()
        replan = client.get("/v1/needs-replan").json()
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelled"] is True
    assert "booked legs were released" in cancelled.json()["note"]
    assert again.status_code == 409 and "was cancelled at" in again.json()["detail"]
    assert amend.status_code == 409 and "cannot be amended" in amend.json()["detail"]
    assert [c["kind"] for c in history] == ["cancelled"]
    assert history[0]["before"]["booked_legs"] == len(BOOKED["legs"])
    assert history[0]["reason"] == "order withdrawn by the shipper"
    assert "SH00001" not in {row["shipment_id"] for row in replan["items"]}
    with session_factory() as session:
        assert booked_legs.for_shipment(session, "SH00001") == []
        assert len(booked_legs.for_shipment(session, "SH00002")) == len(BOOKED["legs"])


def test_under_way_and_delivered_shipments_keep_what_the_rules_protect(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Picked up: origin and ready_at are fixed, due_at may move; delivered: no change at all."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    picked = event("SH00002", "PICKED_UP", "2026-11-29T02:20:00+00:00", "FXZ")
    delivered = event("SH00001", "DELIVERED", "2026-11-30T12:05:00+00:00", "LUXC")
    with live_api.client("feed") as client:
        assert client.post("/v1/events", json=[picked, delivered]).json()["accepted"] == 2
    with live_api.client("coordinator") as client:
        moved = client.patch(
            "/v1/shipments/SH00002", json={"ready_at": "2026-11-29T11:00:00+08:00"}
        )
        later_due = client.patch(
            "/v1/shipments/SH00002", json={"due_at": "2026-12-03T18:00:00+01:00"}
        )
        done = client.post("/v1/shipments/SH00001/cancel", json={"reason": "too late"})
        done_amend = client.patch("/v1/shipments/SH00001", json={"pieces": 9})
    assert moved.status_code == 409 and "ready_at can no longer change" in moved.json()["detail"]
    assert later_due.status_code == 200 and later_due.json()["changed"] is True
    assert "send it to a replan" in later_due.json()["note"]
    assert done.status_code == 409 and "was delivered at" in done.json()["detail"]
    assert done_amend.status_code == 409


def test_posting_a_changed_shipment_says_how_to_amend(live_api: LiveApi) -> None:
    """POST /v1/shipments with a stored id and other values is 409 naming PATCH."""
    with live_api.client("coordinator") as client:
        stored = client.get("/v1/shipments/SH00004").json()
        answer = client.post("/v1/shipments", json={**stored, "pieces": stored["pieces"] + 1})
    assert answer.status_code == 409
    assert "PATCH /v1/shipments/{id}" in answer.json()["detail"]
    assert any("pieces" in line for line in answer.json()["conflicts"])


def test_locations_can_be_added_for_new_orders(live_api: LiveApi) -> None:
    """POST /v1/locations validates like locations.csv; a shipment may then go there."""
    place = {
        "id": "ZZ-CUST-9",
        "name": "Electronics park",
        "kind": "customer",
        "lat": 34.72,
        "lon": 113.75,
        "timezone": "Asia/Shanghai",
    }
    with live_api.client("coordinator") as client:
        bad = client.post("/v1/locations", json={**place, "timezone": "Mars/Base"})
        made = client.post("/v1/locations", json=place)
        again = client.post("/v1/locations", json=[place])
        moved = client.patch("/v1/shipments/SH00005", json={"origin": "ZZ-CUST-9"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "body:1:timezone"
    assert made.status_code == 201 and made.json()["created"] == 1
    assert again.json() == {"created": 0, "unchanged": 1, "updated": 0, "ids": ["ZZ-CUST-9"]}
    assert moved.status_code == 200 and moved.json()["shipment"]["origin"] == "ZZ-CUST-9"


def test_new_shipment_to_an_unknown_place_points_at_the_api(live_api: LiveApi) -> None:
    """POST /v1/shipments names POST /v1/locations, never a CSV file the caller does not have."""
    with live_api.client("coordinator") as client:
        stored = client.get("/v1/shipments/SH00004").json()
        answer = client.post("/v1/shipments", json={**stored, "id": "API-9", "origin": "LUXCC"})
    assert answer.status_code == 422
    [problem] = answer.json()["errors"]
    assert problem["location"] == "body:1:origin"
    assert problem["reason"] == (
        "unknown location 'LUXCC' (did you mean 'LUXC'?); it is not a stored location; "
        "add it first with POST /v1/locations"
    )


def test_a_misspelt_field_is_refused_not_ignored(live_api: LiveApi) -> None:
    """`requirments` in a new shipment or an amendment is a 422 naming it, never dropped."""
    with live_api.client("coordinator") as client:
        stored = client.get("/v1/shipments/SH00004").json()
        new = {**stored, "id": "API-10", "requirments": "dg"}
        new.pop("requirements")
        created = client.post("/v1/shipments", json=new)
        amended = client.patch("/v1/shipments/SH00004", json={"requirments": "dg"})
        missing = client.get("/v1/shipments/API-10")
    assert created.status_code == 422 and "requirments" in created.text
    assert amended.status_code == 422 and "requirments" in amended.text
    assert missing.status_code == 404
