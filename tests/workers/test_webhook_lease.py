"""A worker SIGKILLed while it sends a webhook: after LOGISTICS_WEBHOOK_LEASE_SECONDS another
worker sends the same delivery (same ids) and records it; nothing waits a fixed 300 s."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.tables import WebhookOutboxRow
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import ID_HEADER
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT, procfile

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]
LEASE_S = 6.0


class HangingReceiver:
    """Holds the first POST open (as a receiver that hangs would), answers later ones 204."""

    def __init__(self) -> None:
        self.received: list[tuple[datetime, str]] = []
        self.first = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append((datetime.now(UTC), self.headers[ID_HEADER]))
                if len(receiver.received) == 1:
                    receiver.first.set()
                    receiver.release.wait(60)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Let a held request go and shut the server down."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_killed_workers_delivery_is_sent_again_after_the_lease(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A is killed while its POST hangs; worker B sends the same delivery once the lease
    (not 300 s) is over; the row ends delivered, its killed attempt never recorded."""
    receiver = HangingReceiver()
    port = receiver.server.server_address[1]
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        _, coordinator = create_api_key(session, role=Role.COORDINATOR)
        webhooks.subscribe(session, coordinator, url=f"http://127.0.0.1:{port}/hook")
        notice = Notice(
            NoticeKind.MILESTONE, "SH00001", "SHP-FXZ", datetime.now(UTC), milestone="DEPARTED"
        )
        assert webhooks.enqueue(session, [notice]) == 1
    get_settings.cache_clear()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOGISTICS_DATABASE_URL": postgres_url,
        "LOGISTICS_WEBHOOK_ALLOW_HTTP": "true",
        "LOGISTICS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "LOGISTICS_WEBHOOK_TIMEOUT_SECONDS": str(LEASE_S - 1),
        "LOGISTICS_WEBHOOK_LEASE_SECONDS": str(LEASE_S),
        "LOGISTICS_WORKER_STALLED_SECONDS": "6",
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                procfile()["worker"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
            )
        workers.append(proc)
        return proc

    try:
        a = start("a")
        assert receiver.first.wait(90), (tmp_path / "a.log").read_text()
        a.kill()  # mid-attempt: the POST is held open
        assert a.wait(timeout=10) == -signal.SIGKILL
        b = start("b")
        deadline = time.monotonic() + 90
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            assert b.poll() is None, (tmp_path / "b.log").read_text()
            time.sleep(0.1)
        (first_at, first_id), (again_at, again_id) = receiver.received[:2]
        assert again_id == first_id  # the same delivery, the same Webhook-Id
        assert again_at >= first_at + timedelta(seconds=LEASE_S - 1)  # not before the lease
        assert again_at < first_at + timedelta(seconds=120)  # and not a fixed 300 s
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with factory() as session:
                row = session.get(WebhookOutboxRow, first_id)
                assert row is not None
                if row.status == "delivered":
                    break
            time.sleep(0.2)
        assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)
        b.send_signal(signal.SIGTERM)
        assert b.wait(timeout=60) == 0, (tmp_path / "b.log").read_text()
    finally:
        receiver.stop()
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        engine.dispose()
        get_settings.cache_clear()  # the allow-list must not outlive this test
