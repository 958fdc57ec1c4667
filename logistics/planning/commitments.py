"""What earlier accepted plans committed, and the scenario a new plan must work in around it.

A plan never re-books what is already fixed: the booked legs of shipments it does not plan keep
their room on the services and their trucks, and a planned shipment's legs already under way
(it is reported on them) stay as they are; the shipment is planned onward from where its last
leg under way arrives. A truck shift with kept legs offers the longer of its free spells, before
or after them (the routing does not plan new stops between booked ones).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from logistics.domain import Scenario, Shipment, Vehicle
from logistics.errors import DomainError

MIN_SHIFT_LEFT = timedelta(hours=1)  # less than this left of a shift after its booked legs: none


@dataclass(frozen=True, slots=True)
class BookedLeg:
    """One accepted leg of a shipment, with what tracking knows of it."""

    shipment_id: str
    leg_index: int
    from_location: str
    to_location: str
    weight_kg: float
    volume_m3: float
    planned_depart: datetime
    expected_arrive: datetime  # by the tracking forecast, else as planned
    service_id: str | None = None
    vehicle_id: str | None = None
    started: bool = False  # the shipment is reported on it: under way or done


@dataclass(frozen=True, slots=True)
class Committed:
    """The scenario to plan in, and what stays as booked."""

    scenario: Scenario
    kept_legs: dict[str, int]  # shipment id -> booked legs kept before the planned part
    under_way: tuple[str, ...]  # shipments to plan with every leg under way: nothing to plan
    stranded: tuple[str, ...]  # ready where their leg under way ends only after their due time
    notes: tuple[str, ...]  # what was held back, in words, for the job's message


def _frozen_prefix(legs: Sequence[BookedLeg]) -> int:
    """How many leading legs stay: up to the last one the shipment is reported on."""
    started = [i for i, leg in enumerate(legs) if leg.started]
    return started[-1] + 1 if started else 0


def _onward(scenario: Scenario, sh: Shipment, last: BookedLeg) -> Shipment:
    """The shipment as it will be where its last leg under way ends: there, once handled."""
    arrive = last.expected_arrive
    # after a flight or train, the hub's handling; after a truck, unloading (export handling
    # is in the next service's cutoff)
    place = scenario.location_by_id[last.to_location]
    ready = arrive + timedelta(
        minutes=place.handling_minutes if last.service_id else place.service_minutes
    )
    return replace(sh, origin=last.to_location, ready_at=ready)


def _free_shifts(scenario: Scenario, kept: Sequence[BookedLeg]) -> tuple[Vehicle, ...]:
    """The truck shifts, those with kept legs cut to the longer of their free spells: before it
    must leave its depot for the first kept leg, or after it is back from the last one (left out
    when neither spell is MIN_SHIFT_LEFT long)."""
    mine: dict[str, list[BookedLeg]] = defaultdict(list)
    for leg in kept:
        if leg.vehicle_id:
            mine[leg.vehicle_id].append(leg)
    out: list[Vehicle] = []
    for v in scenario.vehicles:
        if v.id not in mine:
            out.append(v)
            continue
        first = min(mine[v.id], key=lambda leg: leg.planned_depart)
        last = max(mine[v.id], key=lambda leg: leg.expected_arrive)
        load = scenario.location_by_id[first.from_location].service_minutes
        to_first = scenario.road_duration_whole_minutes(v.depot, first.from_location, v.speed_kmh)
        unload = scenario.location_by_id[last.to_location].service_minutes
        back = scenario.road_duration_whole_minutes(last.to_location, v.depot, v.speed_kmh)
        spells = [
            (v.available_from, first.planned_depart - timedelta(minutes=load + to_first)),
            (last.expected_arrive + timedelta(minutes=unload + back), v.available_until),
        ]
        start, end = max(spells, key=lambda sp: sp[1] - sp[0])
        start = max(start, v.available_from)
        if end - start >= MIN_SHIFT_LEFT:
            out.append(replace(v, available_from=start, available_until=end))
    return tuple(out)


def committed(scenario: Scenario, booked: Sequence[BookedLeg]) -> Committed:
    """Fit the scenario around the bookings. The scenario's shipments are those to plan; the
    booked legs of every other shipment are kept, and so are a planned shipment's legs up to the
    last one under way."""
    by_shipment: dict[str, list[BookedLeg]] = defaultdict(list)
    for leg in sorted(booked, key=lambda b: (b.shipment_id, b.leg_index)):
        by_shipment[leg.shipment_id].append(leg)
    planned = {sh.id for sh in scenario.shipments}
    kept = [leg for sid, legs in by_shipment.items() if sid not in planned for leg in legs]
    kept_legs: dict[str, int] = {}
    shipments: list[Shipment] = []
    under_way: list[str] = []
    stranded: list[str] = []
    for sh in scenario.shipments:
        legs = by_shipment.get(sh.id, [])
        n = _frozen_prefix(legs)
        kept += legs[:n]
        if not n:
            shipments.append(sh)
            continue
        if n == len(legs):
            under_way.append(sh.id)
            continue
        try:
            shipments.append(_onward(scenario, sh, legs[n - 1]))
            kept_legs[sh.id] = n
        except DomainError:
            stranded.append(sh.id)  # ready where it arrives only after its due time
    load: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for leg in kept:
        if leg.service_id:
            load[leg.service_id][0] += leg.weight_kg
            load[leg.service_id][1] += leg.volume_m3
    services = []
    full = 0
    for s in scenario.services:
        kg, m3 = load.get(s.id, (0.0, 0.0))
        if kg == 0 and m3 == 0:
            services.append(s)
        elif s.capacity_kg - kg > 0 and s.capacity_m3 - m3 > 0:
            services.append(
                replace(s, capacity_kg=s.capacity_kg - kg, capacity_m3=s.capacity_m3 - m3)
            )
        else:
            full += 1
    vehicles = _free_shifts(scenario, kept)
    notes = []
    if kept_legs:
        notes.append(f"{len(kept_legs)} shipment(s) planned onward from legs under way")
    if under_way:
        notes.append(f"{len(under_way)} under way to the end, kept as booked")
    if stranded:
        notes.append(
            f"{len(stranded)} kept as booked, ready at their hub only after their due time "
            f"(plan by hand: {', '.join(stranded[:5])})"
        )
    busy = {leg.vehicle_id for leg in kept if leg.vehicle_id}
    if busy or load:
        notes.append(
            f"{len(load)} service(s) with booked room held ({full} full), "
            f"{len(busy)} truck shift(s) cut to their time free of booked legs"
        )
    return Committed(
        replace(scenario, services=tuple(services), vehicles=vehicles, shipments=tuple(shipments)),
        kept_legs,
        tuple(under_way),
        tuple(stranded),
        tuple(notes),
    )
