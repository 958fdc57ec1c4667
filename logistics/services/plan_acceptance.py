"""Accepting a plan: each planned shipment's legs become its booked, tracked itinerary."""

from __future__ import annotations

from sqlalchemy.orm import Session

from logistics.domain import Plan, ShipmentPlanStatus
from logistics.errors import NotFound
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.tables import BookedLegRow


def accept_plan(session: Session, plan: Plan) -> int:
    """Book every planned shipment's legs (replacing earlier bookings); return how many were booked."""
    planned = [sp for sp in plan.shipments if sp.status is ShipmentPlanStatus.PLANNED]
    known = shipment_repo.by_ids(session, [sp.shipment_id for sp in planned])
    missing = sorted({sp.shipment_id for sp in planned} - set(known))
    if missing:
        raise NotFound(f"plan {plan.plan_id} books unknown shipments: {', '.join(missing[:10])}")
    for sp in planned:
        rows = [
            BookedLegRow(
                leg_index=i,
                mode=leg.mode.value,
                from_location=leg.from_location,
                to_location=leg.to_location,
                planned_depart=leg.depart,
                planned_arrive=leg.arrive,
                service_id=leg.service_id,
                vehicle_id=leg.vehicle_id,
            )
            for i, leg in enumerate(sp.legs)
        ]
        booked_legs.replace_for_shipment(session, sp.shipment_id, plan.plan_id, rows)
    tracking_state.mark_stale(session, [sp.shipment_id for sp in planned])
    return len(planned)
