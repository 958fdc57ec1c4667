"""Recorded shipment changes (amendments, cancellations), and which shipments are cancelled.

Changes are handed out as `ShipmentChange` values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.tables import ShipmentChangeRow

CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ShipmentChange:
    """One recorded change: `amended` (fields before/after, JSON) or `cancelled` (a reason)."""

    id: int
    shipment_id: str
    kind: str
    changed_by: str
    channel: str
    changed_at: datetime
    reason: str
    before: str
    after: str


def _record(row: ShipmentChangeRow) -> ShipmentChange:
    return ShipmentChange(
        row.id,
        row.shipment_id,
        row.kind,
        row.changed_by,
        row.channel,
        row.changed_at,
        row.reason,
        row.before,
        row.after,
    )


def add(
    session: Session,
    *,
    shipment_id: str,
    kind: str,
    changed_by: str,
    channel: str,
    changed_at: datetime,
    reason: str,
    before: str,
    after: str,
) -> ShipmentChange:
    """Record one change; the stored change, with its id."""
    row = ShipmentChangeRow(
        shipment_id=shipment_id,
        kind=kind,
        changed_by=changed_by,
        channel=channel,
        changed_at=changed_at,
        reason=reason,
        before=before,
        after=after,
    )
    session.add(row)
    session.flush()
    return _record(row)


def for_shipment(session: Session, shipment_id: str) -> list[ShipmentChange]:
    """The shipment's changes, oldest first."""
    query = (
        select(ShipmentChangeRow)
        .where(ShipmentChangeRow.shipment_id == shipment_id)
        .order_by(ShipmentChangeRow.changed_at, ShipmentChangeRow.id)
    )
    return [_record(row) for row in session.scalars(query)]


def cancellation(session: Session, shipment_id: str) -> ShipmentChange | None:
    """The shipment's cancellation, if it was cancelled."""
    query = select(ShipmentChangeRow).where(
        ShipmentChangeRow.shipment_id == shipment_id, ShipmentChangeRow.kind == CANCELLED
    )
    row = session.scalars(query.limit(1)).first()
    return _record(row) if row is not None else None


def cancelled_ids(session: Session, among: Collection[str] | None = None) -> set[str]:
    """Cancelled shipments (among `among` when given)."""
    query = select(ShipmentChangeRow.shipment_id).where(ShipmentChangeRow.kind == CANCELLED)
    if among is None:
        return set(session.scalars(query))
    ids, found = sorted(set(among)), set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found |= set(session.scalars(query.where(ShipmentChangeRow.shipment_id.in_(chunk))))
    return found
