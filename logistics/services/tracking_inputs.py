"""What shipments' tracking views are computed from, loaded for many shipments in a few queries.

A refresh of 200 shipments reads their legs, events, disruptions, stop timings, cutoffs, vehicle
positions and open exceptions with one query each for the whole batch (not one each per
shipment), then computes every view in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from logistics.domain import Disruption, DisruptionKind, TrackingEvent
from logistics.persistence.repositories import booked_legs, positions, tracking_state
from logistics.persistence.repositories import disruptions as disruption_repo
from logistics.persistence.repositories import locations as location_repo
from logistics.persistence.repositories import services as service_repo
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.persistence.repositories.booked_legs import BookedLeg
from logistics.tracking.eta import StopTiming
from logistics.tracking.legs import PlannedLeg


@dataclass(frozen=True, slots=True)
class Fix:
    """A vehicle's newest GPS position."""

    vehicle_id: str
    time: datetime
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TrackingInputs:
    """Everything one shipment's tracking view is computed from (events in storage order)."""

    legs: tuple[PlannedLeg, ...] = ()
    events: tuple[TrackingEvent, ...] = ()
    disruptions: tuple[Disruption, ...] = ()
    timing: Mapping[str, StopTiming] = field(default_factory=dict)
    cutoffs: Mapping[str, int] = field(default_factory=dict)
    fixes: Mapping[str, Fix] = field(default_factory=dict)  # by vehicle: the newest position
    service_loads: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # kg, m3
    opened: Mapping[str, datetime] = field(default_factory=dict)  # open exception key -> since


def planned_leg(row: BookedLeg) -> PlannedLeg:
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


def _touches(d: Disruption, services: set[str], vehicles: set[str], places: set[str]) -> bool:
    # The same test as disruption_repo.touching's query, for one shipment of the batch.
    return (
        (d.service_id is not None and d.service_id in services)
        or (d.vehicle_id is not None and d.vehicle_id in vehicles)
        or (d.location is not None and d.location in places)
    )


def load_inputs(session: Session, shipment_ids: Collection[str]) -> dict[str, TrackingInputs]:
    """The inputs of each shipment's tracking view, read in a few set-based queries."""
    ids = sorted(set(shipment_ids))
    if not ids:
        return {}
    legs = {
        sid: tuple(planned_leg(r) for r in rows)
        for sid, rows in booked_legs.for_shipments(session, ids).items()
    }
    services = {sid: {leg.service_id for leg in ls if leg.service_id} for sid, ls in legs.items()}
    vehicles = {sid: {leg.vehicle_id for leg in ls if leg.vehicle_id} for sid, ls in legs.items()}
    places = {
        sid: {leg.from_location for leg in ls} | {leg.to_location for leg in ls}
        for sid, ls in legs.items()
    }
    all_services = set().union(*services.values())
    all_vehicles = set().union(*vehicles.values())
    all_places = set().union(*places.values())

    on_service: dict[str, list[str]] = {}
    on_vehicle: dict[str, list[str]] = {}
    for sid in legs:
        for service_id in services[sid]:
            on_service.setdefault(service_id, []).append(sid)
        for vehicle_id in vehicles[sid]:
            on_vehicle.setdefault(vehicle_id, []).append(sid)
    events: dict[str, list[TrackingEvent]] = {sid: [] for sid in ids}
    stored = event_repo.for_many_subjects(
        session, shipment_ids=ids, service_ids=all_services, vehicle_ids=all_vehicles
    )
    for e in stored:  # storage order is kept in every shipment's list
        if e.shipment_id:
            events[e.shipment_id].append(e)
            continue
        targets = set(on_service.get(e.service_id or "", ())) | set(
            on_vehicle.get(e.vehicle_id or "", ())
        )
        for sid in targets:
            events[sid].append(e)

    touching = disruption_repo.touching(
        session, service_ids=all_services, vehicle_ids=all_vehicles, locations=all_places
    )
    cut = {d.service_id for d in touching if d.kind is DisruptionKind.CAPACITY_CUT and d.service_id}
    loads = booked_legs.service_loads(session, cut) if cut else {}
    timing = {
        loc.id: StopTiming(loc.service_minutes, loc.handling_minutes)
        for loc in location_repo.by_ids(session, all_places).values()
    }
    cutoffs = {s.id: s.cutoff_minutes for s in service_repo.by_ids(session, all_services).values()}
    fixes = {
        v: Fix(row.vehicle_id, row.time, row.lat, row.lon)
        for v, row in positions.latest_many(session, all_vehicles).items()
    }
    opened = {
        sid: {row.key: row.opened_at for row in rows}
        for sid, rows in tracking_state.open_for_many(session, ids).items()
    }

    out: dict[str, TrackingInputs] = {}
    for sid in ids:
        mine = legs.get(sid, ())
        sv, vh, pl = services.get(sid, set()), vehicles.get(sid, set()), places.get(sid, set())
        out[sid] = TrackingInputs(
            legs=mine,
            events=tuple(events[sid]),
            disruptions=tuple(d for d in touching if _touches(d, sv, vh, pl)),
            timing={p: timing[p] for p in pl if p in timing},
            cutoffs={s: cutoffs[s] for s in sv if s in cutoffs},
            fixes={v: fixes[v] for v in vh if v in fixes},
            service_loads={s: loads[s] for s in sv if s in loads},
            opened=opened.get(sid, {}),
        )
    return out
