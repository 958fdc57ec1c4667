"""Webhooks over real HTTP: subscribe, signed at-least-once delivery to a live receiver, restarts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Role
from logistics.persistence.database import session_scope
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import ID_HEADER, NOTICE_ID_HEADER, verify_headers
from tests.api.conftest import FIXTURE_BUNDLE, LiveApi
from tests.api.live_server import serve_in_thread


@pytest.fixture(autouse=True)
def fast_webhooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Poll every 50 ms and retry after 0.2 s, 0.4 s, ... so retries happen within a test.

    The receivers listen on http://127.0.0.1, which only the allow-list settings admit.
    """
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_POLL_SECONDS", "0.05")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_RETRY_BASE_SECONDS", "0.2")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_MAX_ATTEMPTS", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        """The JSON body."""
        return dict(json.loads(self.body))


class Receiver:
    """A real HTTP server on a free loopback port that records POSTs and answers as scripted."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.failures_left: dict[str, int] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    left = receiver.failures_left.get(self.path, 0)
                    receiver.failures_left[self.path] = max(0, left - 1)
                self.send_response(500 if left else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The URL of `path` on this receiver."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Received]:
        """Requests received on `path` so far."""
        with self.lock:
            return [r for r in self.requests if r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running receiver, shut down afterwards."""
    rec = Receiver()
    rec.thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Poll until `condition` holds; fail at the deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.05)


def notice(shipment_id: str, shipper: str, milestone: str = "DEPARTED") -> Notice:
    """A milestone notice as tracking would emit it."""
    return Notice(
        kind=NoticeKind.MILESTONE,
        shipment_id=shipment_id,
        shipper=shipper,
        occurred_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
        milestone=milestone,
        data={"status": milestone},
    )


def enqueue(factory: sessionmaker[Session], *notices: Notice) -> int:
    """Queue notices the way the tracking refresh does: inside a committed transaction."""
    with session_scope(factory) as session:
        return webhooks.enqueue(session, list(notices))


def subscribe(api: LiveApi, role: str, url: str, **filters: Any) -> dict[str, Any]:
    """POST /v1/webhooks and return the answer (with the secret)."""
    with api.client(role) as client:
        response = client.post("/v1/webhooks", json={"url": url, **filters})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_subscribe_list_delete_and_scoping(live_api: LiveApi) -> None:
    """201 with the secret once; listed without it; others get 404; bad input is 422; delete 204."""
    created = subscribe(live_api, "shipper", "https://example.test/hook", milestones=["DELIVERED"])
    assert created["secret"].startswith("whsec_") and created["shipper_id"] == "SHP-FXZ"
    with live_api.client("shipper") as client:
        listed = client.get("/v1/webhooks").json()["items"]
        assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
        assert client.get(f"/v1/webhooks/{created['id']}/deliveries").json() == {"items": []}
    with live_api.client("other_shipper") as client:
        assert client.get("/v1/webhooks").json() == {"items": []}
        assert client.get(f"/v1/webhooks/{created['id']}/deliveries").status_code == 404
        assert client.delete(f"/v1/webhooks/{created['id']}").status_code == 404
        refused = client.post(
            "/v1/webhooks", json={"url": "gopher://x", "shipment_ids": ["SH00001"]}
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.json()["errors"]] == ["url", "shipment_ids"]
    with live_api.client("analyst") as client:
        assert client.post("/v1/webhooks", json={"url": "http://x.test"}).status_code == 403
    with live_api.client("shipper") as client:
        assert client.delete(f"/v1/webhooks/{created['id']}").status_code == 204
        assert client.get("/v1/webhooks").json() == {"items": []}


def test_notices_arrive_signed_and_shippers_get_only_their_own(
    live_api: LiveApi, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    """Each subscriber gets its matching notices, verifiably signed; a shipper never another's."""
    coord = subscribe(live_api, "coordinator", receiver.url("/coordinator"))
    shipper = subscribe(live_api, "shipper", receiver.url("/shipper"))
    assert enqueue(session_factory, notice("SH00001", "SHP-FXZ"), notice("SH00003", "SHP-XUC")) == 3

    wait_for(lambda: len(receiver.at("/coordinator")) == 2 and len(receiver.at("/shipper")) == 1)
    for path, sub in (("/coordinator", coord), ("/shipper", shipper)):
        for request in receiver.at(path):
            assert verify_headers(sub["secret"], request.body, request.headers)
            assert not verify_headers("whsec_wrong", request.body, request.headers)
            assert request.headers[ID_HEADER] == request.document["id"]
            assert request.document["type"] == "shipment.milestone"
            assert request.document["subscription_id"] == sub["id"]
    assert [r.document["shipment_id"] for r in receiver.at("/shipper")] == ["SH00001"]
    assert sorted(r.document["shipment_id"] for r in receiver.at("/coordinator")) == [
        "SH00001",
        "SH00003",
    ]
    with live_api.client("coordinator") as client:
        wait_for(
            lambda: all(
                d["status"] == "delivered"
                for d in client.get(f"/v1/webhooks/{coord['id']}/deliveries").json()["items"]
            )
        )
        items = client.get(f"/v1/webhooks/{coord['id']}/deliveries").json()["items"]
    assert [(d["attempts"], d["last_status_code"]) for d in items] == [(1, 200), (1, 200)]
    sent = {r.document["id"]: r.document["notice_id"] for r in receiver.at("/coordinator")}
    assert {d["id"]: d["notice_id"] for d in items} == sent  # the ids the receiver got
    assert all(
        r.headers[NOTICE_ID_HEADER] == sent[r.document["id"]] for r in receiver.at("/coordinator")
    )


def test_failed_attempts_are_retried_with_the_same_delivery_id(
    live_api: LiveApi, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    """A receiver answering 500 twice gets the same delivery a third time and then it is done."""
    receiver.failures_left["/flaky"] = 2
    sub = subscribe(live_api, "coordinator", receiver.url("/flaky"), shipment_ids=["SH00002"])
    enqueue(session_factory, notice("SH00002", "SHP-FXZ"), notice("SH00001", "SHP-FXZ"))

    with live_api.client("coordinator") as client:

        def deliveries() -> list[dict[str, Any]]:
            return list(client.get(f"/v1/webhooks/{sub['id']}/deliveries").json()["items"])

        wait_for(lambda: [d["status"] for d in deliveries()] == ["delivered"])
        (delivery,) = deliveries()
    assert (delivery["attempts"], delivery["last_status_code"]) == (3, 200)
    assert delivery["last_error"] is None
    requests = receiver.at("/flaky")
    assert [r.headers[ID_HEADER] for r in requests] == [delivery["id"]] * 3
    assert all(verify_headers(sub["secret"], r.body, r.headers) for r in requests)
    assert len({r.body for r in requests}) == 1


def test_pending_deliveries_survive_a_restart(
    session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    """Queued while no server runs, a delivery is sent once a new app starts on the database."""
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(FIXTURE_BUNDLE))
        key, _ = create_api_key(session, role=Role.COORDINATOR)
    headers = {"Authorization": f"Bearer {key}"}
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        api = LiveApi(base_url=base_url, keys={"coordinator": key}, shippers=[])
        sub = subscribe(api, "coordinator", receiver.url("/after-restart"))

    assert enqueue(session_factory, notice("SH00004", "SHP-XUC", "DELIVERED")) == 1
    assert receiver.at("/after-restart") == []

    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        wait_for(lambda: len(receiver.at("/after-restart")) == 1)
        (request,) = receiver.at("/after-restart")
        assert verify_headers(sub["secret"], request.body, request.headers)
        assert request.document["milestone"] == "DELIVERED"
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
            wait_for(
                lambda: (
                    client.get(f"/v1/webhooks/{sub['id']}/deliveries").json()["items"][0]["status"]
                    == "delivered"
                )
            )
