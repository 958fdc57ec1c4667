"""Tracking over real HTTP: batch ingestion per item, idempotency, polling, shipper scoping."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.conftest import LiveApi

BATCH = Path(__file__).resolve().parents[2] / "fixtures" / "tracking" / "minimal_batch.json"


def post_batch(api: LiveApi, key: str | None = None, body: bytes | None = None):  # type: ignore[no-untyped-def]
    """POST the fixture batch as the feed key."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    with api.client("feed") as client:
        return client.post("/v1/events", content=body or BATCH.read_bytes(), headers=headers)


def test_batch_answers_per_item(live_api: LiveApi) -> None:
    """Each item is accepted, duplicate or rejected with a reason; bad items do not stop the batch."""
    response = post_batch(live_api)
    assert response.status_code == 200
    body = response.json()
    statuses = [item["status"] for item in body["items"]]
    assert statuses == [
        "accepted",
        "accepted",
        "accepted",
        "rejected",
        "rejected",
        "duplicate",
        "accepted",
    ]
    assert "TELEPORTED" in body["items"][3]["reason"]
    assert "SH99999" in body["items"][4]["reason"]
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (4, 1, 2)


def test_resending_the_batch_stores_nothing_twice(live_api: LiveApi) -> None:
    """The same events sent again are all acknowledged as duplicates."""
    post_batch(live_api)
    again = post_batch(live_api).json()
    assert again["accepted"] == 0 and again["duplicate"] == 5


def test_idempotency_key_replays_the_first_answer(live_api: LiveApi) -> None:
    """A retry with the same Idempotency-Key gets the first answer; another body with it is 409."""
    first = post_batch(live_api, key="batch-42")
    retry = post_batch(live_api, key="batch-42")
    assert retry.json() == first.json() and retry.headers.get("Idempotent-Replayed") == "true"
    other = post_batch(live_api, key="batch-42", body=b"[]")
    assert other.status_code == 409


def test_only_feed_keys_ingest(live_api: LiveApi) -> None:
    """Coordinator and shipper keys cannot post events."""
    for role in ("coordinator", "shipper", "analyst"):
        with live_api.client(role) as client:
            assert client.post("/v1/events", json=[]).status_code == 403, role


def test_tracking_shows_timeline_in_event_time_order_and_local_times(live_api: LiveApi) -> None:
    """The shipment's timeline follows event time, with local times, and status is the latest."""
    post_batch(live_api)
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    milestones = [e["milestone"] for e in view["timeline"]]
    assert milestones == ["BOOKED", "PICKED_UP", "RECEIVED"]
    assert view["status"] == "RECEIVED"
    assert view["timeline"][0]["event_time_local"].endswith("+08:00")


def test_shipper_sees_own_tracking_only(live_api: LiveApi) -> None:
    """A shipper key reads its shipment's tracking; another shipper's answers 404."""
    post_batch(live_api)
    with live_api.client("shipper") as client:  # SHP-FXZ
        own = client.get("/v1/shipments/SH00001/tracking")
        other = client.get("/v1/shipments/SH00003/tracking")
    assert own.status_code == 200 and other.status_code == 404


def test_pollers_page_through_events_with_a_cursor(live_api: LiveApi) -> None:
    """GET /v1/events pages in storage order with next_cursor until null."""
    post_batch(live_api)
    seen: list[str] = []
    cursor = 0
    with live_api.client("coordinator") as client:
        while True:
            page = client.get("/v1/events", params={"cursor": cursor, "limit": 2}).json()
            seen.extend(item["event_id"] for item in page["items"])
            if page["next_cursor"] is None:
                break
            cursor = page["next_cursor"]
    assert seen == ["EV-1", "EV-2", "EV-3", "EV-6"]


def test_raw_feed_goes_through_its_adapter_and_bad_format_is_refused(live_api: LiveApi) -> None:
    """POST /v1/feeds/unified stores via the adapter; an unknown format is a 422 problem."""
    payload = json.dumps([json.loads(BATCH.read_text())[0]]).encode()
    with live_api.client("feed") as client:
        ok = client.post("/v1/feeds/unified", content=payload)
        bad = client.post("/v1/feeds/telex", content=b"x")
    assert ok.status_code == 200 and ok.json()["accepted"] == 1
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "path.feed_format"
    assert "'fsu'" in bad.json()["errors"][0]["reason"]  # the registry's formats are listed
