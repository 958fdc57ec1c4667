"""The job-engine setting, procrastinate's schema applied once by processes starting together,
and `logistics worker` refusing SQLite with a clear message."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from logistics.persistence.database import make_engine
from logistics.settings import Settings, get_settings, job_engine
from logistics.workers.engine import apply_schema, conninfo, cron_every, make_app
from logistics.workers.worker import QUEUES, split_queues
from tests.conftest import FIXTURES


def test_auto_is_embedded_on_sqlite_and_procrastinate_on_postgres() -> None:
    """`auto` follows LOGISTICS_DATABASE_URL; an explicit engine wins; procrastinate needs PG."""
    pg = "postgresql+psycopg://u@h/db"
    assert job_engine(Settings(database_url="sqlite:///x.db")) == "embedded"
    assert job_engine(Settings(database_url=pg)) == "procrastinate"
    assert job_engine(Settings(database_url=pg, job_engine="embedded")) == "embedded"
    with pytest.raises(ValueError, match="needs a PostgreSQL"):
        job_engine(Settings(database_url="sqlite:///x.db", job_engine="procrastinate"))
    assert conninfo(pg) == "postgresql://u@h/db"
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        conninfo("sqlite:///x.db")


@pytest.mark.postgres
def test_schema_is_applied_once_by_processes_starting_together(postgres_url: str) -> None:
    """Four starts at once: one creates procrastinate's tables, the others find them."""
    database_url = postgres_url
    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(lambda _: apply_schema(database_url), range(4)))
    assert sorted(created) == [False, False, False, True]
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM procrastinate_jobs")) == 0
    finally:
        engine.dispose()


def test_worker_refuses_sqlite_with_a_clear_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`logistics worker` on the SQLite default exits 2 and says what to do instead."""
    result = subprocess.run(
        [sys.executable, "-m", "logistics", "worker"],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(FIXTURES.parent),
            "LOGISTICS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr and "logistics serve" in result.stderr


def test_periodic_work_is_scheduled_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's app schedules webhook delivery, refresh and sweep at the configured intervals
    (whole seconds under a minute, whole minutes above), each behind a queueing lock."""
    assert cron_every(1) == "* * * * * */1"
    assert cron_every(0.05) == "* * * * * */1"
    assert cron_every(2.4) == "* * * * * */2"
    assert cron_every(60) == "*/1 * * * *"
    assert cron_every(300) == "*/5 * * * *"
    monkeypatch.setenv("LOGISTICS_TRACKING_SWEEP_SECONDS", "120")
    get_settings.cache_clear()
    try:
        app = make_app("postgresql+psycopg://u@h/db", asynchronous=True)
    finally:
        get_settings.cache_clear()
    scheduled = {
        name: (p.cron, p.configure_kwargs["queue"], p.configure_kwargs["queueing_lock"])
        for (name, _), p in app.periodic_registry.periodic_tasks.items()
    }
    assert scheduled == {
        # (the fallback tick: deliveries are woken on commit, see test_webhook_wake.py)
        "logistics:deliver_webhooks": ("* * * * * */30", "webhooks", "periodic:deliver_webhooks"),
        "logistics:refresh_tracking": ("* * * * * */2", "tracking", "periodic:refresh_tracking"),
        "logistics:sweep_tracking": ("*/2 * * * *", "tracking", "periodic:sweep_tracking"),
    }
    # an API server's app defers only: nothing periodic; every app of a process has the same
    # task names (procrastinate renames a blueprint's tasks in place when an app takes them)
    server = make_app("postgresql+psycopg://u@h/db", asynchronous=False)
    assert not server.periodic_registry.periodic_tasks
    again = make_app("postgresql+psycopg://u@h/db", asynchronous=True)
    for other in (server, again):
        ours = sorted(name for name in other.tasks if name.startswith("logistics:"))
        assert ours == sorted(name for name in app.tasks if name.startswith("logistics:"))
    assert {"logistics:plan_job", "logistics:deliver_webhooks"} <= set(app.tasks)
    assert len(again.periodic_registry.periodic_tasks) == 3
    # a worker takes every queue by default; solves apart from the light work
    assert split_queues(QUEUES) == (["plans"], ["webhooks", "tracking"])
    assert split_queues(["webhooks"]) == ([], ["webhooks"])
    assert split_queues(["routing", "tracking"]) == (["routing"], ["tracking"])
