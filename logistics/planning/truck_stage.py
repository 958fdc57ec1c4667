"""Stage B: the truck legs of the chosen itineraries routed over the truck shifts, per region."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from multiprocessing import get_context

from logistics.domain import Scenario, Shipment, Vehicle
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


WAVE_GAP = timedelta(hours=6)  # shifts starting further apart than this are separate waves
WAVE_MARGIN = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Subproblem:
    """One independent routing problem: a region's depots, one wave of its shifts, its legs."""

    depots: frozenset[str]
    vehicles: tuple[Vehicle, ...]
    legs: tuple[TruckLeg, ...]


def _waves(vehicles: Sequence[Vehicle]) -> list[list[Vehicle]]:
    """Shifts grouped into waves (a day's shifts): a gap of WAVE_GAP between starts splits them."""
    waves: list[list[Vehicle]] = []
    for v in sorted(vehicles, key=lambda v: (v.available_from, v.id)):
        if waves and v.available_from - waves[-1][-1].available_from < WAVE_GAP:
            waves[-1].append(v)
        else:
            waves.append([v])
    return waves


def _wave_of(
    scenario: Scenario,
    net: Network,
    depots: set[str],
    leg: TruckLeg,
    waves: Sequence[Sequence[Vehicle]],
) -> int:
    """The first wave with a shift that can carry the shipment, load it when ready, drive it and
    get back to a depot in time (else the first whose suitable shift can at least drive it, else
    the first with any such shift, else the last)."""
    sh = leg.shipment
    drive = net.truck_minutes(leg.from_location, leg.to_location)
    back = min((net.truck_minutes(leg.to_location, d) for d in depots), default=0)
    full = (
        timedelta(minutes=drive + scenario.location_by_id[leg.to_location].service_minutes + back)
        + WAVE_MARGIN
    )
    suitable = [
        [
            v
            for v in wave
            if sh.fits(v.capabilities)
            and sh.weight_kg <= v.capacity_kg
            and sh.volume_m3 <= v.capacity_m3
        ]
        for wave in waves
    ]
    for need in (full, timedelta(minutes=drive)):
        for i, fleet in enumerate(suitable):
            if any(
                v.available_until >= leg.earliest + need and v.available_from <= leg.latest_drop
                for v in fleet
            ):
                return i
    return next((i for i, fleet in enumerate(suitable) if fleet), len(waves) - 1)


def subproblems(scenario: Scenario, net: Network, legs: Sequence[TruckLeg]) -> list[Subproblem]:
    """Split the truck legs by region (depots within reach) and by wave of shifts (time).

    A leg goes to the first wave of its region whose shifts end late enough to drive it after it
    is ready and start before its latest drop; a shift belongs to one wave only, so subproblems
    never share a truck. Legs no wave can take stay in the region's last wave (and are dropped
    there with a reason if no shift can serve them).
    """
    out: list[Subproblem] = []
    for depots, group in _components(net, legs):
        waves = _waves([v for v in scenario.vehicles if v.depot in depots])
        if not waves:
            out.append(Subproblem(frozenset(depots), (), tuple(group)))
            continue
        placed: list[list[TruckLeg]] = [[] for _ in waves]
        for leg in sorted(group, key=lambda leg: (leg.earliest, leg.request_id)):
            placed[_wave_of(scenario, net, depots, leg, waves)].append(leg)
        for wave, wave_legs in zip(waves, placed, strict=True):
            if wave_legs:
                out += _chunks(frozenset(depots), wave, wave_legs)
    return out


MAX_REQUESTS = 200  # larger subproblems find no first solution in a reasonable time


def _chunks(
    depots: frozenset[str], wave: Sequence[Vehicle], legs: Sequence[TruckLeg]
) -> list[Subproblem]:
    """A wave's legs in chunks of at most MAX_REQUESTS (legs from the same place together), each
    with a share of the wave's shifts in proportion to its legs (dealt round-robin, so every chunk
    gets a mix of depots and truck types)."""
    if len(legs) <= MAX_REQUESTS:
        return [Subproblem(depots, tuple(wave), tuple(legs))]
    ordered = sorted(legs, key=lambda leg: (leg.from_location, leg.to_location, leg.earliest))
    count = -(-len(ordered) // MAX_REQUESTS)
    size = -(-len(ordered) // count)
    groups = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    fleets: list[list[Vehicle]] = [[] for _ in groups]
    by_size = sorted(
        wave, key=lambda v: (-v.capacity_kg, -v.capacity_m3, v.depot, v.available_from, v.id)
    )
    for n, vehicle in enumerate(by_size):
        fleets[n % len(groups)].append(vehicle)
    return [
        Subproblem(depots, tuple(fleet), tuple(group))
        for fleet, group in zip(fleets, groups, strict=True)
    ]


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
NO_FIRST_SOLUTION = frozenset({"not_solved", "no_solution", "timeout"})


def _solve(args: tuple[RoutingProblem, RoutingOptions]) -> RoutingSolution:
    problem, options = args
    solution = solve(problem, options=options)
    if problem.requests and problem.vehicles and solution.stats.status in NO_FIRST_SOLUTION:
        # The time limit ran out before a first solution (a busy machine, a large region): try
        # once more with a longer limit rather than leave every shipment of the region unplanned.
        longer = replace(
            options, time_limit_s=max(FIRST_SOLUTION_RETRY_S, 2 * options.time_limit_s)
        )
        solution = solve(problem, options=longer)
    if solution.routes and any(d.reason == "not_served" for d in solution.dropped):
        # A short limit (a busy machine, a small share of the budget) can stop the search before
        # it inserts every request: continue from this solution for longer before giving up.
        warm = replace(
            options,
            time_limit_s=max(REPAIR_S, 2 * options.time_limit_s),
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
