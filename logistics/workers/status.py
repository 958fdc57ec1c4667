"""`logistics worker --status`: what to monitor, read from the database (queue depth, workers and
stalled ones, plan jobs with an old heartbeat, failed engine jobs, the webhook outbox's age,
routing child jobs waiting / in flight / handed back, routing workers, webhook wake-up listeners).

On SQLite (the embedded engine: `logistics serve` runs plan jobs and deliveries itself) only the
plan jobs and the outbox are reported; there are no queues, workers or child jobs."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import plan_jobs as plan_job_repo
from logistics.persistence.repositories import routing_subproblems as routing_repo
from logistics.services import webhooks
from logistics.settings import Settings, get_settings
from logistics.workers.routing_children import ROUTING_QUEUE, SLOTS_NAME
from logistics.workers.webhook_delivery import WAKER_NAME


def _age(now: datetime, then: datetime | None) -> str:
    return "-" if then is None else f"{(now - then).total_seconds():.0f} s"


def status_lines(database_url: str, now: datetime | None = None) -> list[str]:
    """The report, one line each (read only)."""
    settings = get_settings()
    now = now or datetime.now(UTC)
    engine = make_engine(database_url)
    lines: list[str] = []
    try:
        with session_scope(make_session_factory(engine)) as session:
            postgres = session.get_bind().dialect.name == "postgresql"
            has_engine = postgres and session.scalar(
                text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            )
            if not postgres:
                lines.append(
                    "job engine: embedded (SQLite): `logistics serve` runs plan jobs and webhook "
                    "deliveries itself; no queues, workers or routing child jobs to report"
                )
            elif not has_engine:
                lines.append("job engine: procrastinate's tables are missing (start a worker)")
            else:
                lines.extend(_engine_lines(session, settings, now))
            lease = timedelta(seconds=settings.plan_job_lease_seconds)
            silent = plan_job_repo.stalled(session, now - lease)
            running = plan_job_repo.with_status(session, ("running",))
            queued = plan_job_repo.with_status(session, ("queued",))
            lines.append(
                f"plan jobs: {len(queued)} queued, {len(running)} running, "
                f"{len(silent)} running without a heartbeat for {lease.total_seconds():g} s"
            )
            lines.extend(
                f"  {row.id}: heartbeat {_age(now, row.heartbeat_at)} ago" for row in silent
            )
            pending, due, oldest = webhooks.outbox_health(session, now)
            lines.append(
                f"webhook outbox: {pending} pending, {due} due now, oldest pending queued "
                f"{_age(now, oldest)} ago (notices not yet delivered nor given up; growing: "
                "senders fall behind or a receiver keeps failing)"
            )
            if postgres:
                lines.extend(_listener_lines(session, settings, now))
            if has_engine:
                lines.extend(_routing_lines(session, settings))
    finally:
        engine.dispose()
    return lines


def _engine_lines(session: Session, settings: Settings, now: datetime) -> list[str]:
    """procrastinate's queue depth and workers (their heartbeat, stalled ones flagged)."""
    lines: list[str] = []
    depth = session.execute(
        text(
            "SELECT queue_name, status, count(*) FROM procrastinate_jobs "
            "WHERE status IN ('todo', 'doing', 'failed') "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
    ).all()
    lines.append("queue depth (queue: todo / doing / failed):")
    queues = sorted({q for q, _, _ in depth} | {"plans", "webhooks", "tracking", ROUTING_QUEUE})
    counts = {(q, s): n for q, s, n in depth}
    for queue in queues:
        todo, doing, failed = (counts.get((queue, s), 0) for s in ("todo", "doing", "failed"))
        lines.append(f"  {queue}: {todo} / {doing} / {failed}")
    workers = session.execute(
        text("SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY id")
    ).all()
    stalled_after = timedelta(seconds=settings.worker_stalled_seconds)
    stalled = [w for w in workers if now - w.last_heartbeat > stalled_after]
    lines.append(
        f"workers: {len(workers)} registered, {len(stalled)} stalled "
        f"(no heartbeat for {settings.worker_stalled_seconds:g} s)"
    )
    for worker in workers:
        flag = " STALLED" if worker in stalled else ""
        lines.append(f"  worker {worker.id}: beat {_age(now, worker.last_heartbeat)} ago{flag}")
    return lines


def _named_connections(session: Session, pattern: str) -> list[Row[Any]]:
    """This database's sessions whose application_name is like `pattern` (any role sees the
    names and pids; the start time and address only for its own sessions or with
    pg_read_all_stats)."""
    return list(
        session.execute(
            text(
                "SELECT application_name, pid, backend_start, client_addr FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE :pattern "
                "ORDER BY pid"
            ),
            {"pattern": pattern},
        ).all()
    )


def _listener_lines(session: Session, settings: Settings, now: datetime) -> list[str]:
    """The webhook wake-up listeners: one connection per worker taking the webhooks queue."""
    wakers = _named_connections(session, WAKER_NAME)
    lines = [
        f"webhook wake-up listeners: {len(wakers)} (workers taking the webhooks queue, each "
        f"holding a connection named '{WAKER_NAME}' that LISTENs, so a notice is sent on "
        f"commit; 0: notices wait up to {settings.webhook_poll_seconds:g} s, "
        "LOGISTICS_WEBHOOK_POLL_SECONDS, for a worker's fallback tick, if one takes that queue)"
    ]
    for waker in wakers:
        where = "" if waker.client_addr is None else f" from {waker.client_addr}"
        since = (
            ""
            if waker.backend_start is None
            else f", connected {_age(now, waker.backend_start)} ago"
        )
        lines.append(f"  listener pid {waker.pid}{where}{since}")
    return lines


def _routing_lines(session: Session, settings: Settings) -> list[str]:
    """Routing child jobs (the last day's subproblems) and the routing workers' slots."""
    c = routing_repo.counts(session)
    dead = routing_repo.dead_claims(session, settings.worker_stalled_seconds)
    slots = 0
    beacons = _named_connections(session, SLOTS_NAME + "%")
    for beacon in beacons:
        with contextlib.suppress(ValueError):
            slots += max(0, int(str(beacon.application_name).removeprefix(SLOTS_NAME)))
    return [
        f"routing child jobs (subproblems of plan jobs, kept a day): {c.waiting} waiting, "
        f"{c.in_flight} in flight, {c.handed_back} handed back",
        f"  waiting: {c.waiting} queued, not yet claimed by a routing worker or their plan job's "
        "own lanes (growing while plans run: too few routing slots)",
        f"  in flight: {c.in_flight} claimed and being solved; {dead} of them by a child job "
        f"whose worker stopped (no heartbeat for {settings.worker_stalled_seconds:g} s, or its "
        "job ended): the plan job hands them back within a second, or they time out at their "
        "deadline",
        f"  handed back: {c.handed_back} re-queued after the worker solving them stopped "
        f"({c.handbacks} hand-back(s); now {c.handed_back_waiting} waiting, "
        f"{c.handed_back_in_flight} in flight, {c.handed_back_answered} answered, "
        f"{c.handed_back_expired} timed out; at most LOGISTICS_ROUTING_MAX_HANDBACKS="
        f"{settings.routing_max_handbacks} each, while LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS="
        f"{settings.routing_handback_min_left_seconds:g} of the deadline remain)",
        f"routing workers: {len(beacons)} running, {slots} job slot(s) (connections named "
        f"'{SLOTS_NAME}N'; 0: plan jobs solve their routing subproblems in their own lanes, "
        "LOGISTICS_ROUTING_COORDINATOR_LANES)",
    ]
