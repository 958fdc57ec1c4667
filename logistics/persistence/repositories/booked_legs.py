"""The booked legs of accepted plans: what tracking follows. Legs are `BookedLeg` values."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from logistics.domain import Mode
from logistics.persistence.tables import BookedLegRow, ShipmentRow


@dataclass(frozen=True, slots=True)
class BookedLeg:
    """One leg of a shipment's booked itinerary, and the plan that booked it."""

    shipment_id: str
    leg_index: int
    plan_id: str
    mode: Mode
    from_location: str
    to_location: str
    planned_depart: datetime
    planned_arrive: datetime
    service_id: str | None = None
    vehicle_id: str | None = None


def _leg(row: BookedLegRow) -> BookedLeg:
    return BookedLeg(
        row.shipment_id,
        row.leg_index,
        row.plan_id,
        Mode(row.mode),
        row.from_location,
        row.to_location,
        row.planned_depart,
        row.planned_arrive,
        row.service_id,
        row.vehicle_id,
    )


def replace_for_shipment(
    session: Session, shipment_id: str, plan_id: str, legs: Sequence[BookedLeg]
) -> None:
    """Make `legs` the shipment's active itinerary (legs without a plan id get `plan_id`)."""
    session.execute(delete(BookedLegRow).where(BookedLegRow.shipment_id == shipment_id))
    session.add_all(
        BookedLegRow(
            shipment_id=shipment_id,
            leg_index=leg.leg_index,
            plan_id=leg.plan_id or plan_id,
            mode=leg.mode.value,
            from_location=leg.from_location,
            to_location=leg.to_location,
            planned_depart=leg.planned_depart,
            planned_arrive=leg.planned_arrive,
            service_id=leg.service_id,
            vehicle_id=leg.vehicle_id,
        )
        for leg in legs
    )
    session.flush()


def for_shipment(session: Session, shipment_id: str) -> list[BookedLeg]:
    """The shipment's booked legs in order."""
    query = (
        select(BookedLegRow)
        .where(BookedLegRow.shipment_id == shipment_id)
        .order_by(BookedLegRow.leg_index)
    )
    return [_leg(row) for row in session.scalars(query)]


def for_shipments(session: Session, shipment_ids: Collection[str]) -> dict[str, list[BookedLeg]]:
    """Each shipment's booked legs in order (one query per 500 shipments)."""
    ids = sorted(set(shipment_ids))
    out: dict[str, list[BookedLeg]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(BookedLegRow)
            .where(BookedLegRow.shipment_id.in_(ids[start : start + 500]))
            .order_by(BookedLegRow.shipment_id, BookedLegRow.leg_index)
        )
        for row in session.scalars(query):
            out.setdefault(row.shipment_id, []).append(_leg(row))
    return out


def mode_of(leg: BookedLeg) -> Mode:
    """The leg's mode."""
    return leg.mode


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


def truck_legs(session: Session, vehicle_ids: Collection[str] | None = None) -> list[BookedLeg]:
    """Booked truck legs (of the given vehicles), in planned order per vehicle."""
    query = select(BookedLegRow).where(BookedLegRow.vehicle_id.is_not(None))
    if vehicle_ids is not None:
        query = query.where(BookedLegRow.vehicle_id.in_(sorted(vehicle_ids)))
    ordered = query.order_by(BookedLegRow.vehicle_id, BookedLegRow.planned_depart)
    return [_leg(row) for row in session.scalars(ordered)]


def all_legs(session: Session) -> list[BookedLeg]:
    """Every booked leg, by shipment and leg order."""
    query = select(BookedLegRow).order_by(BookedLegRow.shipment_id, BookedLegRow.leg_index)
    return [_leg(row) for row in session.scalars(query)]


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
