"""Stage B: the truck legs of the chosen itineraries routed over the truck shifts, per region."""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from multiprocessing import get_context

from logistics.domain import Scenario, Vehicle
from logistics.planning.itinerary_search import Network
from logistics.planning.routing import (
    DroppedRequest,
    Request,
    RoutingNode,
    RoutingOptions,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    SolverStats,
    Visit,
    solve,
)
from logistics.planning.truck_legs import TruckLeg, truck_legs
from logistics.planning.truck_waves import subproblems

__all__ = ["TruckLeg", "route_trucks", "routing_problem", "truck_legs"]

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
NO_FIRST_SOLUTION = frozenset({"not_solved", "no_solution", "timeout"})


def _solve(args: tuple[RoutingProblem, RoutingOptions, float]) -> RoutingSolution:
    problem, options, deadline = args
    solution = solve(problem, options=options)
    if problem.requests and problem.vehicles and solution.stats.status in NO_FIRST_SOLUTION:
        # The time limit ran out before a first solution (a busy machine, a large region): try
        # once more with a longer limit rather than leave every shipment of the region unplanned.
        left = max(2 * options.time_limit_s, deadline - time.time())
        longer = replace(
            options, time_limit_s=min(left, max(FIRST_SOLUTION_RETRY_S, 2 * options.time_limit_s))
        )
        solution = solve(problem, options=longer)
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
        repaired = solve(problem, options=warm)
        if (len(repaired.dropped), repaired.total_cost) < (
            len(solution.dropped),
            solution.total_cost,
        ):
            solution = repaired
    return solution


def _sequences(solution: RoutingSolution) -> dict[str, tuple[str, ...]]:
    """A solution's routes as warm-start visit sequences."""
    return {
        route.vehicle_id: tuple(
            token
            for stop in route.stops
            for token in (
                *(f"P:{rid}" for rid in stop.pickups),
                *(f"D:{rid}" for rid in stop.drops),
            )
        )
        for route in solution.routes
    }


def _key(problem: RoutingProblem) -> Hashable:
    return (problem.requests, tuple(v.id for v in problem.vehicles))


def route_trucks(
    scenario: Scenario,
    net: Network,
    legs: Sequence[TruckLeg],
    *,
    time_limit_s: float,
    seed: int,
    workers: int,
    cache: dict[Hashable, RoutingSolution] | None = None,
) -> list[RoutingSolution]:
    """Solve every region's routing problem, in parallel worker processes when there are several.

    With a `cache` (one per planning run), a subproblem identical to one solved in an earlier
    round (same requests and windows, same shifts) reuses that solution instead of solving again.
    """
    cache = {} if cache is None else cache
    everything = [
        routing_problem(scenario, sub.depots, sub.legs, sub.vehicles)
        for sub in subproblems(scenario, net, legs)
    ]
    unrouted = {leg.request_id for leg in legs} - {r.id for p in everything for r in p.requests}
    reused = [cache[_key(p)] for p in everything if _key(p) in cache]
    problems = [p for p in everything if _key(p) not in cache]
    # The budget is for the whole stage: regions run `workers` at a time, each gets a share in
    # proportion to its number of requests (largest first, so the pool stays balanced).
    problems.sort(key=lambda p: -len(p.requests))
    lanes = max(1, min(workers, len(problems)))
    total = sum(len(p.requests) for p in problems) or 1
    # Retries after a subproblem's own limit stop at the stage's deadline (wall clock, shared
    # with the worker processes).
    deadline = time.time() + time_limit_s * DEADLINE_SLACK
    args = [
        (
            p,
            RoutingOptions(
                time_limit_s=max(
                    MIN_REGION_S, min(time_limit_s, time_limit_s * lanes * len(p.requests) / total)
                ),
                seed=seed,
            ),
            deadline,
        )
        for p in problems
    ]
    if workers > 1 and len(problems) > 1:
        with ProcessPoolExecutor(
            min(workers, len(problems)), mp_context=get_context("spawn")
        ) as pool:
            solutions = list(pool.map(_solve, args))
    else:
        solutions = [_solve(a) for a in args]
    for problem, solution in zip(problems, solutions, strict=True):
        cache[_key(problem)] = solution
    solutions += reused
    if unrouted:
        solutions.append(
            RoutingSolution(
                (),
                tuple(
                    DroppedRequest(r, "no_vehicle", "no depot near its pickup")
                    for r in sorted(unrouted)
                ),
                0.0,
                0,
                SolverStats("none", 0.0, 0.0, seed),
            )
        )
    return solutions
