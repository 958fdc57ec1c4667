"""Clients racing on the same write over real HTTP (both databases): no 5xx, no duplicate rows.

Each round starts CLIENTS requests at once behind a barrier, a bounded number of rounds.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.persistence.tables import (
    DisruptionRow,
    PlanJobRow,
    ShareLinkRow,
    ShipmentChangeRow,
    ShipmentReferenceRow,
    WebhookSubscriptionRow,
)
from tests.api.conftest import LiveApi
from tests.booking import BOOKED, book_minimal

CLIENTS = 6
ROUNDS = 5
Request = Callable[[httpx.Client, int], httpx.Response]


def _race(api: LiveApi, role: str, send: Request) -> tuple[Counter[int], list[httpx.Response]]:
    """ROUNDS rounds of CLIENTS clients sending `send(client, round)` at the same moment."""
    statuses: Counter[int] = Counter()
    answers: list[httpx.Response] = []
    lock = threading.Lock()
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(CLIENTS)

        def one(round_: int = round_, barrier: threading.Barrier = barrier) -> None:
            with api.client(role) as client:
                client.timeout = httpx.Timeout(60)
                barrier.wait()
                answer = send(client, round_)
            with lock:
                statuses[answer.status_code] += 1
                answers.append(answer)

        threads = [threading.Thread(target=one) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return statuses, answers


def _count(session_factory: sessionmaker[Session], query: Any) -> int:
    with session_factory() as session:
        return int(session.scalar(query) or 0)


def test_linking_the_same_reference_at_once_links_it_once(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Same AWB from every client (PostgreSQL answered 500 on the primary key before)."""
    awbs = [f"020-1234567{n}" for n in range(ROUNDS)]

    def link(client: httpx.Client, round_: int) -> httpx.Response:
        body: dict[str, Any] = {"kind": "awb", "value": awbs[round_]}
        return client.post("/v1/shipments/SH00001/references", json=body)

    statuses, answers = _race(live_api, "coordinator", link)
    assert statuses == {201: CLIENTS * ROUNDS}, [a.text for a in answers if a.status_code != 201]
    stored = select(func.count()).select_from(ShipmentReferenceRow)
    assert _count(session_factory, stored.where(ShipmentReferenceRow.kind == "awb")) == ROUNDS


def test_a_reference_raced_onto_two_shipments_goes_to_one_the_other_is_a_conflict(
    live_api: LiveApi,
) -> None:
    """Half the clients link the AWB to SH00001, half to SH00002: one wins, the rest 201 or 409."""

    def link(client: httpx.Client, round_: int) -> httpx.Response:
        target = "SH00001" if threading.get_ident() % 2 else "SH00002"
        body: dict[str, Any] = {"kind": "awb", "value": f"160-1234567{round_}"}
        return client.post(f"/v1/shipments/{target}/references", json=body)

    statuses, answers = _race(live_api, "coordinator", link)
    assert set(statuses) <= {201, 409}, [a.text for a in answers if a.status_code >= 500]
    conflicts = [a.json() for a in answers if a.status_code == 409]
    assert all("already linked to another shipment" in c["detail"] for c in conflicts)


def test_asking_for_a_share_link_at_once_gives_everyone_the_same_link(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """One active link per shipment and key, however many ask at the same moment."""
    shipments = ["SH00001", "SH00002", "SH00003", "SH00004", "SH00005"]

    def share(client: httpx.Client, round_: int) -> httpx.Response:
        return client.post(f"/v1/shipments/{shipments[round_]}/share")

    statuses, answers = _race(live_api, "coordinator", share)
    assert statuses == {201: CLIENTS * ROUNDS}, [a.text for a in answers if a.status_code != 201]
    tokens = {a.json()["token"] for a in answers}
    assert len(tokens) == ROUNDS
    assert _count(session_factory, select(func.count()).select_from(ShareLinkRow)) == ROUNDS


RACED_SHIPMENT = {"shipper": "SHP-FXZ", "origin": "FXZ", "destination": "LUXC", "weight_kg": 420,
                  "volume_m3": 2.5, "pieces": 3, "ready_at": "2026-11-30T08:00:00+08:00",
                  "due_at": "2026-12-04T18:00:00+01:00", "requirements": ""}  # fmt: skip


def _as_serial_repeats(live_api: LiveApi, path: str, answers: list[httpx.Response]) -> None:
    """Per id, one answer created it; every other answer is the one a serial repeat of its
    body (sent now, after the race) gets: the same status and the same document."""
    winners = Counter(
        a.json()["ids"][0] for a in answers if a.status_code == 201 and a.json()["created"]
    )
    assert winners == {f"RACE-{n}": 1 for n in range(ROUNDS)}, [a.text for a in answers]
    with live_api.client("coordinator") as client:
        for answer in answers:
            if answer.status_code == 201 and answer.json()["created"]:
                continue
            repeat = client.post(
                path, content=answer.request.content, headers={"Content-Type": "application/json"}
            )
            assert (answer.status_code, answer.json()) == (repeat.status_code, repeat.json())


def test_creating_the_same_shipment_at_once_stores_it_once(live_api: LiveApi) -> None:
    """Identical new shipments from every client: one creates it, every other answer is what
    a serial repeat gets (201, unchanged), never a 409 asking to retry."""

    def create(client: httpx.Client, round_: int) -> httpx.Response:
        return client.post("/v1/shipments", json={**RACED_SHIPMENT, "id": f"RACE-{round_}"})

    statuses, answers = _race(live_api, "coordinator", create)
    assert statuses == {201: CLIENTS * ROUNDS}, [a.text for a in answers if a.status_code != 201]
    for answer in answers:
        ids = answer.json()["ids"]
        created = answer.json()["created"]
        assert answer.json() == {"created": created, "unchanged": 1 - created, "ids": ids}
    _as_serial_repeats(live_api, "/v1/shipments", answers)
    with live_api.client("coordinator") as client:
        for n in range(ROUNDS):
            assert client.get(f"/v1/shipments/RACE-{n}").json()["pieces"] == 3


def test_creating_different_shipments_under_one_id_at_once_is_a_conflict_naming_it(
    live_api: LiveApi,
) -> None:
    """Half the clients send 3 pieces, half 4 under one id: the first stored stands; the same
    body again is unchanged, the other a 409 naming the id, as a serial repeat would be."""

    def create(client: httpx.Client, round_: int) -> httpx.Response:
        pieces = 3 + threading.get_ident() % 2
        return client.post(
            "/v1/shipments", json={**RACED_SHIPMENT, "id": f"RACE-{round_}", "pieces": pieces}
        )

    statuses, answers = _race(live_api, "coordinator", create)
    assert set(statuses) <= {201, 409}, [a.text for a in answers if a.status_code >= 500]
    with live_api.client("coordinator") as client:
        stored = {n: client.get(f"/v1/shipments/RACE-{n}").json()["pieces"] for n in range(ROUNDS)}
    for answer in answers:
        sent = json.loads(answer.request.content)
        same = sent["pieces"] == stored[int(sent["id"].removeprefix("RACE-"))]
        assert answer.status_code == (201 if same else 409), answer.text
        if not same:
            assert answer.json()["conflicts"] == [
                f"shipment {sent['id']}: differs from the stored record"
                f" (pieces: stored {7 - sent['pieces']} != incoming {sent['pieces']})"
            ]
    _as_serial_repeats(live_api, "/v1/shipments", answers)


def test_creating_the_same_location_at_once_stores_it_once(live_api: LiveApi) -> None:
    """Identical new locations from every client: one creates it, the others get the serial
    repeat's answer (201, unchanged)."""
    place = {"name": "Raced depot", "kind": "depot", "lat": 34.75, "lon": 113.62,
             "timezone": "Asia/Shanghai"}  # fmt: skip

    def create(client: httpx.Client, round_: int) -> httpx.Response:
        return client.post("/v1/locations", json={**place, "id": f"RACE-{round_}"})

    statuses, answers = _race(live_api, "coordinator", create)
    assert statuses == {201: CLIENTS * ROUNDS}, [a.text for a in answers if a.status_code != 201]
    for answer in answers:
        created = answer.json()["created"]
        assert answer.json() == {
            "created": created, "unchanged": 1 - created, "updated": 0, "ids": answer.json()["ids"]
        }  # fmt: skip
    _as_serial_repeats(live_api, "/v1/locations", answers)


def test_cancelling_a_shipment_at_once_records_one_cancellation(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Every client cancels the same shipment: one 200 and one change record, the others 409."""
    shipments = ["SH00001", "SH00002", "SH00003", "SH00004", "SH00005"]

    def cancel(client: httpx.Client, round_: int) -> httpx.Response:
        return client.post(f"/v1/shipments/{shipments[round_]}/cancel", json={"reason": "race"})

    statuses, answers = _race(live_api, "coordinator", cancel)
    assert statuses == {200: ROUNDS, 409: (CLIENTS - 1) * ROUNDS}, [a.text for a in answers]
    cancelled = select(func.count()).select_from(ShipmentChangeRow)
    assert _count(session_factory, cancelled.where(ShipmentChangeRow.kind == "cancelled")) == ROUNDS


def _same_key_race(api: LiveApi, path: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Every client of round n sends bodies[n] with the Idempotency-Key of round n."""

    def create(client: httpx.Client, round_: int) -> httpx.Response:
        headers = {"Idempotency-Key": f"race-{round_}"}
        return client.post(path, json=bodies[round_], headers=headers)

    statuses, answers = _race(api, "coordinator", create)
    # 201 (first or replayed), or 409 while the first request of the key is still running
    assert set(statuses) <= {201, 409}, [a.text for a in answers if a.status_code >= 500]
    assert statuses[201] >= ROUNDS
    for answer in answers:
        if answer.status_code == 409:
            assert "still in progress" in answer.json()["detail"], answer.text
    return [a for a in answers if a.status_code == 201]


def test_one_idempotency_key_subscribes_one_webhook(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Clients racing with the same key and body: one subscription, one secret for all."""
    bodies: list[dict[str, Any]] = [
        {"url": f"https://hooks.example.com/race/{n}"} for n in range(ROUNDS)
    ]
    created = _same_key_race(live_api, "/v1/webhooks", bodies)
    assert len({(a.json()["id"], a.json()["secret"]) for a in created}) == ROUNDS
    stored = select(func.count()).select_from(WebhookSubscriptionRow)
    assert _count(session_factory, stored) == ROUNDS


def test_one_idempotency_key_reports_one_disruption(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The same hub closure sent by every client with one key: stored once, one id for all."""
    bodies: list[dict[str, Any]] = [
        {"kind": "hub_closed", "location": "CGO", "note": f"race {n}",
         "starts_at": "2026-11-29T23:00:00+08:00", "ends_at": "2026-11-30T03:00:00+08:00"}
        for n in range(ROUNDS)
    ]  # fmt: skip
    created = _same_key_race(live_api, "/v1/disruptions", bodies)
    assert len({a.json()["id"] for a in created}) == ROUNDS
    assert _count(session_factory, select(func.count()).select_from(DisruptionRow)) == ROUNDS


def test_an_idempotency_key_reused_for_another_body_or_route_is_a_conflict(
    live_api: LiveApi,
) -> None:
    """A repeat replays (marked), another body or another route under the key is a 409."""
    hub = {"kind": "hub_closed", "location": "CGO",
           "starts_at": "2026-11-29T23:00:00+08:00", "ends_at": "2026-11-30T03:00:00+08:00"}  # fmt: skip
    with live_api.client("coordinator") as client:
        key = {"Idempotency-Key": "once"}
        first = client.post("/v1/disruptions", json=hub, headers=key)
        again = client.post("/v1/disruptions", json=hub, headers=key)
        other = client.post("/v1/disruptions", json={**hub, "note": "x"}, headers=key)
        hook = client.post("/v1/webhooks", json={"url": "https://hooks.example.com/a"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == f"/v1/disruptions/{first.json()['id']}"
    assert other.status_code == hook.status_code == 409
    assert "different request" in other.json()["detail"]


def test_one_idempotency_key_queues_one_plan(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Clients racing with one key and body on POST /v1/plans: one job per key; every 202 is
    that job's first answer, every other answer the 409 in progress."""

    def request(client: httpx.Client, round_: int) -> httpx.Response:
        body = {"time_limit_s": 1, "seed": round_, "shipment_ids": ["SH00001"]}
        return client.post("/v1/plans", json=body, headers={"Idempotency-Key": f"race-{round_}"})

    statuses, answers = _race(live_api, "coordinator", request)
    assert set(statuses) <= {202, 409}, [a.text for a in answers if a.status_code >= 500]
    queued = {
        a.request.headers["Idempotency-Key"]: a.json() for a in answers if a.status_code == 202
    }
    assert len(queued) == ROUNDS
    for answer in answers:
        if answer.status_code == 202:
            assert answer.json() == queued[answer.request.headers["Idempotency-Key"]]
        else:
            assert answer.json()["code"] == "in_progress", answer.text
    jobs = select(func.count()).select_from(PlanJobRow)
    assert _count(session_factory, jobs) == ROUNDS


def test_one_idempotency_key_queues_one_recovery(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Clients racing with one key and body on a disruption's recovery: one job per key, for
    the shipments the disruption broke; every 202 of a key is its first answer (one unmarked,
    the rest `Idempotent-Replayed`), every other answer the 409 in progress."""
    with session_scope(session_factory) as session:
        book_minimal(session)  # SH00001 and SH00002 on the CV9751 freighter
    cancelled = {"kind": "service_cancelled", "service_id": "CV9751-20261130"}
    with live_api.client("coordinator") as client:
        reported = client.post("/v1/disruptions", json=cancelled)
    assert reported.status_code == 201, reported.text
    needing = reported.json()["needing_replan"]
    assert needing == sorted(BOOKED["shipments"])
    url = f"/v1/disruptions/{reported.json()['id']}/recovery"

    def recover(client: httpx.Client, round_: int) -> httpx.Response:
        body = {"time_limit_s": 1, "seed": round_}
        return client.post(url, json=body, headers={"Idempotency-Key": f"recovery-{round_}"})

    statuses, answers = _race(live_api, "coordinator", recover)
    assert set(statuses) <= {202, 409}, [a.text for a in answers if a.status_code >= 500]
    queued: dict[str, list[httpx.Response]] = {}
    for answer in answers:
        if answer.status_code == 202:
            queued.setdefault(answer.request.headers["Idempotency-Key"], []).append(answer)
        else:
            assert answer.json()["code"] == "in_progress", answer.text
    jobs: dict[str, int] = {}  # job id -> the round (seed) whose key queued it
    for key, same_key in queued.items():
        first = [a for a in same_key if "Idempotent-Replayed" not in a.headers]
        assert len(first) == 1, [a.headers for a in same_key]
        job = first[0].json()
        assert job["status"] == "queued" and job["shipment_ids"] == needing
        for answer in same_key:
            assert answer.json() == job
            assert answer.headers["Location"] == f"/v1/plans/{job['id']}"
        jobs[job["id"]] = int(key.removeprefix("recovery-"))
    assert sorted(jobs.values()) == list(range(ROUNDS))
    with live_api.client("coordinator") as client:
        listed = client.get("/v1/plans").json()["items"]
    assert {job["id"]: job["seed"] for job in listed} == jobs  # no job queued twice
    assert _count(session_factory, select(func.count()).select_from(PlanJobRow)) == ROUNDS
