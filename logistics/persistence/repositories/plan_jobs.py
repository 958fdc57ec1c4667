"""Plan jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from logistics.persistence.tables import PlanJobRow


def add(session: Session, row: PlanJobRow) -> None:
    """Store a new job."""
    session.add(row)
    session.flush()


def get(session: Session, job_id: str) -> PlanJobRow | None:
    """A job by id."""
    return session.get(PlanJobRow, job_id)


def with_status(session: Session, statuses: tuple[str, ...]) -> list[PlanJobRow]:
    """Jobs in any of these states, oldest first."""
    query = (
        select(PlanJobRow).where(PlanJobRow.status.in_(statuses)).order_by(PlanJobRow.created_at)
    )
    return list(session.scalars(query))


def recent(session: Session, limit: int) -> list[PlanJobRow]:
    """The newest jobs."""
    return list(
        session.scalars(select(PlanJobRow).order_by(PlanJobRow.created_at.desc()).limit(limit))
    )


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


def stalled(session: Session, before: datetime) -> list[PlanJobRow]:
    """Running jobs whose worker has not beaten since `before`."""
    beat_at = PlanJobRow.heartbeat_at
    query = select(PlanJobRow).where(
        PlanJobRow.status == "running",
        or_(beat_at < before, beat_at.is_(None)),  # claims always beat: none is a dead worker
    )
    return list(session.scalars(query.order_by(PlanJobRow.created_at)))
