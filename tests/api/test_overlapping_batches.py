"""Two feed clients post batches of 1,000 that overlap, at the same moment, over a real server:
each event is accepted exactly once, the other answer says duplicate, and a mixed batch is
answered item by item."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, text

from tests.api.conftest import LiveApi

START = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
SHIPMENTS = ["SH00001", "SH00002", "SH00003", "SH00004", "SH00005"]
BATCH = 1000
OVERLAP = 400
ROUNDS = 3


def _event(n: int) -> dict[str, Any]:
    return {
        "event_id": f"OV-{n}",
        "source": "overlap",
        "milestone": "PICKED_UP",
        "time_type": "ACTUAL",
        "event_time": (START + timedelta(seconds=n)).isoformat(),
        "shipment_id": SHIPMENTS[n % len(SHIPMENTS)],
        "location": "FXZ",
    }


def _post_together(live_api: LiveApi, bodies: list[list[dict[str, Any]]]) -> list[httpx.Response]:
    """Post every body from its own client, released at the same moment."""
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response | None] = [None] * len(bodies)

    def post(slot: int) -> None:
        with live_api.client("feed") as client:
            client.timeout = httpx.Timeout(120)
            barrier.wait()
            answers[slot] = client.post("/v1/events", json=bodies[slot])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def test_two_clients_with_overlapping_batches_store_each_event_once(
    live_api: LiveApi, engine: Engine
) -> None:
    """Rounds of two 1,000-event batches sharing 400 events, posted at once."""
    accepted: dict[str, int] = {}
    for round_ in range(ROUNDS):
        first = round_ * 2 * BATCH
        left = [_event(n) for n in range(first, first + BATCH)]
        right = [_event(n) for n in range(first + BATCH - OVERLAP, first + 2 * BATCH - OVERLAP)]
        answers = _post_together(live_api, [left, right])
        assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
        for answer in answers:
            body = answer.json()
            assert body["rejected"] == 0 and len(body["items"]) == BATCH
            for item in body["items"]:
                assert item["status"] in ("accepted", "duplicate"), item
                if item["status"] == "accepted":
                    accepted[item["event_id"]] = accepted.get(item["event_id"], 0) + 1
        shared = {f"OV-{n}" for n in range(first + BATCH - OVERLAP, first + BATCH)}
        both = [a.json()["items"] for a in answers]
        for event_id in shared:  # answered by both: accepted by exactly one of them
            statuses = sorted(
                next(i["status"] for i in items if i["event_id"] == event_id) for items in both
            )
            assert statuses == ["accepted", "duplicate"], (event_id, statuses)
    expected = ROUNDS * (2 * BATCH - OVERLAP)
    assert len(accepted) == expected and set(accepted.values()) == {1}
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT event_id FROM tracking_events WHERE source = 'overlap'")
        ).scalars()
        assert sorted(stored) == sorted(accepted)


def test_a_mixed_batch_is_answered_item_by_item(live_api: LiveApi, engine: Engine) -> None:
    """Good, unknown, impossible and repeated items in one body: 200, one answer each."""
    batch = [
        _event(0),
        _event(1) | {"shipment_id": "SH99999"},
        _event(2) | {"milestone": "EXCEPTION"},  # an exception needs a reason
        _event(3) | {"milestone": "TELEPORTED"},
        _event(4) | {"shipment_id": None},  # no subject at all
        _event(0),
    ]
    with live_api.client("feed") as client:
        answer = client.post("/v1/events", json=batch)
    assert answer.status_code == 200, answer.text[:300]
    items = answer.json()["items"]
    assert [i["index"] for i in items] == list(range(len(batch)))
    assert [i["status"] for i in items] == [
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "duplicate",
    ]
    assert items[1]["code"] == "unknown_subject" and "SH99999" in items[1]["reason"]
    assert items[2]["record"] == "index 2" and "needs a reason" in items[2]["reason"]
    assert items[3]["record"] == "index 3" and "TELEPORTED" in items[3]["reason"]
    assert items[4]["record"] == "index 4" and "needs a subject" in items[4]["reason"]
    assert {i["code"] for i in items[2:5]} == {"invalid_record"}
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT event_id FROM tracking_events WHERE source = 'overlap'")
        ).scalars()
        assert list(stored) == ["OV-0"]
