"""A shipment's tracking: timeline, status, per-leg times, ETA and exceptions, rebuilt from events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from logistics import clock
from logistics.domain import Disruption, DisruptionKind, Principal, Shipment
from logistics.persistence.repositories import booked_legs, positions, tracking_state
from logistics.persistence.repositories import disruptions as disruption_repo
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import services as service_repo
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.persistence.tables import BookedLegRow
from logistics.services.master_data import get_shipment
from logistics.tracking.disruption_rules import as_estimates, disruption_exceptions
from logistics.tracking.eta import Forecast, StopTiming, forecast
from logistics.tracking.evidence import Evidence, leg_evidence, on_legs, strong_legs
from logistics.tracking.exception_rules import ExceptionRules, OpenException, open_exceptions
from logistics.tracking.legs import PlannedLeg, belongs
from logistics.tracking.timeline import Projection, project


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


def planned_leg(row: BookedLegRow) -> PlannedLeg:
    """A booked leg as the projection sees it."""
    return PlannedLeg(
        row.leg_index,
        booked_legs.mode_of(row),
        row.from_location,
        row.to_location,
        row.planned_depart,
        row.planned_arrive,
        row.service_id,
        row.vehicle_id,
    )


def _legs(session: Session, shipment_id: str) -> tuple[PlannedLeg, ...]:
    return tuple(planned_leg(r) for r in booked_legs.for_shipment(session, shipment_id))


def _last_position(
    session: Session, legs: tuple[PlannedLeg, ...], projection: Projection
) -> LastPosition | None:
    moving = [s for s in projection.legs if s.actual_depart is not None and s.actual_arrive is None]
    for leg in moving:
        if leg.vehicle_id:
            fix = positions.latest(session, leg.vehicle_id)
            if fix is not None and fix.time >= leg.actual_depart:  # type: ignore[operator]
                return LastPosition(fix.time, None, fix.vehicle_id, fix.lat, fix.lon)
    located = [t.event for t in projection.timeline if t.event.location]
    if located:
        e = located[-1]
        return LastPosition(e.event_time, e.location)
    return None


def _opened_when_stored(
    session: Session, shipment_id: str, found: tuple[OpenException, ...]
) -> tuple[OpenException, ...]:
    # A rule gives `since` as of the evaluation (an ETA after due holds "now"); the stored
    # exception of the same key knows when it opened.
    if not found:
        return found
    opened = {row.key: row.opened_at for row in tracking_state.open_for(session, shipment_id)}
    return tuple(replace(e, since=opened[e.key]) if e.key in opened else e for e in found)


def _overbooked(session: Session, disruptions: Sequence[Disruption]) -> set[str]:
    """Services a capacity cut leaves with more booked than it can carry."""
    cut = {d.service_id: d for d in disruptions if d.kind is DisruptionKind.CAPACITY_CUT}
    loads = booked_legs.service_loads(session, [sid for sid in cut if sid]) if cut else {}
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
    now = now or clock.now()
    legs = _legs(session, shipment.id)
    service_ids = [leg.service_id for leg in legs if leg.service_id]
    vehicle_ids = [leg.vehicle_id for leg in legs if leg.vehicle_id]
    events = event_repo.for_subjects(
        session, shipment_id=shipment.id, service_ids=service_ids, vehicle_ids=vehicle_ids
    )
    places = {leg.from_location for leg in legs} | {leg.to_location for leg in legs}
    disruptions = disruption_repo.touching(
        session, service_ids=service_ids, vehicle_ids=vehicle_ids, locations=places
    )
    events = [*events, *as_estimates(disruptions)]  # a delayed service: its new times
    # Movement events apply only at the stops of this shipment's legs (a truck's depot return does not).
    relevant = [e for e in events if e.shipment_id == shipment.id or belongs(e, legs)]
    projection = project(relevant, legs)
    timing = {
        loc.id: StopTiming(loc.service_minutes, loc.handling_minutes)
        for loc in location_repo.by_ids(session, places).values()
    }
    cutoffs = {s.id: s.cutoff_minutes for s in service_repo.by_ids(session, service_ids).values()}
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
        timing=timing,
        cutoffs=cutoffs,
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
        last_positions=positions.last_times(session, vehicle_ids),
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
                overbooked=_overbooked(session, disruptions),
            ),
            *exceptions,
        )
    return ShipmentTracking(
        shipment,
        legs,
        projection,
        expected,
        _opened_when_stored(session, shipment.id, exceptions),
        _last_position(session, legs, projection),
        now,
        evidence,
    )


def shipment_tracking(
    session: Session, principal: Principal, shipment_id: str, *, now: datetime | None = None
) -> ShipmentTracking:
    """The tracking of a shipment the principal may see (404 otherwise)."""
    return load_tracking(session, get_shipment(session, principal, shipment_id), now=now)
