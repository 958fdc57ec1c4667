"""Recorded shipment changes (amendments, cancellations), and which shipments are cancelled."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.tables import ShipmentChangeRow

CANCELLED = "cancelled"


def add(session: Session, row: ShipmentChangeRow) -> None:
    """Record one change."""
    session.add(row)
    session.flush()


def for_shipment(session: Session, shipment_id: str) -> list[ShipmentChangeRow]:
    """The shipment's changes, oldest first."""
    query = (
        select(ShipmentChangeRow)
        .where(ShipmentChangeRow.shipment_id == shipment_id)
        .order_by(ShipmentChangeRow.changed_at, ShipmentChangeRow.id)
    )
    return list(session.scalars(query))


def cancellation(session: Session, shipment_id: str) -> ShipmentChangeRow | None:
    """The shipment's cancellation, if it was cancelled."""
    query = select(ShipmentChangeRow).where(
        ShipmentChangeRow.shipment_id == shipment_id, ShipmentChangeRow.kind == CANCELLED
    )
    return session.scalars(query.limit(1)).first()


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
