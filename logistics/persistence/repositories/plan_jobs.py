"""Plan jobs, handed out as `PlanJob` values; every change of a job is a write here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from logistics.persistence.tables import PlanJobRow


@dataclass(frozen=True, slots=True)
class PlanJob:
    """A requested plan: its request, where its run stands, and (when done) its document."""

    id: str
    status: str
    objective: str
    time_limit_s: float
    seed: int
    shipment_ids: str | None  # a JSON list, None: every shipment
    requested_by: str
    progress: float
    message: str
    created_at: datetime
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
    accepted_at: datetime | None = None
    result: str | None = None  # the plan document (JSON)


def _job(row: PlanJobRow) -> PlanJob:
    return PlanJob(
        id=row.id,
        status=row.status,
        objective=row.objective,
        time_limit_s=row.time_limit_s,
        seed=row.seed,
        shipment_ids=row.shipment_ids,
        requested_by=row.requested_by,
        progress=row.progress,
        message=row.message,
        created_at=row.created_at,
        started_at=row.started_at,
        heartbeat_at=row.heartbeat_at,
        finished_at=row.finished_at,
        accepted_at=row.accepted_at,
        result=row.result,
    )


def add(session: Session, job: PlanJob) -> None:
    """Store a new job."""
    session.add(
        PlanJobRow(
            id=job.id,
            status=job.status,
            objective=job.objective,
            time_limit_s=job.time_limit_s,
            seed=job.seed,
            shipment_ids=job.shipment_ids,
            requested_by=job.requested_by,
            progress=job.progress,
            message=job.message,
            created_at=job.created_at,
            started_at=job.started_at,
            heartbeat_at=job.heartbeat_at,
            finished_at=job.finished_at,
            accepted_at=job.accepted_at,
            result=job.result,
        )
    )
    session.flush()


def get(session: Session, job_id: str) -> PlanJob | None:
    """A job by id."""
    row = session.get(PlanJobRow, job_id)
    return _job(row) if row is not None else None


def with_status(session: Session, statuses: tuple[str, ...]) -> list[PlanJob]:
    """Jobs in any of these states, oldest first."""
    query = (
        select(PlanJobRow).where(PlanJobRow.status.in_(statuses)).order_by(PlanJobRow.created_at)
    )
    return [_job(row) for row in session.scalars(query)]


def recent(session: Session, limit: int) -> list[PlanJob]:
    """The newest jobs."""
    query = select(PlanJobRow).order_by(PlanJobRow.created_at.desc()).limit(limit)
    return [_job(row) for row in session.scalars(query)]


def claim(
    session: Session, job_id: str, now: datetime, *, stale_before: datetime | None = None
) -> bool:
    """Take a queued job for this worker in one statement: True for exactly one claimant.
    With `stale_before`, a running job whose worker has not beaten since then is taken over."""
    takeable = PlanJobRow.status == "queued"
    if stale_before is not None:
        beat_at = PlanJobRow.heartbeat_at
        takeable = or_(
            takeable,
            and_(PlanJobRow.status == "running", or_(beat_at < stale_before, beat_at.is_(None))),
        )
    result = session.execute(
        update(PlanJobRow)
        .where(PlanJobRow.id == job_id, takeable)
        .values(status="running", started_at=now, heartbeat_at=now, message="loading the scenario")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def beat(session: Session, job_id: str, now: datetime) -> None:
    """The running job's worker is alive."""
    session.execute(
        update(PlanJobRow)
        .where(PlanJobRow.id == job_id, PlanJobRow.status == "running")
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )


def report_progress(
    session: Session, job_id: str, *, progress: float, message: str, now: datetime
) -> None:
    """Store a running job's progress (which beats its heartbeat too)."""
    row = session.get(PlanJobRow, job_id)
    if row is not None:
        row.progress, row.message, row.heartbeat_at = progress, message, now
        session.flush()


def finish(
    session: Session,
    job_id: str,
    *,
    status: str,
    finished_at: datetime,
    message: str,
    progress: float | None = None,
    result: str | None = None,
) -> None:
    """End a job (done or failed) with its message, and its document when it has one."""
    row = session.get(PlanJobRow, job_id)
    if row is None:
        return
    row.status, row.finished_at, row.message = status, finished_at, message
    if progress is not None:
        row.progress = progress
    if result is not None:
        row.result = result
    session.flush()


def mark_accepted(session: Session, job_id: str, when: datetime) -> None:
    """Record when the job's plan was accepted."""
    row = session.get(PlanJobRow, job_id)
    if row is not None:
        row.accepted_at = when
        session.flush()


def stalled(session: Session, before: datetime) -> list[PlanJob]:
    """Running jobs whose worker has not beaten since `before`."""
    beat_at = PlanJobRow.heartbeat_at
    query = select(PlanJobRow).where(
        PlanJobRow.status == "running",
        or_(beat_at < before, beat_at.is_(None)),  # claims always beat: none is a dead worker
    )
    return [_job(row) for row in session.scalars(query.order_by(PlanJobRow.created_at))]
