"""The procrastinate app on the configured PostgreSQL database, and its schema applied once."""

from __future__ import annotations

import copy

import psycopg
from procrastinate import App, Blueprint, PsycopgConnector, SyncPsycopgConnector
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from logistics.settings import get_settings
from logistics.workers.tasks import blueprint

PLANS_QUEUE = "plans"
WEBHOOKS_QUEUE = "webhooks"
TRACKING_QUEUE = "tracking"
SCHEMA_LOCK = 0x6C6F6769  # advisory lock key: one process applies procrastinate's schema at a time


def conninfo(database_url: str) -> str:
    """A libpq URL (postgresql://...) for a SQLAlchemy one (postgresql+psycopg://...)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(
            f"the procrastinate job engine needs PostgreSQL, not {url.get_backend_name()!r} "
            "(set LOGISTICS_JOB_ENGINE=embedded for SQLite)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _copy_of(source: Blueprint) -> Blueprint:
    """A blueprint with copies of `source`'s tasks: procrastinate renames the tasks of a blueprint
    added to an app in place, so each app gets its own copies (a process may make several apps)."""
    fresh = Blueprint()
    for name, task in source.tasks.items():
        clone = copy.copy(task)
        clone.aliases = list(task.aliases)
        clone.blueprint = fresh
        fresh.tasks[name] = clone
    return fresh


def make_app(database_url: str, *, asynchronous: bool) -> App:
    """The procrastinate app with our tasks: an async pool for workers, a sync one for API servers."""
    info = conninfo(database_url)
    connector = (
        PsycopgConnector(conninfo=info) if asynchronous else SyncPsycopgConnector(conninfo=info)
    )
    app = App(connector=connector)
    app.add_tasks_from(_copy_of(blueprint), namespace="logistics")
    if asynchronous:
        schedule_periodic(app)
    return app


def cron_every(seconds: float) -> str:
    """A procrastinate cron (6th column: seconds) firing about every `seconds` (whole seconds
    under a minute, whole minutes from one minute)."""
    if seconds < 60:
        return f"* * * * * */{max(1, round(seconds))}"
    return f"*/{max(1, round(seconds / 60))} * * * *"


def schedule_periodic(app: App) -> None:
    """Webhook delivery every LOGISTICS_WEBHOOK_POLL_SECONDS, tracking refresh every
    LOGISTICS_TRACKING_REFRESH_SECONDS, the sweep every LOGISTICS_TRACKING_SWEEP_SECONDS; one job
    per tick across all workers (procrastinate's periodic defers), and none queued behind a tick
    still waiting (a queueing lock)."""
    settings = get_settings()
    every = {
        "deliver_webhooks": (settings.webhook_poll_seconds, WEBHOOKS_QUEUE),
        "refresh_tracking": (settings.tracking_refresh_seconds, TRACKING_QUEUE),
        "sweep_tracking": (settings.tracking_sweep_seconds, TRACKING_QUEUE),
    }
    for name, (seconds, queue) in every.items():
        app.periodic_registry.register_task(
            task=app.tasks[f"logistics:{name}"],
            cron=cron_every(seconds),
            periodic_id="",
            configure_kwargs={"queue": queue, "queueing_lock": f"periodic:{name}"},
        )


def apply_schema(database_url: str) -> bool:
    """Create procrastinate's tables unless they exist (safe with many processes starting at
    once: an advisory lock serialises them); True if this call created them."""
    with psycopg.connect(conninfo(database_url)) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        exists = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if exists and exists[0]:
            return False
        conn.execute(SchemaManager.get_schema())
        return True
