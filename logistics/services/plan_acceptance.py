"""Accepting a plan: each planned shipment's legs become its booked, tracked itinerary."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy.orm import Session

from logistics.domain import Plan, Shipment, ShipmentPlan, ShipmentPlanStatus
from logistics.errors import Conflict, NotFound
from logistics.persistence.repositories import booked_legs, shipment_changes, tracking_state
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.booked_legs import BookedLeg


def accept_plan(session: Session, plan: Plan) -> int:
    """Book every planned, not cancelled shipment's legs, replacing earlier bookings, except where
    the plan books exactly what is booked already (that booking and its plan id stay); return how
    many shipments' bookings changed."""
    planned = [sp for sp in plan.shipments if sp.status is ShipmentPlanStatus.PLANNED]
    cancelled = shipment_changes.cancelled_ids(session, [sp.shipment_id for sp in planned])
    planned = [sp for sp in planned if sp.shipment_id not in cancelled]  # since the plan was made
    known = shipment_repo.by_ids(session, [sp.shipment_id for sp in planned])
    missing = sorted({sp.shipment_id for sp in planned} - set(known))
    if missing:
        raise NotFound(f"plan {plan.plan_id} books unknown shipments: {', '.join(missing[:10])}")
    changed: list[str] = []
    for sp in planned:
        kept = _kept_legs(session, known[sp.shipment_id], sp, plan.plan_id)
        rows = kept + [
            BookedLeg(
                shipment_id=sp.shipment_id,
                leg_index=len(kept) + i,
                plan_id=plan.plan_id,
                mode=leg.mode,
                from_location=leg.from_location,
                to_location=leg.to_location,
                planned_depart=leg.depart,
                planned_arrive=leg.arrive,
                service_id=leg.service_id,
                vehicle_id=leg.vehicle_id,
            )
            for i, leg in enumerate(sp.legs)
        ]
        if _booking(booked_legs.for_shipment(session, sp.shipment_id)) == _booking(rows):
            continue  # its booking still works: it keeps it, and the plan that made it
        booked_legs.replace_for_shipment(session, sp.shipment_id, plan.plan_id, rows)
        changed.append(sp.shipment_id)
    tracking_state.mark_stale(session, changed)
    return len(changed)


def _booking(rows: list[BookedLeg]) -> list[tuple[object, ...]]:
    return [
        (
            r.from_location,
            r.to_location,
            r.service_id,
            r.vehicle_id,
            r.planned_depart.astimezone(UTC),
            r.planned_arrive.astimezone(UTC),
        )
        for r in sorted(rows, key=lambda r: r.leg_index)
    ]


def _kept_legs(
    session: Session, shipment: Shipment, sp: ShipmentPlan, plan_id: str
) -> list[BookedLeg]:
    """The booked legs that stay ahead of the plan's: none when the plan starts at the shipment's
    origin; else those up to the booked leg that arrives where the plan starts (a plan made
    onward from legs under way), copied with the plan that booked them."""
    if not sp.legs or sp.legs[0].from_location == shipment.origin:
        return []
    start = sp.legs[0].from_location
    rows = booked_legs.for_shipment(session, shipment.id)
    end = next((i for i, r in enumerate(rows) if r.to_location == start), None)
    if end is None:
        raise Conflict(
            f"plan {plan_id}: shipment {shipment.id} starts at {start}, where none of its booked "
            "legs arrives; plan it again"
        )
    return rows[: end + 1]
