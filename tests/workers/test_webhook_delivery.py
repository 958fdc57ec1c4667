"""deliver_until_idle, what a worker's webhook task runs: passes until nothing is due, over real
HTTP to a loopback receiver (allowed by the test-only allow-list), within its time budget."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Role
from logistics.persistence.database import session_scope
from logistics.persistence.tables import WebhookOutboxRow
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import ID_HEADER
from logistics.workers.webhook_delivery import deliver_until_idle
from tests.conftest import FIXTURES

NOTICES = 45  # more than one pass claims (20)


@pytest.fixture
def receiver_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[str]]]:
    """A loopback receiver answering 204 (its URL, the Webhook-Ids it got); http and 127.0.0.1
    allowed for the test."""
    got: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append(self.headers[ID_HEADER])
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()
    get_settings.cache_clear()


def _queue(factory: sessionmaker[Session], url: str) -> None:
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        _, coordinator = create_api_key(session, role=Role.COORDINATOR)
        webhooks.subscribe(session, coordinator, url=url)
        at = datetime.now(UTC)
        notices = [
            Notice(NoticeKind.ETA_CHANGED, "SH00001", "SHP-FXZ", at, data={"n": n})
            for n in range(NOTICES)
        ]
        assert webhooks.enqueue(session, notices) == NOTICES


def _pending(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).where(WebhookOutboxRow.status == "pending")
        return int(session.scalar(query) or 0)


def test_passes_until_nothing_is_due(
    session_factory: sessionmaker[Session], receiver_url: tuple[str, list[str]]
) -> None:
    """Three passes send all 45, each once; a further call finds nothing."""
    url, got = receiver_url
    _queue(session_factory, url)
    report = deliver_until_idle(session_factory)
    assert (report.attempted, report.delivered, report.failed) == (NOTICES, NOTICES, 0)
    assert len(got) == len(set(got)) == NOTICES
    assert _pending(session_factory) == 0
    assert deliver_until_idle(session_factory).attempted == 0


def test_no_new_pass_after_the_budget(
    session_factory: sessionmaker[Session], receiver_url: tuple[str, list[str]]
) -> None:
    """With its budget spent after the first pass it stops; the rest waits for the next tick."""
    url, got = receiver_url
    _queue(session_factory, url)
    report = deliver_until_idle(session_factory, budget_s=0.0)
    assert report.attempted == 20 and len(got) == 20
    assert _pending(session_factory) == NOTICES - 20
