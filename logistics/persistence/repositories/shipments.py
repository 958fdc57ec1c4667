"""Shipments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from logistics.domain import Shipment
from logistics.domain.validation import format_tags, parse_tags
from logistics.persistence.base import offset_of, with_offset
from logistics.persistence.repositories.lookup import insert_new, rows_by_ids
from logistics.persistence.repositories.page import Page, paginate
from logistics.persistence.tables import ShipmentRow


@dataclass(frozen=True, slots=True)
class ShipmentFilter:
    """Filters for listing shipments (None = any)."""

    shipper: str | None = None
    origin: str | None = None
    destination: str | None = None
    ready_from: datetime | None = None
    ready_to: datetime | None = None
    due_from: datetime | None = None
    due_to: datetime | None = None


def to_domain(row: ShipmentRow) -> Shipment:
    """Row to domain value (original offsets restored)."""
    return Shipment(
        row.id,
        row.shipper,
        row.origin,
        row.destination,
        row.weight_kg,
        row.volume_m3,
        row.pieces,
        with_offset(row.ready_at, row.ready_at_offset_min),
        with_offset(row.due_at, row.due_at_offset_min),
        parse_tags(row.requirements),
    )


def to_values(s: Shipment) -> dict[str, Any]:
    """Domain value to column values."""
    return dict(
        id=s.id,
        shipper=s.shipper,
        origin=s.origin,
        destination=s.destination,
        weight_kg=s.weight_kg,
        volume_m3=s.volume_m3,
        pieces=s.pieces,
        ready_at=s.ready_at,
        ready_at_offset_min=offset_of(s.ready_at),
        due_at=s.due_at,
        due_at_offset_min=offset_of(s.due_at),
        requirements=format_tags(s.requirements),
    )


def add_all(session: Session, shipments: Iterable[Shipment]) -> set[str]:
    """Insert new shipments in bulk (no ORM objects: imports reach many thousands); return the
    ids stored (one a concurrent writer stored first is skipped: see `insert_new`)."""
    return insert_new(session, ShipmentRow, [to_values(x) for x in shipments])


def get(session: Session, shipment_id: str) -> Shipment | None:
    """One shipment, or None."""
    row = session.get(ShipmentRow, shipment_id)
    return to_domain(row) if row else None


def by_ids(session: Session, ids: Iterable[str]) -> dict[str, Shipment]:
    """Stored shipments among `ids`."""
    return {row.id: to_domain(row) for row in rows_by_ids(session, ShipmentRow, ids)}


def all_shipments(session: Session) -> list[Shipment]:
    """Every shipment, by id."""
    return [to_domain(r) for r in session.scalars(select(ShipmentRow).order_by(ShipmentRow.id))]


def list_page(
    session: Session, filters: ShipmentFilter, *, limit: int, offset: int
) -> Page[Shipment]:
    """Shipments matching `filters`, one page by ready time."""
    query = select(ShipmentRow)
    f = filters
    if f.shipper is not None:
        query = query.where(ShipmentRow.shipper == f.shipper)
    if f.origin:
        query = query.where(ShipmentRow.origin == f.origin)
    if f.destination:
        query = query.where(ShipmentRow.destination == f.destination)
    if f.ready_from:
        query = query.where(ShipmentRow.ready_at >= f.ready_from)
    if f.ready_to:
        query = query.where(ShipmentRow.ready_at <= f.ready_to)
    if f.due_from:
        query = query.where(ShipmentRow.due_at >= f.due_from)
    if f.due_to:
        query = query.where(ShipmentRow.due_at <= f.due_to)
    rows, total = paginate(session, query, [ShipmentRow.ready_at, ShipmentRow.id], limit, offset)
    return Page([to_domain(r) for r in rows], total, limit, offset)


def hold(session: Session, shipment_id: str) -> None:
    """Make concurrent writers of one shipment (its changes, its share links) go one at a time.

    A write that changes nothing, issued before the writer reads what it checks: PostgreSQL
    locks the row (FOR NO KEY UPDATE, so inserting events that name it is not held up) until
    the transaction ends; SQLite takes the database's write lock. The next writer then reads
    what the first one committed.
    """
    session.execute(
        sql_update(ShipmentRow)
        .where(ShipmentRow.id == shipment_id)
        .values(shipper=ShipmentRow.shipper)
        .execution_options(synchronize_session=False)
    )


def update(session: Session, shipment: Shipment) -> None:
    """Overwrite a stored shipment's fields with `shipment`'s (same id)."""
    row = session.get(ShipmentRow, shipment.id)
    if row is None:
        raise KeyError(shipment.id)
    for name, value in to_values(shipment).items():
        setattr(row, name, value)
    session.flush()
