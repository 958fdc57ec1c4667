"""The booked legs of accepted plans: what tracking follows."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from logistics.domain import Mode
from logistics.persistence.tables import BookedLegRow, ShipmentRow


def replace_for_shipment(
    session: Session, shipment_id: str, plan_id: str, legs: Sequence[BookedLegRow]
) -> None:
    """Make `legs` the shipment's active itinerary (legs without a plan id get `plan_id`)."""
    session.execute(delete(BookedLegRow).where(BookedLegRow.shipment_id == shipment_id))
    for leg in legs:
        leg.shipment_id, leg.plan_id = shipment_id, leg.plan_id or plan_id
    session.add_all(legs)
    session.flush()


def for_shipment(session: Session, shipment_id: str) -> list[BookedLegRow]:
    """The shipment's booked legs in order."""
    query = (
        select(BookedLegRow)
        .where(BookedLegRow.shipment_id == shipment_id)
        .order_by(BookedLegRow.leg_index)
    )
    return list(session.scalars(query))


def for_shipments(session: Session, shipment_ids: Collection[str]) -> dict[str, list[BookedLegRow]]:
    """Each shipment's booked legs in order (one query per 500 shipments)."""
    ids = sorted(set(shipment_ids))
    out: dict[str, list[BookedLegRow]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(BookedLegRow)
            .where(BookedLegRow.shipment_id.in_(ids[start : start + 500]))
            .order_by(BookedLegRow.shipment_id, BookedLegRow.leg_index)
        )
        for row in session.scalars(query):
            out.setdefault(row.shipment_id, []).append(row)
    return out


def mode_of(row: BookedLegRow) -> Mode:
    """The leg's mode."""
    return Mode(row.mode)


def shipments_on(
    session: Session, *, service_ids: Collection[str] = (), vehicle_ids: Collection[str] = ()
) -> set[str]:
    """Shipments with a booked leg on any of the services or vehicles."""
    found: set[str] = set()
    for column, ids in (
        (BookedLegRow.service_id, service_ids),
        (BookedLegRow.vehicle_id, vehicle_ids),
    ):
        values = sorted(ids)
        for start in range(0, len(values), 500):
            query = select(BookedLegRow.shipment_id).where(column.in_(values[start : start + 500]))
            found.update(session.scalars(query.distinct()))
    return found


def booked_shipment_ids(session: Session) -> list[str]:
    """Every shipment with an active itinerary, sorted."""
    return sorted(set(session.scalars(select(BookedLegRow.shipment_id).distinct())))


def truck_legs(session: Session, vehicle_ids: Collection[str] | None = None) -> list[BookedLegRow]:
    """Booked truck legs (of the given vehicles), in planned order per vehicle."""
    query = select(BookedLegRow).where(BookedLegRow.vehicle_id.is_not(None))
    if vehicle_ids is not None:
        query = query.where(BookedLegRow.vehicle_id.in_(sorted(vehicle_ids)))
    return list(
        session.scalars(query.order_by(BookedLegRow.vehicle_id, BookedLegRow.planned_depart))
    )


def all_legs(session: Session) -> list[BookedLegRow]:
    """Every booked leg, by shipment and leg order."""
    return list(
        session.scalars(
            select(BookedLegRow).order_by(BookedLegRow.shipment_id, BookedLegRow.leg_index)
        )
    )


def shipments_at(session: Session, location: str) -> set[str]:
    """Shipments with a booked leg leaving from or arriving at the location."""
    query = select(BookedLegRow.shipment_id).where(
        or_(BookedLegRow.from_location == location, BookedLegRow.to_location == location)
    )
    return set(session.scalars(query.distinct()))


def service_loads(session: Session, service_ids: Collection[str]) -> dict[str, tuple[float, float]]:
    """Booked kg and m3 on each of the services."""
    if not service_ids:
        return {}
    query = (
        select(
            BookedLegRow.service_id,
            func.sum(ShipmentRow.weight_kg),
            func.sum(ShipmentRow.volume_m3),
        )
        .join(ShipmentRow, ShipmentRow.id == BookedLegRow.shipment_id)
        .where(BookedLegRow.service_id.in_(sorted(service_ids)))
        .group_by(BookedLegRow.service_id)
    )
    return {sid: (float(kg or 0), float(m3 or 0)) for sid, kg, m3 in session.execute(query)}
