"""A shipment's tracking: timeline, status, per-leg times, ETA and exceptions, rebuilt from events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain import Disruption, DisruptionKind, Principal, Shipment
from logistics.services.master_data import get_shipment
from logistics.services.tracking_inputs import TrackingInputs, load_inputs, planned_leg
from logistics.tracking.disruption_rules import as_estimates, disruption_exceptions
from logistics.tracking.eta import Forecast, forecast
from logistics.tracking.evidence import Evidence, leg_evidence, on_legs, strong_legs
from logistics.tracking.exception_rules import ExceptionRules, OpenException, open_exceptions
from logistics.tracking.legs import PlannedLeg, belongs
from logistics.tracking.timeline import Projection, project

__all__ = ["LastPosition", "ShipmentTracking", "compute_tracking", "load_tracking", "planned_leg"]


@dataclass(frozen=True, slots=True)
class LastPosition:
    """Where the shipment was last seen: a truck's GPS fix, else its newest actual event's place."""

    time: datetime
    location: str | None = None
    vehicle_id: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class ShipmentTracking:
    """The shipment, its booked legs, the projection of its events, the ETA and open exceptions."""

    shipment: Shipment
    legs: tuple[PlannedLeg, ...]
    projection: Projection
    forecast: Forecast
    exceptions: tuple[OpenException, ...]
    last_position: LastPosition | None
    as_of: datetime
    evidence: dict[int, Evidence]  # per leg: how the shipment is known to be on it

    @property
    def on_legs(self) -> frozenset[int]:
        """The legs the shipment counts as on or through, by the one evidence rule."""
        missed = self.forecast.missed
        return on_legs(self.evidence, missed.leg_index if missed else None)


def _last_position(
    inputs: TrackingInputs, legs: tuple[PlannedLeg, ...], projection: Projection
) -> LastPosition | None:
    moving = [s for s in projection.legs if s.actual_depart is not None and s.actual_arrive is None]
    for leg in moving:
        if leg.vehicle_id:
            fix = inputs.fixes.get(leg.vehicle_id)
            if fix is not None and fix.time >= leg.actual_depart:  # type: ignore[operator]
                return LastPosition(fix.time, None, fix.vehicle_id, fix.lat, fix.lon)
    located = [t.event for t in projection.timeline if t.event.location]
    if located:
        e = located[-1]
        return LastPosition(e.event_time, e.location)
    return None


def _opened_when_stored(
    inputs: TrackingInputs, found: tuple[OpenException, ...]
) -> tuple[OpenException, ...]:
    # A rule gives `since` as of the evaluation (an ETA after due holds "now"); the stored
    # exception of the same key knows when it opened.
    opened = inputs.opened
    return tuple(replace(e, since=opened[e.key]) if e.key in opened else e for e in found)


def _overbooked(inputs: TrackingInputs, disruptions: Sequence[Disruption]) -> set[str]:
    """Services a capacity cut leaves with more booked than it can carry."""
    cut = {d.service_id: d for d in disruptions if d.kind is DisruptionKind.CAPACITY_CUT}
    loads = inputs.service_loads
    return {
        sid
        for sid, d in cut.items()
        if sid
        and (
            (d.capacity_kg is not None and loads.get(sid, (0, 0))[0] > d.capacity_kg)
            or (d.capacity_m3 is not None and loads.get(sid, (0, 0))[1] > d.capacity_m3)
        )
    }


def load_tracking(
    session: Session,
    shipment: Shipment,
    *,
    now: datetime | None = None,
    rules: ExceptionRules | None = None,
) -> ShipmentTracking:
    """Project the shipment's own events and those of the movements it is booked on, at `now`."""
    inputs = load_inputs(session, [shipment.id])[shipment.id]
    return compute_tracking(shipment, inputs, now=now or clock.now(), rules=rules)


def compute_tracking(
    shipment: Shipment,
    inputs: TrackingInputs,
    *,
    now: datetime,
    rules: ExceptionRules | None = None,
) -> ShipmentTracking:
    """The tracking view from its loaded inputs (no database access: refresh batches loading)."""
    legs = inputs.legs
    disruptions = inputs.disruptions
    events = [*inputs.events, *as_estimates(disruptions)]  # a delayed service: its new times
    # Movement events apply only at the stops of this shipment's legs (a truck's depot return does not).
    relevant = [e for e in events if e.shipment_id == shipment.id or belongs(e, legs)]
    projection = project(relevant, legs)
    evidence = leg_evidence(
        shipment.id, projection.timeline, (*projection.planned, *projection.open_estimates)
    )
    confirmed = strong_legs(evidence) | {
        t.leg_index
        for t in projection.timeline
        if t.leg_index is not None and t.event.shipment_id == shipment.id
    }
    expected = forecast(
        legs,
        projection.legs,
        timing=inputs.timing,
        cutoffs=inputs.cutoffs,
        confirmed_legs=confirmed,
        delivered_at=projection.delivered_at,
        now=now,
    )
    exceptions = open_exceptions(
        due_at=shipment.due_at,
        legs=legs,
        projection=projection,
        forecast=expected,
        now=now,
        last_positions={v: fix.time for v, fix in inputs.fixes.items()},
        rules=rules,
    )
    if disruptions and projection.delivered_at is None:
        missed = expected.missed
        travelled = {s.leg_index for s in projection.legs if s.actual_depart is not None}
        travelled |= on_legs(evidence, missed.leg_index if missed else None)
        exceptions = (
            *disruption_exceptions(
                legs,
                disruptions,
                travelled=travelled,
                overbooked=_overbooked(inputs, disruptions),
            ),
            *exceptions,
        )
    return ShipmentTracking(
        shipment,
        legs,
        projection,
        expected,
        _opened_when_stored(inputs, exceptions),
        _last_position(inputs, legs, projection),
        now,
        evidence,
    )


def shipment_tracking(
    session: Session, principal: Principal, shipment_id: str, *, now: datetime | None = None
) -> ShipmentTracking:
    """The tracking of a shipment the principal may see (404 otherwise)."""
    return load_tracking(session, get_shipment(session, principal, shipment_id), now=now)
