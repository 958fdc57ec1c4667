"""`logistics worker --status`: what to monitor, read from the database (queue depth, workers and
stalled ones, plan jobs with an old heartbeat, failed engine jobs, the webhook outbox's age)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import plan_jobs as plan_job_repo
from logistics.services import webhooks
from logistics.settings import get_settings


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
            has_engine = session.scalar(
                text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            )
            if not has_engine:
                lines.append("job engine: procrastinate's tables are missing (start a worker)")
            else:
                depth = session.execute(
                    text(
                        "SELECT queue_name, status, count(*) FROM procrastinate_jobs "
                        "WHERE status IN ('todo', 'doing', 'failed') "
                        "GROUP BY 1, 2 ORDER BY 1, 2"
                    )
                ).all()
                lines.append("queue depth (queue: todo / doing / failed):")
                queues = sorted({q for q, _, _ in depth} | {"plans", "webhooks", "tracking"})
                counts = {(q, s): n for q, s, n in depth}
                for queue in queues:
                    todo, doing, failed = (
                        counts.get((queue, s), 0) for s in ("todo", "doing", "failed")
                    )
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
                    lines.append(
                        f"  worker {worker.id}: beat {_age(now, worker.last_heartbeat)} ago{flag}"
                    )
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
                f"{_age(now, oldest)} ago"
            )
    finally:
        engine.dispose()
    return lines
