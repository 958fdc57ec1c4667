"""Stage B: the truck legs of the chosen itineraries routed over the truck shifts, per region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from multiprocessing import get_context

from logistics.domain import Scenario, Shipment
from logistics.planning.itinerary_search import Itinerary, Network
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

LATE_SLACK = timedelta(hours=6)
DROP_PENALTY = 5_000_000.0


@dataclass(frozen=True, slots=True)
class TruckLeg:
    """One truck leg of a chosen itinerary, with its pickup and drop windows."""

    request_id: str
    shipment: Shipment
    leg_index: int
    from_location: str
    to_location: str
    earliest: datetime
    latest_drop: datetime


def truck_legs(scenario: Scenario, itineraries: Mapping[str, Itinerary]) -> list[TruckLeg]:
    """Every truck leg of the chosen itineraries with windows from ready times, cutoffs and due dates."""
    out: list[TruckLeg] = []
    for sid, it in itineraries.items():
        sh = scenario.shipment_by_id[sid]
        segs = it.segments
        for i, seg in enumerate(segs):
            if not seg.is_truck:
                continue
            if i == 0:
                earliest = sh.ready_at
            else:
                prev = segs[i - 1].service
                assert prev is not None
                earliest = prev.arrival + timedelta(
                    minutes=scenario.location_by_id[prev.destination].handling_minutes
                )
            if i + 1 < len(segs):
                nxt = segs[i + 1].service
                assert nxt is not None
                latest = nxt.cutoff - timedelta(
                    minutes=scenario.location_by_id[nxt.origin].service_minutes
                )
            else:
                latest = max(sh.due_at, it.delivered_at + LATE_SLACK)
            out.append(
                TruckLeg(f"{sid}#{i}", sh, i, seg.from_location, seg.to_location, earliest, latest)
            )
    return out


def _components(net: Network, legs: Sequence[TruckLeg]) -> list[tuple[set[str], list[TruckLeg]]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for leg in legs:
        depots = net.depots_near(leg.from_location)
        for d in depots[1:]:
            parent[find(d)] = find(depots[0])
        for d in depots:
            find(d)
    groups: dict[str, tuple[set[str], list[TruckLeg]]] = {}
    for depot in parent:
        groups.setdefault(find(depot), (set(), []))[0].add(depot)
    for leg in legs:
        depots = net.depots_near(leg.from_location)
        if depots:
            groups[find(depots[0])][1].append(leg)
    return [g for g in groups.values() if g[1]]


def routing_problem(
    scenario: Scenario, depots: set[str], legs: Sequence[TruckLeg]
) -> RoutingProblem:
    """The routing problem of one region: its depots' shifts and its truck legs."""
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
MIN_REGION_S = 1.0


def _solve(args: tuple[RoutingProblem, RoutingOptions]) -> RoutingSolution:
    problem, options = args
    solution = solve(problem, options=options)
    if problem.requests and not solution.routes:
        # The time limit ran out before a first solution (a busy machine, a large region): try
        # once more with a longer limit rather than leave every shipment of the region unplanned.
        longer = replace(
            options, time_limit_s=max(FIRST_SOLUTION_RETRY_S, 2 * options.time_limit_s)
        )
        solution = solve(problem, options=longer)
    return solution


def route_trucks(
    scenario: Scenario,
    net: Network,
    legs: Sequence[TruckLeg],
    *,
    time_limit_s: float,
    seed: int,
    workers: int,
) -> list[RoutingSolution]:
    """Solve every region's routing problem, in parallel worker processes when there are several."""
    problems = [
        routing_problem(scenario, depots, group) for depots, group in _components(net, legs)
    ]
    unrouted = {leg.request_id for leg in legs} - {r.id for p in problems for r in p.requests}
    # The budget is for the whole stage: regions run `workers` at a time, each gets a share in
    # proportion to its number of requests (largest first, so the pool stays balanced).
    problems.sort(key=lambda p: -len(p.requests))
    lanes = max(1, min(workers, len(problems)))
    total = sum(len(p.requests) for p in problems) or 1
    args = [
        (
            p,
            RoutingOptions(
                time_limit_s=max(
                    MIN_REGION_S, min(time_limit_s, time_limit_s * lanes * len(p.requests) / total)
                ),
                seed=seed,
            ),
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
