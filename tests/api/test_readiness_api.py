"""GET /v1/ready beside /v1/health: database reachable, migrations at head, job engine present."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import downgrade_to, head_revision, upgrade_to_head
from logistics.persistence.tables import ShipmentStateRow
from logistics.services import readiness
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from tests.api.conftest import LiveApi
from tests.api.live_server import serve_in_thread
from tests.booking import book_minimal
from tests.conftest import FIXTURES

BACKGROUND_THREADS = {"webhook-dispatcher", "tracking-refresher"}


def test_ready_on_the_embedded_engine(live_api: LiveApi) -> None:
    """Both answer 200 without a key; the job engine's check does not apply."""
    with live_api.client() as client:
        assert client.get("/v1/health").json()["status"] == "ok"
        answer = client.get("/v1/ready")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "database": "ok",
        "migrations": "ok",
        "job_engine": "not used",
    }


def test_not_ready_while_migrations_are_behind(tmp_path: Path) -> None:
    """A database one migration behind this code answers 503 naming both revisions."""
    engine = make_engine(f"sqlite:///{tmp_path / 'behind.db'}")
    upgrade_to_head(engine)
    downgrade_to(engine, "-1")
    try:
        with serve_in_thread(create_app(session_factory=make_session_factory(engine))) as base:
            answer = httpx.get(f"{base}/v1/ready", timeout=10)
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "not ready" and body["database"] == "ok"
        assert head_revision() in body["migrations"] and "migrate first" in body["migrations"]
    finally:
        engine.dispose()


@pytest.fixture
def procrastinate_engine() -> Iterator[None]:
    """LOGISTICS_JOB_ENGINE=procrastinate for the app under test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGISTICS_JOB_ENGINE", "procrastinate")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_procrastinate_server_only_reads_and_runs_no_background_thread(
    database_url: str, procrastinate_engine: None
) -> None:
    """On the procrastinate engine the server starts no dispatcher or refresher thread, and the
    lists (exceptions, needs-replan, consignments) read without refreshing stale projections;
    /v1/ready checks the engine's tables (503 without them, 200 once applied)."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        book_minimal(session)  # two shipments with stale projections
        key = create_api_key(session, role=Role.COORDINATOR)[0]
    try:
        assert not readiness.check(engine, job_engine_schema=True).ready
        assert (
            "procrastinate schema missing"
            in readiness.check(engine, job_engine_schema=True).job_engine
        )
        app = create_app(session_factory=factory)
        assert app.state.job_engine == "procrastinate"
        with serve_in_thread(app) as base:  # its start applies the engine's schema
            answer = httpx.get(f"{base}/v1/ready", timeout=10)
            assert answer.status_code == 200 and answer.json()["job_engine"] == "ok"
            assert not BACKGROUND_THREADS & {t.name for t in threading.enumerate()}
            headers = {"Authorization": f"Bearer {key}"}
            for path in ("/v1/exceptions", "/v1/needs-replan", "/v1/tracking/shipments"):
                assert httpx.get(f"{base}{path}", headers=headers, timeout=10).status_code == 200
            assert stale_count(factory) == 2  # nothing refreshed by the reads
    finally:
        engine.dispose()


@pytest.fixture
def idle_refresher() -> Iterator[None]:
    """The embedded refresher thread passes once at start, then not for an hour."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGISTICS_TRACKING_REFRESH_SECONDS", "3600")
        patch.setenv("LOGISTICS_TRACKING_SWEEP_SECONDS", "3600")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def test_an_embedded_server_refreshes_before_listing(
    idle_refresher: None, session_factory: sessionmaker[Session], live_api: LiveApi
) -> None:
    """On the embedded engine the server runs its dispatcher and refresher threads, and GET
    /v1/exceptions brings stale projections up to date first (the thread is idle for an hour)."""
    assert {t.name for t in threading.enumerate()} >= BACKGROUND_THREADS
    time.sleep(0.5)  # the refresher's first pass (before the booking) is over
    with session_scope(session_factory) as session:
        book_minimal(session)
    assert stale_count(session_factory) == 2
    with live_api.client("coordinator") as client:
        assert client.get("/v1/exceptions").status_code == 200
    assert stale_count(session_factory) == 0


def stale_count(factory: sessionmaker[Session]) -> int:
    """Tracking projections still marked stale."""
    with factory() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(ShipmentStateRow).where(ShipmentStateRow.stale)
            )
            or 0
        )
