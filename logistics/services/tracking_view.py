"""A shipment's tracking: timeline, status, per-leg times and exceptions, rebuilt from events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from logistics.domain import Principal, Shipment
from logistics.errors import NotFound
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.tracking.legs import PlannedLeg, belongs
from logistics.tracking.timeline import Projection, project


@dataclass(frozen=True, slots=True)
class ShipmentTracking:
    """The shipment, its booked legs and the projection of its events."""

    shipment: Shipment
    legs: tuple[PlannedLeg, ...]
    projection: Projection


def shipment_tracking(session: Session, principal: Principal, shipment_id: str) -> ShipmentTracking:
    """Project the shipment's own events and those of the movements it is booked on."""
    shipment = shipment_repo.get(session, shipment_id)
    if shipment is None or not principal.may_see_shipper(shipment.shipper):
        raise NotFound(f"no shipment {shipment_id!r}")
    legs = tuple(
        PlannedLeg(
            r.leg_index,
            booked_legs.mode_of(r),
            r.from_location,
            r.to_location,
            r.planned_depart,
            r.planned_arrive,
            r.service_id,
            r.vehicle_id,
        )
        for r in booked_legs.for_shipment(session, shipment_id)
    )
    events = event_repo.for_subjects(
        session,
        shipment_id=shipment_id,
        service_ids=[leg.service_id for leg in legs if leg.service_id],
        vehicle_ids=[leg.vehicle_id for leg in legs if leg.vehicle_id],
    )
    # Movement events apply only at the stops of this shipment's legs (a truck's depot return does not).
    relevant = [e for e in events if e.shipment_id == shipment_id or belongs(e, legs)]
    return ShipmentTracking(shipment, legs, project(relevant, legs))
