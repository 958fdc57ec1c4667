"""Disruption to recovery over real HTTP: each kind of disruption (reported by a coordinator, or a
feed's cancelled flight) marks the shipments it breaks as needing a replan; the recovery plan
keeps every other booking, is checker-clean, never books the past, shows its difference against
the bookings, and once accepted the recovered shipments leave /v1/needs-replan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import session_scope
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from tests.api.conftest import LiveApi, minimal_clock  # noqa: F401  (the frozen clock)
from tests.api.live_server import serve_in_thread
from tests.api.test_plans_api import _jobs, wait_done

BUNDLE = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "recovery"
FLIGHT = "CV9751-20261130"


@pytest.fixture
def api(session_factory: sessionmaker[Session], minimal_clock: None) -> Iterator[LiveApi]:  # noqa: F811
    """The recovery bundle served over HTTP with a key per role, at the minimal bundle's time."""
    keys: dict[str, str] = {}
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(BUNDLE))
        for role in (Role.COORDINATOR, Role.FEED, Role.SHIPPER):
            shipper = "SHP-FXZ" if role is Role.SHIPPER else None
            keys[role.value], _ = create_api_key(session, role=role, shipper_id=shipper, name="t")
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        yield LiveApi(base_url=base_url, keys=keys, shippers=["SHP-FXZ"])


def _book_everything(client: httpx.Client) -> dict[str, list[dict[str, Any]]]:
    job = wait_done(client, client.post("/v1/plans", json={"time_limit_s": 20}).json()["id"])
    assert job["status"] == "done", job["message"]
    assert job["plan"]["check"]["violations"] == []
    assert job["plan"]["kpis"]["planned"] == 5, job["plan"]["shipments"]  # the world to disrupt
    assert client.post(f"/v1/plans/{job['id']}/accept").status_code == 200
    return _bookings(client)


def _bookings(client: httpx.Client) -> dict[str, list[dict[str, Any]]]:
    ids = [f"SH0000{i}" for i in range(1, 6)]
    return {sid: client.get(f"/v1/shipments/{sid}/tracking").json()["legs"] for sid in ids}


def _booking(legs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("from", "to", "service_id", "vehicle_id", "planned_depart", "planned_arrive")
    return [tuple(leg[k] for k in keys) for leg in legs]


def _on(legs: list[dict[str, Any]], **match: str) -> bool:
    return any(all(leg.get(k) == v for k, v in match.items()) for leg in legs)


def _disruption(kind: str, booked: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A disruption of `kind` that breaks the flight most shipments are booked on."""
    truck = next(
        leg["vehicle_id"]
        for legs in booked.values()
        for leg in legs
        if leg["vehicle_id"] and leg["to"] == "CGO"
    )
    return {
        "service_cancelled": {"service_id": FLIGHT},
        "capacity_cut": {"service_id": FLIGHT, "capacity_kg": 1},
        "shift_lost": {"vehicle_id": truck},
        "service_delayed": {  # lands a day late, after the LUX truck booked to take it on
            "service_id": FLIGHT,
            "new_departure": "2026-12-01T01:30:00+08:00",
            "new_arrival": "2026-12-01T06:00:00+01:00",
        },
        "hub_closed": {
            "location": "CGO",
            "starts_at": "2026-11-29T23:00:00+08:00",
            "ends_at": "2026-11-30T03:00:00+08:00",
            "note": "flood: airport closed",
        },
    }[kind] | {"kind": kind}


def _recover(client: httpx.Client, disruption_id: str) -> dict[str, Any]:
    queued = client.post(f"/v1/disruptions/{disruption_id}/recovery", json={"time_limit_s": 20})
    assert queued.status_code == 202, queued.text
    job = wait_done(client, queued.json()["id"])
    assert job["status"] == "done", job["message"]
    assert job["plan"]["check"]["violations"] == []  # checked with now and the forecasts
    return job


@pytest.mark.parametrize(
    "kind", ["service_cancelled", "service_delayed", "capacity_cut", "shift_lost", "hub_closed"]
)
def test_each_disruption_kind_is_recovered_through_acceptance(api: LiveApi, kind: str) -> None:
    """Report, see the shipments it breaks, recover, read the difference, accept, converge."""
    with api.client("coordinator") as client:
        before = _book_everything(client)
        reported = client.post("/v1/disruptions", json=_disruption(kind, before))
        assert reported.status_code == 201, reported.text
        d = reported.json()
        broken = set(d["needing_replan"])
        assert broken and broken <= set(d["booked_shipments"])
        sid = sorted(broken)[0]
        tracking = client.get(f"/v1/shipments/{sid}/tracking").json()
        assert tracking["needs_replan"]
        assert any(e["reason"] == "DISRUPTED" for e in tracking["exceptions"])
        listed = client.get("/v1/needs-replan").json()
        assert broken <= {row["shipment_id"] for row in listed["items"]}

        job = _recover(client, d["id"])
        planned = {s["id"] for s in job["plan"]["shipments"]}
        assert planned == broken  # nobody else is replanned
        diff = client.get(f"/v1/plans/{job['id']}/diff").json()
        assert {s["shipment_id"] for s in diff["shipments"]} == broken
        for change in diff["shipments"]:
            assert change["change"] in ("rebooked", "unplanned", "unchanged")
            assert change["reason"]
            if change["change"] == "rebooked":
                assert change["new_legs"] != change["old_legs"]
                if kind == "service_cancelled":
                    assert not _on(change["new_legs"], service_id=FLIGHT)
        assert client.post(f"/v1/plans/{job['id']}/accept").status_code == 200
        after = _bookings(client)
        still = {row["shipment_id"] for row in client.get("/v1/needs-replan").json()["items"]}
        recovered = {c["shipment_id"] for c in diff["shipments"] if c["change"] == "rebooked"}
        sentences = {
            sid: client.get(f"/v1/shipments/{sid}/tracking").json()["status_sentence"]
            for sid in recovered
        }
    assert recovered, diff
    for sentence in sentences.values():  # e.g. "delayed: CV9751-… cancelled, rebooked on …"
        assert (
            sentence.startswith("delayed: ") and ", rebooked" in sentence and "new ETA" in sentence
        )
    assert not (recovered & still)  # accepted recoveries leave the list
    for other in set(before) - broken:  # every other booking exactly as it was
        assert _booking(after[other]) == _booking(before[other])
    unrecovered = [c for c in diff["shipments"] if c["change"] == "unplanned"]
    assert all(c["reason"] for c in unrecovered)


def _report(client: httpx.Client, kind: str, booked: dict[str, list[dict[str, Any]]]) -> Any:
    """Report the disruption of `kind` (see `_disruption`): its document."""
    reported = client.post("/v1/disruptions", json=_disruption(kind, booked))
    assert reported.status_code == 201, reported.text
    return reported.json()


def test_a_recovery_retried_with_its_idempotency_key_queues_one_job(
    api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The same Idempotency-Key and body twice on a disruption's recovery: one plan job; the
    repeat is the first 202 replayed (same document and Location, `Idempotent-Replayed: true`),
    also once the job is done, and the job runs once."""
    with api.client("coordinator") as client:
        d = _report(client, "service_cancelled", _book_everything(client))
        jobs = _jobs(session_factory)
        url = f"/v1/disruptions/{d['id']}/recovery"
        key = {"Idempotency-Key": "recovery-retry-1"}
        first = client.post(url, json={"time_limit_s": 5}, headers=key)
        again = client.post(url, json={"time_limit_s": 5}, headers=key)
        job = wait_done(client, first.json()["id"])
        later = client.post(url, json={"time_limit_s": 5}, headers=key)
    assert first.status_code == again.status_code == later.status_code == 202, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert first.json()["status"] == "queued"
    assert first.json()["shipment_ids"] == sorted(d["needing_replan"]) != []
    assert again.json() == later.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == later.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == later.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"] == f"/v1/plans/{first.json()['id']}"
    assert job["status"] == "done", job["message"]
    assert sorted(_jobs(session_factory)) == sorted([*jobs, first.json()["id"]])


def test_an_idempotency_key_reused_for_another_recovery_is_a_conflict(
    api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The key of one recovery request sent with another body, or for another disruption's
    recovery, is the documented 409 conflict; no second job is queued."""
    with api.client("coordinator") as client:
        before = _book_everything(client)
        d = _report(client, "service_cancelled", before)
        hub = _report(client, "hub_closed", before)
        jobs = _jobs(session_factory)
        key = {"Idempotency-Key": "recovery-retry-2"}
        url = f"/v1/disruptions/{d['id']}/recovery"
        first = client.post(url, json={"time_limit_s": 5}, headers=key)
        other = client.post(url, json={"time_limit_s": 5, "seed": 7}, headers=key)
        elsewhere = client.post(
            f"/v1/disruptions/{hub['id']}/recovery", json={"time_limit_s": 5}, headers=key
        )
        wait_done(client, first.json()["id"])
    assert first.status_code == 202, first.text
    for refused in (other, elsewhere):
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "conflict"
        assert refused.json()["detail"] == (
            "Idempotency-Key 'recovery-retry-2' was used for a different request"
        )
    assert sorted(_jobs(session_factory)) == sorted([*jobs, first.json()["id"]])


def test_a_feeds_cancelled_flight_becomes_a_disruption(api: LiveApi) -> None:
    """A CANCELLED event for a flight from a feed is stored as a disruption, marks the shipments
    booked on it, and the shipper sees why."""
    with api.client("coordinator") as client:
        before = _book_everything(client)
        on_flight = {sid for sid, legs in before.items() if _on(legs, service_id=FLIGHT)}
        assert on_flight
        with api.client("feed") as feed:
            answer = feed.post(
                "/v1/events",
                json=[
                    {
                        "event_id": "CXL-1",
                        "source": "cv-ops",
                        "service_id": FLIGHT,
                        "milestone": "CANCELLED",
                        "time_type": "ACTUAL",
                        "event_time": "2026-11-29T10:20:00+08:00",
                        "location": "CGO",
                    }
                ],
            )
        assert [i["status"] for i in answer.json()["items"]] == ["accepted"], answer.text
        listed = client.get("/v1/disruptions").json()["items"]
        assert [(d["kind"], d["service_id"], d["source"]) for d in listed] == [
            ("service_cancelled", FLIGHT, "cv-ops")
        ]
        detail = client.get(f"/v1/disruptions/{listed[0]['id']}").json()
        assert set(detail["booked_shipments"]) == on_flight
        assert set(detail["needing_replan"]) == on_flight
    shipment = sorted(on_flight & {"SH00001", "SH00002", "SH00005"})[0]
    with api.client("shipper") as shipper:
        view = shipper.get(f"/v1/shipments/{shipment}/tracking").json()
    disrupted = [e for e in view["exceptions"] if e["reason"] == "DISRUPTED"]
    assert disrupted and f"{FLIGHT} cancelled" in disrupted[0]["detail"]
    assert view["status_sentence"] == f"disrupted: {FLIGHT} cancelled; waiting for a new booking"


def test_bad_disruptions_are_refused_with_the_field(api: LiveApi) -> None:
    """A kind without its facts, an unknown service, a naive time: 4xx naming what is wrong;
    shippers and analysts may not report."""
    with api.client("coordinator") as client:
        missing = client.post("/v1/disruptions", json={"kind": "service_cancelled"})
        unknown = client.post(
            "/v1/disruptions", json={"kind": "service_cancelled", "service_id": "NOPE"}
        )
        naive = client.post(
            "/v1/disruptions",
            json={
                "kind": "hub_closed",
                "location": "CGO",
                "starts_at": "2026-11-30T00:00:00",
                "ends_at": "2026-11-30T05:00:00+08:00",
            },
        )
        backwards = client.post(
            "/v1/disruptions",
            json={
                "kind": "hub_closed",
                "location": "CGO",
                "starts_at": "2026-11-30T05:00:00+08:00",
                "ends_at": "2026-11-30T01:00:00+08:00",
            },
        )
        nothing = client.post("/v1/disruptions/dis_nope/recovery", json={})
    assert missing.status_code == 422 and "service_id" in missing.text
    assert unknown.status_code == 404 and "NOPE" in unknown.text
    assert naive.status_code == 422 and "starts_at" in naive.text
    assert backwards.status_code == 422 and "ends_at" in backwards.text
    assert nothing.status_code == 404
    with api.client("shipper") as shipper:
        assert (
            shipper.post(
                "/v1/disruptions", json={"kind": "shift_lost", "vehicle_id": "x"}
            ).status_code
            == 403
        )


def test_a_missed_connection_is_replanned_from_where_tracking_places_it_and_converges(
    api: LiveApi,
) -> None:
    """The SH00008 case: the truck reaches CGO after the freighter's cutoff. Tracking infers the
    shipment is at CGO (from the truck, marked inferred) and finds the connection missed; the
    replan starts at CGO after now, never offers the missed freighter again, and once accepted
    the shipment no longer needs a replan."""
    with api.client("coordinator") as client:
        before = _book_everything(client)
        first = before["SH00001"][0]
        assert (
            first["to"] == "CGO"
            and first["vehicle_id"]
            and _on(before["SH00001"], service_id=FLIGHT)
        )
        with pytest.MonkeyPatch.context() as clock:
            clock.setenv("LOGISTICS_NOW", "2026-11-29T23:00:00+08:00")
            get_settings.cache_clear()
            with api.client("feed") as feed:
                late = feed.post(
                    "/v1/events",
                    json=[
                        {
                            "event_id": "TRK-ARR-1",
                            "source": "yard-gate",
                            "vehicle_id": first["vehicle_id"],
                            "milestone": "ARRIVED",
                            "time_type": "ACTUAL",
                            "event_time": "2026-11-29T22:40:00+08:00",
                            "location": "CGO",
                        }
                    ],
                )
            assert [i["status"] for i in late.json()["items"]] == ["accepted"]
            view = client.get("/v1/shipments/SH00001/tracking").json()
            assert view["missed_connection"] is not None and view["needs_replan"]
            assert view["legs"][0]["evidence"] == "inferred"
            assert view["legs"][0]["evidence_text"].startswith("inferred from the truck")
            needing = [r["shipment_id"] for r in client.get("/v1/needs-replan").json()["items"]]
            assert "SH00001" in needing
            queued = client.post("/v1/plans", json={"time_limit_s": 20, "shipment_ids": needing})
            job = wait_done(client, queued.json()["id"])
            assert job["status"] == "done", job["message"]
            assert job["plan"]["check"]["violations"] == []
            onward = next(s for s in job["plan"]["shipments"] if s["id"] == "SH00001")
            assert onward["status"] == "planned", onward
            assert onward["legs"][0]["from"] == "CGO"  # from where tracking places it
            assert not _on(onward["legs"], service_id=FLIGHT)  # never the missed connection
            now = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
            assert all(datetime.fromisoformat(leg["depart"]) >= now for leg in onward["legs"])
            assert client.post(f"/v1/plans/{job['id']}/accept").status_code == 200
            still = {r["shipment_id"] for r in client.get("/v1/needs-replan").json()["items"]}
            after = client.get("/v1/shipments/SH00001/tracking").json()
        get_settings.cache_clear()
    assert "SH00001" not in still and not after["needs_replan"]
    assert after["legs"][0]["vehicle_id"] == first["vehicle_id"]  # the leg done stays booked
    unplanned = {s["id"] for s in job["plan"]["shipments"] if s["status"] != "planned"}
    assert still <= unplanned  # whatever still needs a replan had no feasible alternative
