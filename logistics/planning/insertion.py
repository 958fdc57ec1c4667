"""Repair by insertion: a repaired shipment's truck legs put into routes that have room.

A repair round gives a shipment whose truck leg no shift could serve another itinerary; its new
legs used to go only to shifts no route drives. Here each new leg is first tried in the routes
already driven: at every pair of positions (pickup, then drop) of every route of a shift that can
carry it (capabilities, kg, m³; a depot with a shift that reaches its pickup), the route re-timed from its
depot with every window, the loads and the shift's end checked; the cheapest feasible insertion
wins. A shipment's legs go in together or not at all. The changed route becomes a routed
subproblem of its own (its shift, its requests), so later rounds can re-solve or strip it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from logistics.domain import Scenario, Vehicle
from logistics.planning.network import Network
from logistics.planning.routing import Route, RouteStop, RoutingSolution, SolverStats
from logistics.planning.truck_legs import TruckLeg
from logistics.planning.truck_stage import Routed, routing_problem

Inner = list[tuple[str, tuple[str, ...], tuple[str, ...]]]  # (location, pickups, drops) per stop


def _inner(route: Route) -> Inner:
    return [(s.location_id, s.pickups, s.drops) for s in route.stops[1:-1]]


def _merged(stops: Inner) -> Inner:
    """Consecutive stops at one place as one stop (its service time paid once)."""
    out: Inner = []
    for loc, pickups, drops in stops:
        if out and out[-1][0] == loc:
            _, p, d = out.pop()
            pickups, drops = p + pickups, d + drops
        out.append((loc, pickups, drops))
    return out


def timed(
    scenario: Scenario,
    vehicle: Vehicle,
    stops: Inner,
    legs: Mapping[str, TruckLeg],
    leave_by: datetime,
) -> Route | None:
    """The route of `vehicle` through `stops` (pickups, then drops, of the legs named), leaving
    its depot no later than `leave_by` and as late as the first stop allows; None if a window,
    the truck's kg or m³ or its shift's end is broken. Times and costs as the routing model."""

    def minutes(a: str, b: str) -> timedelta:
        return timedelta(minutes=scenario.road_duration_whole_minutes(a, b, vehicle.speed_kmh))

    depot = vehicle.depot
    if not stops:
        return None
    first_loc, first_p, first_d = stops[0]
    first_open = max(legs[r].earliest for r in first_p + first_d)
    depart = max(vehicle.available_from, min(leave_by, first_open - minutes(depot, first_loc)))
    at, here, km = depart, depot, 0.0
    kg = m3 = 0.0
    out = [RouteStop(0, depot, None, depart)]
    for loc, pickups, drops in stops:
        arrive = at + minutes(here, loc)
        visits = [legs[r] for r in pickups + drops]
        begin = max([arrive, *(leg.earliest for leg in visits)])
        if any(begin > leg.latest_drop for leg in visits):
            return None
        for r in drops:
            kg -= legs[r].shipment.weight_kg
            m3 -= legs[r].shipment.volume_m3
        for r in pickups:
            kg += legs[r].shipment.weight_kg
            m3 += legs[r].shipment.volume_m3
        if kg > vehicle.capacity_kg + 1e-6 or m3 > vehicle.capacity_m3 + 1e-6:
            return None
        km += scenario.road_distance_km(here, loc)
        at = begin + timedelta(minutes=scenario.location_by_id[loc].service_minutes)
        here = loc
        out.append(
            RouteStop(
                0, loc, arrive, at, pickups, drops, round(max(0.0, kg), 6), round(max(0.0, m3), 6)
            )
        )
    back = at + minutes(here, depot)
    if back > vehicle.available_until:
        return None
    km += scenario.road_distance_km(here, depot)
    out.append(RouteStop(0, depot, back, None))
    distance_m = round(km * 1000)
    span = int((back - depart).total_seconds() // 60)
    cost = (
        vehicle.fixed_cost
        + vehicle.cost_per_km * distance_m / 1000
        + vehicle.cost_per_hour * span / 60
    )
    return Route(vehicle.id, tuple(out), distance_m, span, round(cost, 4))


def best_insertion(
    scenario: Scenario, route: Route, leg: TruckLeg, legs: Mapping[str, TruckLeg]
) -> Route | None:
    """The cheapest feasible way to put `leg` into `route` (pickup before drop), or None."""
    vehicle = scenario.vehicle_by_id[route.vehicle_id]
    sh = leg.shipment
    if not sh.fits(vehicle.capabilities) or sh.weight_kg > vehicle.capacity_kg:
        return None
    if sh.volume_m3 > vehicle.capacity_m3:
        return None
    if vehicle.available_until < leg.earliest or vehicle.available_from > leg.latest_drop:
        return None  # the shift is over before the leg is ready, or starts after its window
    leave_by = route.stops[0].depart or vehicle.available_from
    inner = _inner(route)
    pick = (leg.from_location, (leg.request_id,), ())
    drop = (leg.to_location, (), (leg.request_id,))
    best: Route | None = None
    for i in range(len(inner) + 1):
        for j in range(i, len(inner) + 1):
            stops = _merged([*inner[:i], pick, *inner[i:j], drop, *inner[j:]])
            found = timed(scenario, vehicle, stops, legs, leave_by)
            if found is not None and (best is None or found.cost < best.cost):
                best = found
    return best


def _own(scenario: Scenario, route: Route, legs: Mapping[str, TruckLeg]) -> Routed:
    """A route as a routed subproblem of its own: its shift and the requests it carries."""
    vehicle = scenario.vehicle_by_id[route.vehicle_id]
    rids = [r for stop in route.stops for r in stop.pickups]
    problem = routing_problem(scenario, {vehicle.depot}, [legs[r] for r in rids], [vehicle])
    index = {node.location_id: n for n, node in enumerate(problem.nodes)}
    route = replace(route, stops=tuple(replace(s, node=index[s.location_id]) for s in route.stops))
    solution = RoutingSolution(
        (route,), (), route.cost, route.distance_m, SolverStats("inserted", 0.0, route.cost, 0)
    )
    return Routed(problem, solution)


def _without_route(r: Routed, route: Route) -> Routed:
    """`r` less one of its routes, its requests and its shift (now a subproblem of their own)."""
    assert r.problem is not None
    carried = {rid for stop in route.stops for rid in stop.pickups}
    problem = replace(
        r.problem,
        requests=tuple(q for q in r.problem.requests if q.id not in carried),
        vehicles=tuple(v for v in r.problem.vehicles if v.id != route.vehicle_id),
    )
    routes = tuple(x for x in r.solution.routes if x is not route)
    solution = replace(
        r.solution,
        routes=routes,
        total_cost=round(sum(x.cost for x in routes), 4),
        total_distance_m=sum(x.distance_m for x in routes),
    )
    return Routed(problem, solution)


def insert_legs(
    scenario: Scenario,
    net: Network,
    routed: Sequence[Routed],
    new_legs: Sequence[TruckLeg],
    legs: Sequence[TruckLeg],
    *,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[list[Routed], set[str]]:
    """Insert each shipment's `new_legs` into the routes of `routed` (all of a shipment's legs,
    or none; see the module docstring). `legs`: every current truck leg, the new ones included.
    Returns the routed subproblems and the shipments whose legs all went in."""
    by_id = {leg.request_id: leg for leg in legs}
    out = list(routed)
    inserted: set[str] = set()
    by_shipment: dict[str, list[TruckLeg]] = {}
    for leg in new_legs:
        by_shipment.setdefault(leg.shipment.id, []).append(leg)
    for sid, mine in by_shipment.items():
        if stop():
            break
        trial = list(out)
        for leg in sorted(mine, key=lambda x: x.leg_index):
            depots = set(net.depots_reaching(leg.from_location))
            best: tuple[float, int, Route, Route] | None = None
            for n, r in enumerate(trial):
                if r.problem is None:
                    continue
                for route in r.solution.routes:
                    if scenario.vehicle_by_id[route.vehicle_id].depot not in depots:
                        continue
                    found = best_insertion(scenario, route, leg, by_id)
                    if found is not None and (best is None or found.cost - route.cost < best[0]):
                        best = (found.cost - route.cost, n, route, found)
            if best is None:
                break
            _, n, old, new = best
            trial[n] = _without_route(trial[n], old)
            trial.append(_own(scenario, new, by_id))
        else:
            out = trial
            inserted.add(sid)
    return [
        r for r in out if r.problem is None or r.problem.requests or r.solution.dropped
    ], inserted
