"""Air waybills, container numbers and bookings linked to shipments (how feeds name them).

Links are handed out as `ShipmentReference` values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from logistics.persistence.repositories.lookup import dialect_insert
from logistics.persistence.tables import EventRow, ShipmentReferenceRow


@dataclass(frozen=True, slots=True)
class ShipmentReference:
    """One reference (kind, canonical value) and the shipment it is linked to."""

    kind: str
    value: str
    shipment_id: str


def _record(row: ShipmentReferenceRow) -> ShipmentReference:
    return ShipmentReference(row.kind, row.value, row.shipment_id)


def get(session: Session, kind: str, value: str) -> ShipmentReference | None:
    """The link of one reference."""
    row = session.get(ShipmentReferenceRow, (kind, value))
    return _record(row) if row is not None else None


def add(session: Session, shipment_id: str, kind: str, value: str) -> str:
    """Link a reference to a shipment; return the shipment it is linked to now.

    ON CONFLICT DO NOTHING: when a concurrent request linked the same reference first, that
    link stands (and its shipment is returned) instead of the request failing.
    """
    insert = dialect_insert(session)
    statement = (
        insert(ShipmentReferenceRow)
        .values(kind=kind, value=value, shipment_id=shipment_id)
        .on_conflict_do_nothing()
        .returning(ShipmentReferenceRow.shipment_id)
    )
    if session.execute(statement).first() is not None:
        return shipment_id
    linked = session.scalar(
        select(ShipmentReferenceRow.shipment_id).where(
            ShipmentReferenceRow.kind == kind, ShipmentReferenceRow.value == value
        )
    )
    # None: the concurrent link was rolled back after all; try again
    return str(linked) if linked is not None else add(session, shipment_id, kind, value)


def for_shipment(session: Session, shipment_id: str) -> list[ShipmentReference]:
    """The shipment's references, by kind then value."""
    query = (
        select(ShipmentReferenceRow)
        .where(ShipmentReferenceRow.shipment_id == shipment_id)
        .order_by(ShipmentReferenceRow.kind, ShipmentReferenceRow.value)
    )
    return [_record(row) for row in session.scalars(query)]


def resolve(session: Session, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Shipment ids of the (kind, value) references that are linked."""
    found: dict[tuple[str, str], str] = {}
    ordered = sorted(pairs)
    for start in range(0, len(ordered), 300):
        chunk = ordered[start : start + 300]
        query = select(
            ShipmentReferenceRow.kind, ShipmentReferenceRow.value, ShipmentReferenceRow.shipment_id
        ).where(tuple_(ShipmentReferenceRow.kind, ShipmentReferenceRow.value).in_(chunk))
        found.update({(k, v): s for k, v, s in session.execute(query)})
    return found


def shipment_of_event(session: Session, event_id: str) -> str | None:
    """The shipment a stored event with this id, or a version of it (`<id>~v<time>`), is about
    (None: unknown or movement-level)."""
    same = or_(
        EventRow.event_id == event_id,
        EventRow.event_id.startswith(f"{event_id}~v", autoescape=True),
    )
    query = (
        select(EventRow.shipment_id)
        .where(same, EventRow.shipment_id.is_not(None))
        .order_by(EventRow.seq)
        .limit(1)
    )
    return session.scalars(query).first()
