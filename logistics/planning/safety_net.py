"""The safety net: dedicated trips for what the routed plan leaves unplanned or late.

After the routing rounds, every shipment the plan leaves unplanned, or delivers late, gets a
dedicated trip if one fits in what the plan leaves free: first the very trip of the solution built
by construction (constructed.py, made at the start from the scenario alone), when the plan drives
none of its shifts and its service has room; then a trip the same greedy rules build over the
shifts no route drives and the room left on the services (for a late shipment also the shifts its
own routes would free); last, the constructed itinerary's truck legs inserted into routes already
driven that have room (insertion.py). A late shipment moves only if taking it off its routes
breaks no other shipment's times. Each move plans one more shipment or makes one more on time,
and every other shipment keeps its itinerary and its windows, so the objective order holds:
planned first, then on time. With a lateness price (lateness traded against the measure) only
unplanned shipments move.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from logistics.domain import Scenario, Service, Shipment
from logistics.planning.constructed import Construction, construct
from logistics.planning.insertion import insert_legs
from logistics.planning.itinerary import Itinerary
from logistics.planning.network import Network
from logistics.planning.routing import Route, RoutingSolution, SolverStats
from logistics.planning.truck_legs import TruckLegRef, itinerary_refs, truck_legs
from logistics.planning.truck_stage import Routed, routing_problem, strip


@dataclass(slots=True)
class Rescue:
    """What the safety net changed: the plan's choice and routes, and which shipments moved."""

    chosen: dict[str, Itinerary]
    routed: list[Routed]
    planned: list[str]  # were unplanned, now on a dedicated trip
    on_time: list[str]  # were late, now on a dedicated trip on time


def delivered(chosen: Mapping[str, Itinerary], routed: Sequence[Routed]) -> dict[str, datetime]:
    """When each chosen shipment is delivered by the routes (a service's scheduled arrival when
    its last leg is a service, as the plan states it)."""
    drops = {
        rid: stop.arrive
        for r in routed
        for route in r.solution.routes
        for stop in route.stops
        for rid in stop.drops
        if stop.arrive is not None
    }
    out: dict[str, datetime] = {}
    for sid, it in chosen.items():
        last = it.segments[-1]
        if last.service is not None:
            out[sid] = last.service.arrival
        elif (at := drops.get(TruckLegRef(sid, len(it.segments) - 1).request_id)) is not None:
            out[sid] = at
    return out


def _services(it: Itinerary) -> list[Service]:
    return [seg.service for seg in it.segments if seg.service is not None]


def _room(scenario: Scenario, chosen: Mapping[str, Itinerary]) -> dict[str, tuple[float, float]]:
    """Each service's capacity less what the chosen itineraries load on it (kg, m3)."""
    room = {s.id: [s.capacity_kg, s.capacity_m3] for s in scenario.services}
    for sid, it in chosen.items():
        sh = scenario.shipment_by_id[sid]
        for svc in _services(it):
            room[svc.id][0] -= sh.weight_kg
            room[svc.id][1] -= sh.volume_m3
    return {k: (kg, m3) for k, (kg, m3) in room.items()}


def _fits(sh: Shipment, it: Itinerary, room: Mapping[str, tuple[float, float]]) -> bool:
    return all(
        sh.weight_kg <= room.get(s.id, (0.0, 0.0))[0] + 1e-6
        and sh.volume_m3 <= room.get(s.id, (0.0, 0.0))[1] + 1e-6
        for s in _services(it)
    )


def dedicated(scenario: Scenario, sh: Shipment, it: Itinerary, route: Route) -> Routed:
    """A dedicated route as a routed subproblem of its own (one shift, its one leg), its stops
    numbered as that problem's nodes, so later steps can strip or re-time it like any other."""
    vehicle = scenario.vehicle_by_id[route.vehicle_id]
    rids = {rid for stop in route.stops for rid in stop.pickups}
    legs = [leg for leg in truck_legs(scenario, {sh.id: it}) if leg.request_id in rids]
    problem = routing_problem(scenario, {vehicle.depot}, legs, [vehicle])
    index = {node.location_id: n for n, node in enumerate(problem.nodes)}
    stops = tuple(replace(stop, node=index[stop.location_id]) for stop in route.stops)
    solution = RoutingSolution(
        (replace(route, stops=stops),),
        (),
        route.cost,
        route.distance_m,
        SolverStats("dedicated", 0.0, route.cost, 0),
    )
    return Routed(problem, solution)


def rescue(
    scenario: Scenario,
    chosen: Mapping[str, Itinerary],
    routed: list[Routed],
    built: Construction,
    *,
    late_too: bool = True,
    net: Network | None = None,
    now: datetime | None = None,
    forecasts: Mapping[str, datetime] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Rescue:
    """Give dedicated trips to the shipments the plan leaves unplanned (and, if `late_too`, late),
    within the shifts and service room it leaves free (see the module docstring); given `net`,
    then insert the constructed itinerary's legs of those still left into driven routes with
    room. `chosen` holds the planned shipments only, every truck leg of each on `routed`."""
    chosen = dict(chosen)
    routed = list(routed)
    at = delivered(chosen, routed)
    late = {sid for sid, t in at.items() if late_too and t > scenario.shipment_by_id[sid].due_at}
    unplanned = [sh for sh in scenario.shipments if sh.id not in chosen]
    todo = unplanned + [sh for sh in scenario.shipments if sh.id in late]
    moved_planned: list[str] = []
    moved_on_time: list[str] = []

    def take(sh: Shipment, it: Itinerary, routes: Sequence[Route]) -> bool:
        nonlocal routed
        if sh.id in chosen:
            mine = set(itinerary_refs({sh.id: chosen[sh.id]}))
            without, broken = strip(routed, mine)
            if broken:
                return False  # taking it off would re-time another shipment out of its window
            routed = without
        (moved_on_time if sh.id in chosen else moved_planned).append(sh.id)
        chosen[sh.id] = it
        routed += [dedicated(scenario, sh, it, route) for route in routes]
        return True

    # 1. The constructed solution's own trip, when its shifts and service room are free.
    driven = {route.vehicle_id for r in routed for route in r.solution.routes}
    room = _room(scenario, chosen)
    for sh in todo:
        if stop():
            break
        it, routes = built.chosen.get(sh.id), built.routes.get(sh.id, ())
        if it is None or any(route.vehicle_id in driven for route in routes):
            continue
        own = dict(room)
        if sh.id in chosen:  # its current services give their room back
            for svc in _services(chosen[sh.id]):
                own[svc.id] = (own[svc.id][0] + sh.weight_kg, own[svc.id][1] + sh.volume_m3)
        if not _fits(sh, it, own) or not take(sh, it, routes):
            continue
        driven = {route.vehicle_id for r in routed for route in r.solution.routes}
        room = _room(scenario, chosen)
    # 2. New dedicated trips over the shifts no route drives and the room left.
    moved = set(moved_planned) | set(moved_on_time)
    rest = [sh for sh in todo if sh.id not in moved]
    if rest and not stop():
        free = [v for v in scenario.vehicles if v.id not in driven]
        more = construct(
            scenario,
            shipments=rest,
            vehicles=free,
            room=_room(scenario, chosen),  # a late shipment's room is not counted on
            now=now,
            forecasts=forecasts,
            stop=stop,
        )
        for sh in rest:
            it = more.chosen.get(sh.id)
            if it is not None:
                take(sh, it, more.routes[sh.id])
    # 2b. A late shipment alone, with the shifts its own routes would free counted as free.
    moved = set(moved_planned) | set(moved_on_time)
    for sh in [sh for sh in todo if sh.id in chosen and sh.id not in moved]:
        if stop():
            break
        mine = set(itinerary_refs({sh.id: chosen[sh.id]}))
        base, broken = strip(routed, mine)
        if broken:
            continue
        busy = {route.vehicle_id for r in base for route in r.solution.routes}
        alone = construct(
            scenario,
            shipments=[sh],
            vehicles=[v for v in scenario.vehicles if v.id not in busy],
            room=_room_for(scenario, chosen, sh),
            now=now,
            forecasts=forecasts,
            stop=stop,
        )
        it = alone.chosen.get(sh.id)
        if it is not None:
            take(sh, it, alone.routes[sh.id])
    # 3. The constructed itinerary's truck legs inserted into driven routes that have room.
    if net is not None:
        moved = set(moved_planned) | set(moved_on_time)
        for sh in [sh for sh in todo if sh.id not in moved]:
            if stop():
                break
            it = built.chosen.get(sh.id)
            if it is None or not _fits(sh, it, _room_for(scenario, chosen, sh)):
                continue
            base = routed
            if sh.id in chosen:
                mine = set(itinerary_refs({sh.id: chosen[sh.id]}))
                base, broken = strip(routed, mine)
                if broken:
                    continue
            new = truck_legs(scenario, {sh.id: it}, now=now, forecasts=forecasts)
            others = {sid: x for sid, x in chosen.items() if sid != sh.id}
            current = truck_legs(scenario, others, now=now, forecasts=forecasts)
            trial, inserted = insert_legs(scenario, net, base, new, [*current, *new], stop=stop)
            if sh.id in inserted:
                (moved_on_time if sh.id in chosen else moved_planned).append(sh.id)
                chosen[sh.id] = it
                routed = trial
    return Rescue(chosen, routed, moved_planned, moved_on_time)


def _room_for(
    scenario: Scenario, chosen: Mapping[str, Itinerary], sh: Shipment
) -> dict[str, tuple[float, float]]:
    """The services' room with every chosen shipment but `sh` on them."""
    return _room(scenario, {sid: it for sid, it in chosen.items() if sid != sh.id})
