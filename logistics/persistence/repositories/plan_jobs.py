"""Plan jobs."""

from __future__ import annotations

from sqlalchemy import select
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
