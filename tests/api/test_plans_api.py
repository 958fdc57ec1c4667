"""Plan jobs over real HTTP: 202 and polling, the checked document, acceptance, restarts, roles."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.plan_json import plan_from_document
from logistics.bundles.reader import read_bundle
from logistics.persistence.database import session_scope
from logistics.persistence.tables import PlanJobRow
from logistics.planning.plan_checker import check_plan
from tests.api.conftest import LiveApi
from tests.api.live_server import serve_in_thread

MINIMAL = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"
PICKED_UP = Path(__file__).resolve().parents[2] / "fixtures" / "tracking" / "picked_up_minimal.json"


def wait_done(client: httpx.Client, plan_id: str, timeout_s: float = 120) -> dict:  # type: ignore[type-arg]
    """Poll the job until it is done or failed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/v1/plans/{plan_id}").json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError(f"plan {plan_id} did not finish in {timeout_s} s")


def test_plan_job_runs_in_a_worker_and_is_accepted(live_api: LiveApi) -> None:
    """POST answers 202; the job finishes with a checker-clean plan; accepting books its legs."""
    with live_api.client("coordinator") as client:
        queued = client.post("/v1/plans", json={"objective": "balanced", "time_limit_s": 20})
        assert queued.status_code == 202 and queued.json()["status"] == "queued"
        job = wait_done(client, queued.json()["id"])
        assert job["status"] == "done", job["message"]
        document = job["plan"]
        assert document["check"]["violations"] == []
        assert check_plan(read_bundle(MINIMAL), plan_from_document(document)) == []
        accepted = client.post(f"/v1/plans/{job['id']}/accept")
        tracking = client.get("/v1/shipments/SH00001/tracking").json()
    assert (
        accepted.status_code == 200
        and accepted.json()["booked_shipments"] == document["kpis"]["planned"]
    )
    assert [leg["mode"] for leg in tracking["legs"]] == [
        leg["mode"]
        for leg in next(s for s in document["shipments"] if s["id"] == "SH00001")["legs"]
    ]


def test_a_new_plan_keeps_legs_under_way_and_other_bookings(live_api: LiveApi) -> None:
    """After a plan is accepted and SH00001 is picked up, a plan for SH00001 alone starts where
    its truck leg under way arrives; accepting it keeps that leg (and the first plan's id on it)
    ahead of the new legs, and the other shipments' bookings are untouched."""
    with live_api.client("coordinator") as client:
        first = wait_done(client, client.post("/v1/plans", json={"time_limit_s": 20}).json()["id"])
        assert client.post(f"/v1/plans/{first['id']}/accept").status_code == 200
        before = {
            sid: client.get(f"/v1/shipments/{sid}/tracking").json()["legs"]
            for sid in ("SH00001", "SH00002")
        }
        with live_api.client("feed") as feed:
            answer = feed.post("/v1/events", content=PICKED_UP.read_bytes())
        assert [item["status"] for item in answer.json()["items"]] == ["accepted"]
        queued = client.post("/v1/plans", json={"time_limit_s": 20, "shipment_ids": ["SH00001"]})
        second = wait_done(client, queued.json()["id"])
        assert second["status"] == "done", second["message"]
        assert "1 shipment(s) planned onward from legs under way" in second["message"]
        assert second["plan"]["check"]["violations"] == []
        onward = next(s for s in second["plan"]["shipments"] if s["id"] == "SH00001")
        under_way = before["SH00001"][0]
        assert onward["status"] == "planned"
        assert onward["legs"][0]["from"] == under_way["to"]
        assert client.post(f"/v1/plans/{second['id']}/accept").status_code == 200
        after = {
            sid: client.get(f"/v1/shipments/{sid}/tracking").json()["legs"]
            for sid in ("SH00001", "SH00002")
        }
    assert after["SH00002"] == before["SH00002"]
    assert after["SH00001"][0]["from"] == under_way["from"]
    assert after["SH00001"][0]["to"] == under_way["to"]
    assert [leg["to"] for leg in after["SH00001"][1:]] == [leg["to"] for leg in onward["legs"]]


def _jobs(session_factory: sessionmaker[Session]) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(select(PlanJobRow.id).order_by(PlanJobRow.id)))


def test_a_plan_request_retried_with_its_idempotency_key_queues_one_job(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The same Idempotency-Key and body twice: one job; the repeat is the first 202 replayed
    (same document and Location, `Idempotent-Replayed: true`), and the job runs once."""
    body = {"objective": "cheapest", "time_limit_s": 2, "shipment_ids": ["SH00001"]}
    with live_api.client("coordinator") as client:
        key = {"Idempotency-Key": "plan-retry-1"}
        first = client.post("/v1/plans", json=body, headers=key)
        again = client.post("/v1/plans", json=body, headers=key)
        job = wait_done(client, first.json()["id"])
        later = client.post("/v1/plans", json=body, headers=key)
    assert first.status_code == again.status_code == later.status_code == 202
    assert "Idempotent-Replayed" not in first.headers
    assert again.json() == later.json() == first.json() and first.json()["status"] == "queued"
    assert again.headers["Idempotent-Replayed"] == later.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == f"/v1/plans/{first.json()['id']}"
    assert job["status"] == "done", job["message"]
    assert _jobs(session_factory) == [first.json()["id"]]


def test_an_idempotency_key_reused_for_another_plan_or_route_is_a_conflict(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The key of one plan request sent with another body, or to another create route, is the
    documented 409 conflict (as on every route taking the header); no second job is queued."""
    body = {"objective": "fastest", "time_limit_s": 2}
    hub = {"kind": "hub_closed", "location": "CGO",
           "starts_at": "2026-11-29T23:00:00+08:00", "ends_at": "2026-11-30T03:00:00+08:00"}  # fmt: skip
    with live_api.client("coordinator") as client:
        key = {"Idempotency-Key": "plan-retry-2"}
        first = client.post("/v1/plans", json=body, headers=key)
        other = client.post("/v1/plans", json={**body, "seed": 7}, headers=key)
        elsewhere = client.post("/v1/disruptions", json=hub, headers=key)
        wait_done(client, first.json()["id"])
    assert first.status_code == 202
    for refused in (other, elsewhere):
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "conflict"
        assert refused.json()["detail"] == (
            "Idempotency-Key 'plan-retry-2' was used for a different request"
        )
    assert _jobs(session_factory) == [first.json()["id"]]


def test_unknown_objective_and_roles_are_refused(live_api: LiveApi) -> None:
    """A bad objective is a 422 problem; shipper and analyst keys cannot request plans."""
    with live_api.client("coordinator") as client:
        bad = client.post("/v1/plans", json={"objective": "prettiest"})
        missing = client.get("/v1/plans/plan_nope")
    assert bad.status_code == 422 and "prettiest" in bad.json()["detail"]
    assert missing.status_code == 404
    for role in ("shipper", "analyst", "feed"):
        with live_api.client(role) as client:
            assert client.post("/v1/plans", json={}).status_code == 403


def test_accepting_an_unfinished_plan_is_a_conflict(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Only a done plan can be accepted."""
    with session_scope(session_factory) as session:
        session.add(
            PlanJobRow(
                id="plan_stuck",
                status="queued",
                objective="balanced",
                time_limit_s=1,
                seed=0,
                shipment_ids=None,
                requested_by="test",
                progress=0,
                message="",
                created_at=datetime.now(UTC),
            )
        )
    with live_api.client("coordinator") as client:
        assert client.post("/v1/plans/plan_stuck/accept").status_code == 409


def test_a_restarted_server_fails_interrupted_jobs_visibly(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A job left running by a dead server is marked failed with a message when a server starts."""
    with session_scope(session_factory) as session:
        session.add(
            PlanJobRow(
                id="plan_interrupted",
                status="running",
                objective="balanced",
                time_limit_s=1,
                seed=0,
                shipment_ids=None,
                requested_by="test",
                progress=0.4,
                message="routing",
                created_at=datetime.now(UTC),
            )
        )
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        job = httpx.get(
            f"{base_url}/v1/plans/plan_interrupted",
            headers={"Authorization": f"Bearer {live_api.keys['coordinator']}"},
        ).json()
    assert job["status"] == "failed" and "request it again" in job["message"]
