"""The bookings a new plan must respect, read from the database and from tracking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from logistics.domain import Scenario
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.planning.commitments import BookedLeg, Committed, committed
from logistics.services.tracking_view import load_tracking


def plan_around_bookings(session: Session, scenario: Scenario) -> Committed:
    """The scenario fitted around every accepted booking: other shipments keep their legs (and
    their room and trucks); a planned shipment keeps its legs up to the last one it counts as on
    by the evidence rule (its own report, a confirmed movement, or a movement report that no
    missed connection contradicts), and is planned onward from where that leg arrives (by the
    tracking forecast, never before now)."""
    rows = booked_legs.all_legs(session)
    if not rows:
        return committed(scenario, ())
    planned = {sh.id for sh in scenario.shipments}
    size = {
        sid: (sh.weight_kg, sh.volume_m3)
        for sid, sh in shipment_repo.by_ids(session, {r.shipment_id for r in rows}).items()
    }
    status: dict[tuple[str, int], tuple[bool, datetime]] = {}
    # a planned shipment with bookings may be under way: its own, confirmed or inferred reports
    reported = planned & {r.shipment_id for r in rows}
    for sid in sorted(reported):
        view = load_tracking(session, scenario.shipment_by_id[sid])
        eta = {f.leg_index: f.arrive for f in view.forecast.legs}
        on = view.on_legs  # the one evidence rule (logistics.tracking.evidence)
        for leg in view.projection.legs:
            status[sid, leg.leg_index] = (
                leg.leg_index in on,
                eta.get(leg.leg_index, leg.planned_arrive),
            )
    booked = []
    for r in rows:
        started, arrive = status.get((r.shipment_id, r.leg_index), (False, r.planned_arrive))
        booked.append(
            BookedLeg(
                r.shipment_id,
                r.leg_index,
                r.from_location,
                r.to_location,
                *size[r.shipment_id],
                r.planned_depart,
                arrive,
                service_id=r.service_id,
                vehicle_id=r.vehicle_id,
                started=started,
            )
        )
    return committed(scenario, booked)
