"""Stage B: the truck legs of the chosen itineraries routed over the truck shifts, per region."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

from logistics.domain import Scenario, Vehicle
from logistics.planning.itinerary_search import Network
from logistics.planning.routing import (
    DroppedRequest,
    Request,
    Route,
    RoutingNode,
    RoutingOptions,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    SolverStats,
    Visit,
    watchdog,
)
from logistics.planning.routing.engine import Report, from_snapshot, solve_here
from logistics.planning.truck_legs import TruckLeg, truck_legs
from logistics.planning.truck_waves import subproblems

__all__ = [
    "Routed",
    "TruckLeg",
    "route_trucks",
    "routing_problem",
    "spare_vehicles",
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


FIRST_SOLUTION_RETRY_S = 20.0
MIN_REGION_S = 0.5
REPAIR_S = 5.0
DEADLINE_SLACK = 1.1
MIN_RETRY_S = 1.0  # no retry without a first solution when less than this is left
MIN_SEARCH_S = 0.1
SEARCH_MARGIN = 0.1  # of the time left: building the model and reading the routes
NO_FIRST_SOLUTION = frozenset({"not_solved", "no_solution", "timeout"})


def _solve(
    problem: RoutingProblem,
    options: RoutingOptions,
    deadline: float,
    *,
    report: Report | None = None,
) -> RoutingSolution:
    """One subproblem in a worker: the search, a retry without a first solution, a warm repair;
    each within what is left before `deadline` (wall clock), where the watchdog stops it."""
    solution = solve_here(problem, _within(options, deadline), report=report)
    left = deadline - time.time()
    if (
        problem.requests
        and problem.vehicles
        and solution.stats.status in NO_FIRST_SOLUTION
        and left > MIN_RETRY_S
    ):
        # The time limit ran out before a first solution (a busy machine, a large region): try
        # once more with a longer limit rather than leave every shipment of the region unplanned.
        longer = replace(
            options,
            time_limit_s=min(left, max(FIRST_SOLUTION_RETRY_S, 2 * options.time_limit_s)),
        )
        solution = solve_here(problem, _within(longer, deadline), report=report)
    left = deadline - time.time()
    if solution.routes and any(d.reason == "not_served" for d in solution.dropped) and left > 1:
        # A short limit (a busy machine, a small share of the budget) can stop the search before
        # it inserts every request: continue from this solution for longer before giving up, as
        # long as the stage's deadline allows.
        warm = replace(
            options,
            time_limit_s=min(left, max(REPAIR_S, 2 * options.time_limit_s)),
            initial_routes=_sequences(solution),
        )
        repaired = solve_here(problem, _within(warm, deadline), report=report)
        if (len(repaired.dropped), repaired.total_cost) < (
            len(solution.dropped),
            solution.total_cost,
        ):
            solution = repaired
    return solution


def _within(options: RoutingOptions, deadline: float) -> RoutingOptions:
    """The options with a time limit that ends before `deadline` (some margin for the model)."""
    left = (deadline - time.time()) * (1 - SEARCH_MARGIN)
    return replace(options, time_limit_s=max(MIN_SEARCH_S, min(options.time_limit_s, left)))


def _sequences(solution: RoutingSolution) -> dict[str, tuple[str, ...]]:
    """A solution's routes as warm-start visit sequences (at a stop, drops before pickups: the
    truck unloads before it loads, so the sequence keeps to its capacity)."""
    return {
        route.vehicle_id: tuple(
            token
            for stop in route.stops
            for token in (
                *(f"D:{rid}" for rid in stop.drops),
                *(f"P:{rid}" for rid in stop.pickups),
            )
        )
        for route in solution.routes
    }


@dataclass(frozen=True, slots=True)
class Routed:
    """One routed subproblem: the problem (None for legs no depot can reach) and its solution."""

    problem: RoutingProblem | None
    solution: RoutingSolution


def _run(
    args: list[tuple[RoutingProblem, RoutingOptions, float]], workers: int
) -> list[RoutingSolution]:
    """Solve subproblems, `workers` at a time, each in a worker process the watchdog kills at
    its deadline (its best routes so far kept, the legs it had not served dropped as timeout)."""
    tasks = [
        watchdog.Task(_solve, (p, o, deadline), deadline, partial(from_snapshot, p, o))
        for p, o, deadline in args
    ]
    results: list[RoutingSolution] = watchdog.run(tasks, workers)
    return results


def _shares(problems: Sequence[RoutingProblem], time_limit_s: float, workers: int) -> list[float]:
    """Each subproblem's time limit: the stage's budget split in proportion to its requests,
    `workers` running at a time."""
    lanes = max(1, min(workers, len(problems)))
    total = sum(len(p.requests) for p in problems) or 1
    return [
        max(MIN_REGION_S, min(time_limit_s, time_limit_s * lanes * len(p.requests) / total))
        for p in problems
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
    again: list[tuple[RoutingProblem, dict[str, tuple[str, ...]]]] = []
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
                for vid, seq in _sequences(r.solution).items()
            }
            again.append((problem, warm))
    deadline = _deadline(time_limit_s, deadline)
    problems = [p for p, _ in again]
    args = [
        (p, RoutingOptions(time_limit_s=share, seed=seed, initial_routes=warm), deadline)
        for (p, warm), share in zip(again, _shares(problems, time_limit_s, workers), strict=True)
    ]
    kept += [Routed(p, s) for p, s in zip(problems, _run(args, workers), strict=True)]
    return kept


def _deadline(time_limit_s: float, deadline: float | None) -> float:
    """The stage's hard stop (wall clock): the caller's, or the time limit plus 10 %."""
    own = time.time() + time_limit_s * DEADLINE_SLACK
    return own if deadline is None else min(own, deadline)


def _carried(route: Route) -> set[str]:
    return {rid for stop in route.stops for rid in stop.pickups}
