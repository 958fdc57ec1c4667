"""Webhook delivery woken on commit, not by the fallback poll: with the poll set to an hour, a
real loopback receiver gets a queued notice within a bounded wait (far below it), and a failed
attempt is retried at its retry time. On PostgreSQL through a real `logistics worker` process
(NOTIFY in the queuing transaction, the worker's waker defers a delivery job); on SQLite and
PostgreSQL through the embedded dispatcher (an in-process wake-up on commit)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.webhook_dispatcher import WebhookDispatcher
from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import ID_HEADER
from logistics.workers.engine import apply_schema, conninfo
from logistics.workers.webhook_delivery import WAKER_NAME
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT, procfile

FALLBACK_S = 3600  # the fallback poll: never reached within the bounded waits below
BOUND_S = 30.0  # how long a test waits for a delivery at most (far below the fallback)
RETRY_S = 2.0  # the wait after the first failed attempt


class Receiver:
    """A loopback receiver: the (Webhook-Id, time) of each POST; answers 500 to the first
    `failures` POSTs, then 204."""

    def __init__(self, failures: int = 0) -> None:
        self.got: list[tuple[str, float]] = []
        self.failures = failures
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.arrived:
                    outer.got.append((self.headers[ID_HEADER], time.time()))
                    failing = len(outer.got) <= outer.failures
                    outer.arrived.notify_all()
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float) -> list[tuple[str, float]]:
        """The POSTs once `count` arrived, or those that did within `timeout` seconds."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.got) >= count, timeout=timeout)
            return list(self.got)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """http to 127.0.0.1 allowed, the fallback poll an hour, a 2 s first retry."""
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_POLL_SECONDS", str(FALLBACK_S))
    monkeypatch.setenv("LOGISTICS_WEBHOOK_RETRY_BASE_SECONDS", str(RETRY_S))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _subscribe(factory: sessionmaker[Session], url: str) -> None:
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        _, coordinator = create_api_key(session, role=Role.COORDINATOR)
        webhooks.subscribe(session, coordinator, url=url)


def _queue(factory: sessionmaker[Session], n: int) -> float:
    """Queue one notice (committed); when."""
    with session_scope(factory) as session:
        notice = Notice(
            NoticeKind.ETA_CHANGED, "SH00001", "SHP-FXZ", datetime.now(UTC), data={"n": n}
        )
        assert webhooks.enqueue(session, [notice]) == 1
    return time.time()


def _check_retry(got: list[tuple[str, float]]) -> None:
    """Two POSTs of the same delivery, the second not before its retry time."""
    assert len(got) == 2, got
    (first_id, first_at), (second_id, second_at) = got
    assert first_id == second_id
    assert second_at - first_at >= RETRY_S - 0.1  # (the receiver's clock, 0.1 s for rounding)


def test_the_embedded_dispatcher_is_woken_on_commit(
    session_factory: sessionmaker[Session], allow_loopback: None
) -> None:
    """The embedded dispatcher (poll an hour) sends a notice queued in its process on commit,
    and its failed first attempt again at the retry time; a rolled-back queuing sends nothing."""
    receiver = Receiver(failures=1)
    _subscribe(session_factory, receiver.url)
    dispatcher = WebhookDispatcher.from_settings(session_factory)
    assert dispatcher.poll_s == FALLBACK_S
    dispatcher.start()
    try:
        assert dispatcher.idle.wait(BOUND_S)  # its first pass found nothing: it waits
        with session_factory() as session:  # queued, then rolled back: no delivery exists
            notice = Notice(NoticeKind.ETA_CHANGED, "SH00001", "SHP-FXZ", datetime.now(UTC))
            assert webhooks.enqueue(session, [notice]) == 1
            session.rollback()
        _queue(session_factory, 1)
        got = receiver.wait_for(2, BOUND_S)
    finally:
        dispatcher.stop()
        receiver.close()
    _check_retry(got)


@pytest.fixture
def pg_database(postgres_url: str) -> str:
    """The fresh PostgreSQL database migrated, with procrastinate's schema."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    engine.dispose()
    apply_schema(postgres_url)
    return postgres_url


def _waker_listening(url: str) -> bool:
    """A worker's waker has connected, listens and waits (its first query after LISTEN done)."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND state = 'idle' AND query NOT LIKE 'LISTEN%%'",
            (WAKER_NAME,),
        ).fetchone()
    return bool(row and row[0])


def _periodic_defers_since(url: str, since: float) -> int:
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_periodic_defers "
            "WHERE task_name = 'logistics:deliver_webhooks' AND defer_timestamp >= %s",
            (int(since) - 1,),
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_worker_is_woken_by_the_queuing_commit(
    pg_database: str, allow_loopback: None, tmp_path: Path
) -> None:
    """A real `logistics worker --queues webhooks` (fallback poll an hour): a notice queued in
    this process reaches the receiver within the bounded wait, its failed first attempt is sent
    again at its retry time, and no periodic tick was deferred meanwhile (the waker did it)."""
    url = pg_database
    receiver = Receiver(failures=1)
    factory = make_session_factory(make_engine(url))
    _subscribe(factory, receiver.url)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOGISTICS_DATABASE_URL": url,
        "LOGISTICS_WEBHOOK_ALLOW_HTTP": "true",
        "LOGISTICS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "LOGISTICS_WEBHOOK_POLL_SECONDS": str(FALLBACK_S),
        "LOGISTICS_WEBHOOK_RETRY_BASE_SECONDS": str(RETRY_S),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [*procfile()["worker"], "--queues", "webhooks"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 120
            while not _waker_listening(url):
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            queued_at = _queue(factory, 1)
            got = receiver.wait_for(2, BOUND_S)
            periodic = _periodic_defers_since(url, queued_at)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            receiver.close()
            factory.kw["bind"].dispose()
    _check_retry(got)
    assert got[0][1] - queued_at < BOUND_S
    assert periodic == 0
