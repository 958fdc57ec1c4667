"""Set-up through the JSON API: plan the minimal bundle and accept it, then ingest a few events."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi
from tests.booking import BOOKED, book_minimal


def wait_for_plan(api: LiveApi, plan_id: str, timeout_s: float = 90) -> dict[str, Any]:
    """Poll the plan job until it is done (failing the test if it fails or times out)."""
    deadline = time.monotonic() + timeout_s
    with api.client("coordinator") as client:
        while time.monotonic() < deadline:
            job: dict[str, Any] = client.get(f"/v1/plans/{plan_id}").json()
            if job["status"] == "done":
                return job
            assert job["status"] != "failed", job["message"]
            time.sleep(0.3)
    raise AssertionError(f"plan {plan_id} did not finish in {timeout_s} s")


def plan_and_accept(api: LiveApi, time_limit_s: float = 20) -> dict[str, Any]:
    """Request a plan of every shipment, wait for it, accept it; return the plan document."""
    with api.client("coordinator") as client:
        queued = client.post("/v1/plans", json={"time_limit_s": time_limit_s})
        assert queued.status_code == 202, queued.text
    job = wait_for_plan(api, queued.json()["id"])
    with api.client("coordinator") as client:
        assert client.post(f"/v1/plans/{job['id']}/accept").status_code == 200
    plan: dict[str, Any] = job["plan"]
    return plan


def ingest_first_leg(api: LiveApi, shipment_id: str) -> list[str]:
    """Post booked, picked-up and departed events for the shipment's first leg; their milestones."""
    with api.client("coordinator") as client:
        legs = client.get(f"/v1/shipments/{shipment_id}/tracking").json()["legs"]
    first = legs[0]
    depart = datetime.fromisoformat(first["planned_depart"])
    steps = [
        ("BOOKED", depart - timedelta(hours=6)),
        ("PICKED_UP", depart - timedelta(minutes=10)),
        ("DEPARTED", depart),  # on time: the planner may leave no slack
    ]
    events = [
        {
            "event_id": f"WEB-{shipment_id}-{milestone}",
            "source": "web-test",
            "shipment_id": shipment_id,
            "milestone": milestone,
            "time_type": "ACTUAL",
            "event_time": at.isoformat(),
            "location": first["from"],
            "mode": first["mode"],
        }
        for milestone, at in steps
    ]
    with api.client("feed") as client:
        answer = client.post("/v1/events", json=events).json()
    assert answer["accepted"] == len(events), answer
    return [m for m, _ in steps]


def book_and_miss(api: LiveApi, session_factory: sessionmaker[Session]) -> None:
    """Book SH00001 and SH00002 on the fixture legs (truck, flight CV9751, truck) and report the
    first truck arriving at CGO too late for the flight: both miss their connection."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with api.client("feed") as client:
        answer = client.post("/v1/events", json=BOOKED["late_truck"]).json()
    assert answer["accepted"] == 1, answer
