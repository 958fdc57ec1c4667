"""Stored disruptions, as domain values (with when each was resolved: `StoredDisruption`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True, slots=True)
class StoredDisruption:
    """A stored disruption and when it was resolved (None: it still applies)."""

    disruption: Disruption
    resolved_at: datetime | None


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


def _stored(row: DisruptionRow) -> StoredDisruption:
    return StoredDisruption(to_domain(row), row.resolved_at)


def get(session: Session, disruption_id: str) -> StoredDisruption | None:
    """A disruption by id, with when it was resolved."""
    row = session.get(DisruptionRow, disruption_id)
    return _stored(row) if row is not None else None


def resolve(session: Session, disruption_id: str, when: datetime) -> None:
    """Mark a disruption resolved at `when` (a resolved one keeps its first resolution time)."""
    row = session.get(DisruptionRow, disruption_id)
    if row is not None and row.resolved_at is None:
        row.resolved_at = when
        session.flush()


def active(session: Session) -> list[Disruption]:
    """Every disruption not resolved, oldest first."""
    query = select(DisruptionRow).where(DisruptionRow.resolved_at.is_(None))
    return [to_domain(r) for r in session.scalars(query.order_by(DisruptionRow.reported_at))]


def recent(session: Session, limit: int = 100) -> list[StoredDisruption]:
    """The newest disruptions, resolved or not."""
    query = select(DisruptionRow).order_by(DisruptionRow.reported_at.desc()).limit(limit)
    return [_stored(row) for row in session.scalars(query)]


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
