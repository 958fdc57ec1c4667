"""Stored disruptions, as domain values."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from logistics.domain import Disruption, DisruptionKind
from logistics.persistence.tables import DisruptionRow

_FIELDS = (
    "service_id",
    "vehicle_id",
    "location",
    "starts_at",
    "ends_at",
    "new_departure",
    "new_arrival",
    "capacity_kg",
    "capacity_m3",
)


def to_domain(row: DisruptionRow) -> Disruption:
    """A stored row as a domain value."""
    return Disruption(
        id=row.id,
        kind=DisruptionKind(row.kind),
        reported_at=row.reported_at,
        source=row.source,
        note=row.note,
        **{name: getattr(row, name) for name in _FIELDS},
    )


def add(session: Session, d: Disruption, *, reported_by: str | None) -> bool:
    """Store a disruption; False (and nothing stored) when its id is already there."""
    if session.get(DisruptionRow, d.id) is not None:
        return False
    session.add(
        DisruptionRow(
            id=d.id,
            kind=d.kind.value,
            reported_at=d.reported_at,
            source=d.source,
            note=d.note,
            reported_by=reported_by,
            **{name: getattr(d, name) for name in _FIELDS},
        )
    )
    session.flush()
    return True


def get(session: Session, disruption_id: str) -> DisruptionRow | None:
    """A disruption row by id."""
    return session.get(DisruptionRow, disruption_id)


def active(session: Session) -> list[Disruption]:
    """Every disruption not resolved, oldest first."""
    query = select(DisruptionRow).where(DisruptionRow.resolved_at.is_(None))
    return [to_domain(r) for r in session.scalars(query.order_by(DisruptionRow.reported_at))]


def recent(session: Session, limit: int = 100) -> list[DisruptionRow]:
    """The newest disruptions, resolved or not."""
    query = select(DisruptionRow).order_by(DisruptionRow.reported_at.desc()).limit(limit)
    return list(session.scalars(query))


def touching(
    session: Session,
    *,
    service_ids: Collection[str],
    vehicle_ids: Collection[str],
    locations: Collection[str],
) -> list[Disruption]:
    """Active disruptions about any of these services, truck shifts or places."""
    clauses = []
    if service_ids:
        clauses.append(DisruptionRow.service_id.in_(list(service_ids)))
    if vehicle_ids:
        clauses.append(DisruptionRow.vehicle_id.in_(list(vehicle_ids)))
    if locations:
        clauses.append(DisruptionRow.location.in_(list(locations)))
    if not clauses:
        return []
    query = select(DisruptionRow).where(DisruptionRow.resolved_at.is_(None), or_(*clauses))
    return [to_domain(r) for r in session.scalars(query.order_by(DisruptionRow.reported_at))]
