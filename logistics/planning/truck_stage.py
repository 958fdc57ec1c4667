"""Stage B: the truck legs of the chosen itineraries routed over the truck shifts, per region."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from logistics.domain import Scenario, Vehicle
from logistics.planning.network import Network
from logistics.planning.routing import (
    DroppedRequest,
    Request,
    Route,
    RouteStop,
    RoutingNode,
    RoutingOptions,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    SolverStats,
    Visit,
)
from logistics.planning.routing.executor import RoutingTask, current_executor
from logistics.planning.routing.subproblem import sequences
from logistics.planning.truck_legs import TruckLeg, truck_legs
from logistics.planning.truck_waves import subproblems

__all__ = [
    "Routed",
    "TruckLeg",
    "release",
    "route_trucks",
    "routing_problem",
    "spare_vehicles",
    "strip",
    "truck_legs",
    "without",
]

DROP_PENALTY = 5_000_000.0


def routing_problem(
    scenario: Scenario,
    depots: set[str] | frozenset[str],
    legs: Sequence[TruckLeg],
    vehicles: Sequence[Vehicle] | None = None,
) -> RoutingProblem:
    """The routing problem of one region (or one wave of it): its shifts and its truck legs."""
    if vehicles is None:
        vehicles = [v for v in scenario.vehicles if v.depot in depots]
    names = sorted(depots | {leg.from_location for leg in legs} | {leg.to_location for leg in legs})
    index = {n: i for i, n in enumerate(names)}
    nodes = tuple(RoutingNode(n, scenario.location_by_id[n].service_minutes) for n in names)
    distance = tuple(
        tuple(round(scenario.road_distance_km(a, b) * 1000) for b in names) for a in names
    )
    speeds = sorted({v.speed_kmh for v in vehicles})
    durations = {
        f"{s:g}": tuple(
            tuple(scenario.road_duration_whole_minutes(a, b, s) for b in names) for a in names
        )
        for s in speeds
    }
    times = [v.available_from for v in vehicles] + [leg.earliest for leg in legs]
    epoch = min(times).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    requests = tuple(
        Request(
            leg.request_id,
            Visit(index[leg.from_location], leg.earliest, leg.latest_drop),
            Visit(index[leg.to_location], leg.earliest, leg.latest_drop),
            leg.shipment.weight_kg,
            leg.shipment.volume_m3,
            leg.shipment.requirements,
            DROP_PENALTY,
        )
        for leg in legs
    )
    fleet = tuple(
        RoutingVehicle(
            v.id,
            index[v.depot],
            index[v.depot],
            v.available_from,
            v.available_until,
            v.capacity_kg,
            v.capacity_m3,
            f"{v.speed_kmh:g}",
            v.cost_per_km,
            v.cost_per_hour,
            v.fixed_cost,
            v.capabilities,
        )
        for v in vehicles
    )
    return RoutingProblem(nodes, distance, durations, requests, fleet, epoch)


MIN_REGION_S = 0.2
# Of a routing stage's budget, the share its searches' limits add up to (per worker): the rest
# covers each solve's overhead, measured at about 0.3 s on this machine under load.
SEARCH_SHARE = 0.8
MIN_SEARCH_SHARE = 0.4
SOLVE_OVERHEAD_S = 0.3
DEADLINE_SLACK = 1.1


@dataclass(frozen=True, slots=True)
class Routed:
    """One routed subproblem: the problem (None for legs no depot can reach) and its solution."""

    problem: RoutingProblem | None
    solution: RoutingSolution


def _run(
    args: list[tuple[RoutingProblem, RoutingOptions, float]],
    workers: int,
    before: Sequence[RoutingSolution | None] | None = None,
) -> list[RoutingSolution]:
    """Solve subproblems with the routing executor in effect (by default `workers` at a time,
    each in a worker process the watchdog kills at its deadline): a stopped one keeps its best
    routes so far, the legs it had not served dropped as timeout; or `before[i]`, a solution it
    already had, if that serves more."""
    tasks = [
        RoutingTask(p, o, deadline, before[i] if before else None)
        for i, (p, o, deadline) in enumerate(args)
    ]
    return current_executor().solve(tasks, workers)


def _shares(problems: Sequence[RoutingProblem], time_limit_s: float, workers: int) -> list[float]:
    """Each subproblem's time limit: the stage's budget, less each solve's overhead (building
    the model, sending it, starting a worker), split in proportion to its requests, `workers`
    running at a time (so the last subproblems still start before the stage's deadline)."""
    lanes = max(1, min(current_executor().lanes(workers), len(problems)))
    total = sum(len(p.requests) for p in problems) or 1
    budget = max(time_limit_s * MIN_SEARCH_SHARE, time_limit_s * SEARCH_SHARE)
    budget = max(budget - SOLVE_OVERHEAD_S * len(problems) / lanes, time_limit_s * MIN_SEARCH_SHARE)
    return [
        max(MIN_REGION_S, min(budget, budget * lanes * len(p.requests) / total)) for p in problems
    ]


def route_trucks(
    scenario: Scenario,
    net: Network,
    legs: Sequence[TruckLeg],
    *,
    time_limit_s: float,
    seed: int,
    workers: int,
    vehicles: Sequence[Vehicle] | None = None,
    deadline: float | None = None,
) -> list[Routed]:
    """Solve every region's routing problem in worker processes, `workers` at a time.

    `vehicles` is the pool of truck shifts to use (all of the scenario's by default). Every
    solve is stopped by `deadline` (wall clock; default: the time limit plus 10 %).
    """
    problems = [
        routing_problem(scenario, sub.depots, sub.legs, sub.vehicles)
        for sub in subproblems(scenario, net, legs, vehicles)
    ]
    unrouted = {leg.request_id for leg in legs} - {r.id for p in problems for r in p.requests}
    # Largest first, so the pool stays balanced; retries after a subproblem's own limit stop at
    # the stage's deadline (wall clock, shared with the worker processes).
    problems.sort(key=lambda p: -len(p.requests))
    deadline = _deadline(time_limit_s, deadline)
    args = [
        (p, RoutingOptions(time_limit_s=share, seed=seed), deadline)
        for p, share in zip(problems, _shares(problems, time_limit_s, workers), strict=True)
    ]
    out = [Routed(p, s) for p, s in zip(problems, _run(args, workers), strict=True)]
    if unrouted:
        out.append(
            Routed(
                None,
                _empty(
                    [
                        DroppedRequest(r, "no_vehicle", "no depot near its pickup")
                        for r in sorted(unrouted)
                    ],
                    seed,
                ),
            )
        )
    return out


def _empty(dropped: Sequence[DroppedRequest], seed: int) -> RoutingSolution:
    return RoutingSolution((), tuple(dropped), 0.0, 0, SolverStats("none", 0.0, 0.0, seed))


def spare_vehicles(scenario: Scenario, routed: Sequence[Routed]) -> list[Vehicle]:
    """The truck shifts no routed subproblem drives: free for legs added in a later round."""
    used = {route.vehicle_id for r in routed for route in r.solution.routes}
    return [v for v in scenario.vehicles if v.id not in used]


def release(routed: Sequence[Routed], vehicle_ids: set[str]) -> list[Routed]:
    """The routed subproblems without the given shifts where they drive no route, so that no
    later re-solve of theirs drives a shift handed to other legs meanwhile."""
    out: list[Routed] = []
    for r in routed:
        driving = {route.vehicle_id for route in r.solution.routes}
        if r.problem is None or not any(
            v.id in vehicle_ids and v.id not in driving for v in r.problem.vehicles
        ):
            out.append(r)
            continue
        vehicles = tuple(
            v for v in r.problem.vehicles if v.id not in vehicle_ids or v.id in driving
        )
        out.append(Routed(replace(r.problem, vehicles=vehicles), r.solution))
    return out


def without(
    routed: Sequence[Routed],
    request_ids: set[str] | frozenset[str],
    *,
    time_limit_s: float,
    seed: int,
    workers: int,
    deadline: float | None = None,
) -> list[Routed]:
    """The routed subproblems with the given requests taken out.

    A subproblem that only dropped them keeps its routes as they are; one whose routes carried
    them is solved again, warm-started from its routes less those requests (so it is re-optimised
    within `time_limit_s`, never worse off for want of a first solution).
    """
    kept: list[Routed] = []
    again: list[tuple[RoutingProblem, dict[str, tuple[str, ...]], RoutingSolution]] = []
    for r in routed:
        ids = {q.id for q in r.problem.requests} if r.problem else set()
        ids |= {d.request_id for d in r.solution.dropped}
        if not ids & request_ids:
            kept.append(r)
            continue
        dropped = tuple(d for d in r.solution.dropped if d.request_id not in request_ids)
        if r.problem is None:
            if dropped:
                kept.append(Routed(None, replace(r.solution, dropped=dropped)))
            continue
        problem = replace(
            r.problem, requests=tuple(q for q in r.problem.requests if q.id not in request_ids)
        )
        carried = {rid for route in r.solution.routes for rid in _carried(route)}
        if not carried & request_ids:
            kept.append(Routed(problem, replace(r.solution, dropped=dropped)))
        elif not problem.requests:
            kept.append(Routed(problem, _empty((), seed)))
        else:
            warm = {
                vid: tuple(t for t in seq if t.partition(":")[2] not in request_ids)
                for vid, seq in sequences(r.solution).items()
            }
            again.append((problem, warm, _stripped(r, request_ids, problem)))
    deadline = _deadline(time_limit_s, deadline)
    problems = [p for p, _, _ in again]
    args = [
        (p, RoutingOptions(time_limit_s=share, seed=seed, initial_routes=warm), deadline)
        for (p, warm, _), share in zip(again, _shares(problems, time_limit_s, workers), strict=True)
    ]
    # A re-solve stopped at the deadline falls back on the routes less those requests.
    before = [b for _, _, b in again]
    kept += [Routed(p, s) for p, s in zip(problems, _run(args, workers, before), strict=True)]
    return kept


def _stripped(
    r: Routed, request_ids: set[str] | frozenset[str], problem: RoutingProblem
) -> RoutingSolution:
    """`r`'s solution with the requests taken off its routes, as a solution of `problem` (a
    route that breaks a window once re-timed comes off: its requests are dropped)."""
    (kept,), lost = strip([r], request_ids)
    dropped = tuple(
        DroppedRequest(rid, "not_served", "its route could not be kept without the others")
        for rid in sorted(lost)
    )
    return replace(kept.solution, dropped=kept.solution.dropped + dropped)


def _deadline(time_limit_s: float, deadline: float | None) -> float:
    """The stage's hard stop (wall clock): the caller's, or the time limit plus 10 %."""
    own = time.time() + time_limit_s * DEADLINE_SLACK
    return own if deadline is None else min(own, deadline)


def _carried(route: Route) -> set[str]:
    return {rid for stop in route.stops for rid in stop.pickups}


def strip(
    routed: Sequence[Routed], request_ids: set[str] | frozenset[str]
) -> tuple[list[Routed], set[str]]:
    """The routed subproblems with the given requests taken off, without solving anything.

    Each route keeps its other stops in order and its departure; later stops are re-timed (a
    stop is never reached later than before unless the roads break the triangle inequality).
    A route that no longer keeps its windows or its shift comes off whole: its requests are
    returned as well, to be taken off (and their shipments unplanned) by the caller."""
    kept: list[Routed] = []
    extra: set[str] = set()
    for r in routed:
        dropped = tuple(d for d in r.solution.dropped if d.request_id not in request_ids)
        if r.problem is None:
            if dropped:
                kept.append(Routed(None, replace(r.solution, dropped=dropped)))
            continue
        problem = r.problem
        requests = {q.id: q for q in problem.requests}
        routes: list[Route] = []
        for route in r.solution.routes:
            carried = _carried(route)
            if not carried & request_ids:
                routes.append(route)
                continue
            retimed = _retimed(problem, route, request_ids, requests)
            if retimed is None:
                extra |= carried - request_ids
            elif retimed.stops[1:-1]:
                routes.append(retimed)
        gone = request_ids | extra
        problem = replace(problem, requests=tuple(q for q in problem.requests if q.id not in gone))
        routes = [route for route in routes if not _carried(route) & extra]
        solution = replace(
            r.solution,
            routes=tuple(routes),
            dropped=tuple(d for d in dropped if d.request_id not in extra),
            total_cost=round(sum(route.cost for route in routes), 4),
            total_distance_m=sum(route.distance_m for route in routes),
        )
        kept.append(Routed(problem, solution))
    return kept, extra


def _retimed(
    problem: RoutingProblem,
    route: Route,
    removed: set[str] | frozenset[str],
    requests: dict[str, Request],
) -> Route | None:
    """`route` without the `removed` requests' visits, re-timed; None if it breaks a window."""
    vehicle = next(v for v in problem.vehicles if v.id == route.vehicle_id)
    durations = problem.duration_min[vehicle.profile]
    inner: list[RouteStop] = []
    for stop in route.stops[1:-1]:
        pickups = tuple(p for p in stop.pickups if p not in removed)
        drops = tuple(d for d in stop.drops if d not in removed)
        if not pickups and not drops:
            continue
        if inner and inner[-1].node == stop.node:
            # two stops at one place are now consecutive: one stop, service time once
            last = inner.pop()
            pickups, drops = last.pickups + pickups, last.drops + drops
        inner.append(replace(stop, pickups=pickups, drops=drops))
    start, end = route.stops[0], route.stops[-1]
    assert start.depart is not None
    at, node, distance, kg, m3 = start.depart, start.node, 0, 0.0, 0.0
    stops = [start]
    for stop in inner:
        service = timedelta(minutes=problem.nodes[stop.node].service_minutes)
        arrive = at + timedelta(minutes=durations[node][stop.node])
        visits = [requests[rid].pickup for rid in stop.pickups]
        visits += [requests[rid].delivery for rid in stop.drops]
        begin = max([arrive, *(v.earliest for v in visits if v is not None)])
        if any(v is not None and begin > v.latest for v in visits):
            return None
        for rid in stop.drops:
            kg -= requests[rid].weight_kg
            m3 -= requests[rid].volume_m3
        for rid in stop.pickups:
            kg += requests[rid].weight_kg
            m3 += requests[rid].volume_m3
        distance += problem.distance_m[node][stop.node]
        at, node = begin + service, stop.node
        stops.append(
            replace(
                stop,
                arrive=arrive,
                depart=at,
                load_kg=round(max(0.0, kg), 6),
                load_m3=round(max(0.0, m3), 6),
            )
        )
    back = at + timedelta(minutes=durations[node][end.node])
    if back > vehicle.shift_end:
        return None
    distance += problem.distance_m[node][end.node]
    stops.append(replace(end, arrive=back))
    minutes = int((back - start.depart).total_seconds() // 60)
    cost = (
        vehicle.fixed_cost
        + vehicle.cost_per_km * distance / 1000
        + vehicle.cost_per_hour * minutes / 60
    )
    return Route(route.vehicle_id, tuple(stops), distance, minutes, round(cost, 4))
