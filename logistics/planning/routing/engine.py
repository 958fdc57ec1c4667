"""The truck routing engine: pickup and delivery with time windows on OR-Tools (pywrapcp).

Model: solver nodes are the problem's location nodes (used as depots) followed by one node per
visit. Transit between two visits at the same location is zero, so a stop pays its location's
service minutes once; otherwise transit = service minutes at the origin visit + travel minutes.
Time cumuls are service starts; windows constrain them. Two capacity dimensions (kg, cm3/10).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from logistics.planning.routing import watchdog
from logistics.planning.routing.model import (
    DroppedRequest,
    Request,
    RoutingOptions,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    SolverStats,
)
from logistics.planning.routing.search_parameters import mean_arc_cost, parameters
from logistics.planning.routing.solution import (
    RawRoute,
    build_solution,
    read_live_routes,
    read_routes,
)

M3_SCALE = 100  # capacity in hundredths of a cubic metre
COST_SCALE = 100  # objective in hundredths of a currency unit
DEFAULT_PENALTY = 10_000_000.0
# A search's worker is killed this long after its own time limit (OR-Tools may pass its limit by
# a little, e.g. while building a first solution): the larger of these.
WATCHDOG_MIN_GRACE_S = 2.0
WATCHDOG_GRACE = 0.2


@dataclass(frozen=True, slots=True)
class Layout:
    """Solver node layout: which location each solver node is, and each request's visit nodes."""

    locations: tuple[int, ...]
    is_visit: tuple[bool, ...]
    depot_index: dict[int, int]
    pickup_node: dict[str, int]
    delivery_node: dict[str, int]
    request_of: dict[int, Request]


def layout(problem: RoutingProblem) -> Layout:
    """Lay out solver nodes: one node per visit first, then the vehicles' depot nodes.

    The order matters to OR-Tools' ruin-and-recreate ILS (9.15, routing/ils.cc): its ruins pick
    a seed visit uniformly among solver indices 0 .. Size() - vehicles() and retry until the pick
    is a performed visit. That range is the visits only when they take the lowest indices; with
    the depots first it missed the last visits (never ruined), and with more depots than visits
    it held no visit at all, so the retry loop never ended (no limit is checked inside a ruin).
    """
    depots = sorted(
        {v.start_node for v in problem.vehicles} | {v.end_node for v in problem.vehicles}
    )
    locations: list[int] = []
    is_visit: list[bool] = []
    pickup: dict[str, int] = {}
    delivery: dict[str, int] = {}
    owner: dict[int, Request] = {}
    for req in problem.requests:
        for visit, table in ((req.pickup, pickup), (req.delivery, delivery)):
            if visit is None:
                continue
            table[req.id] = len(locations)
            owner[len(locations)] = req
            locations.append(visit.node)
            is_visit.append(True)
    depot_index = {node: len(locations) + i for i, node in enumerate(depots)}
    locations.extend(depots)
    is_visit.extend([False] * len(depots))
    return Layout(tuple(locations), tuple(is_visit), depot_index, pickup, delivery, owner)


def minutes(problem: RoutingProblem, when: object) -> int:
    """Whole minutes from the problem's epoch."""
    assert hasattr(when, "__sub__")
    return int((when - problem.epoch).total_seconds() // 60)


def _precheck(problem: RoutingProblem) -> dict[str, DroppedRequest]:
    out: dict[str, DroppedRequest] = {}
    for req in problem.requests:
        able = [v for v in problem.vehicles if req.requirements <= v.capabilities]
        if not able:
            out[req.id] = DroppedRequest(
                req.id, "no_vehicle", f"no truck has {sorted(req.requirements)}"
            )
        elif not any(
            req.weight_kg <= v.capacity_kg and req.volume_m3 <= v.capacity_m3 for v in able
        ):
            out[req.id] = DroppedRequest(req.id, "capacity", "larger than every suitable truck")
    return out


def _transit_matrix(problem: RoutingProblem, lay: Layout, profile: str) -> list[list[int]]:
    durations = problem.duration_min[profile]
    service = [n.service_minutes for n in problem.nodes]
    n = len(lay.locations)
    matrix = [[0] * n for _ in range(n)]
    for i in range(n):
        li = lay.locations[i]
        out_service = service[li] if lay.is_visit[i] else 0
        row = matrix[i]
        for j in range(n):
            lj = lay.locations[j]
            if i == j or (li == lj and lay.is_visit[i] and lay.is_visit[j]):
                continue
            row[j] = out_service + durations[li][lj]
    return matrix


def _arc_cost_matrix(problem: RoutingProblem, lay: Layout, cost_per_km: float) -> list[list[int]]:
    factor = cost_per_km / 1000.0 * COST_SCALE
    d = problem.distance_m
    locs = lay.locations
    return [[round(d[a][b] * factor) for b in locs] for a in locs]


def _demand(lay: Layout, problem: RoutingProblem, scale: float, attr: str) -> list[int]:
    demand = [0] * len(lay.locations)
    for req in problem.requests:
        amount = math.ceil(getattr(req, attr) * scale - 1e-9)
        if req.id in lay.pickup_node:
            demand[lay.pickup_node[req.id]] = amount
            if req.id in lay.delivery_node:
                demand[lay.delivery_node[req.id]] = -amount
        elif req.id in lay.delivery_node:
            demand[lay.delivery_node[req.id]] = amount  # loaded at the depot: counts like a pickup
    return demand


def _horizon(problem: RoutingProblem) -> int:
    ends = [minutes(problem, v.shift_end) for v in problem.vehicles] or [0]
    return max(ends) + 1


def _build(
    problem: RoutingProblem, lay: Layout, skip: set[str]
) -> tuple[
    pywrapcp.RoutingIndexManager,
    pywrapcp.RoutingModel,
    pywrapcp.RoutingDimension,
    list[list[list[int]]],
]:
    vehicles = problem.vehicles
    manager = pywrapcp.RoutingIndexManager(
        len(lay.locations),
        len(vehicles),
        [lay.depot_index[v.start_node] for v in vehicles],
        [lay.depot_index[v.end_node] for v in vehicles],
    )
    model = pywrapcp.RoutingModel(manager)
    arc_callbacks: dict[float, int] = {}
    arc_matrices: list[list[list[int]]] = []
    for k, v in enumerate(vehicles):
        if v.cost_per_km not in arc_callbacks:
            arc_matrices.append(_arc_cost_matrix(problem, lay, v.cost_per_km))
            arc_callbacks[v.cost_per_km] = model.RegisterTransitMatrix(arc_matrices[-1])
        model.SetArcCostEvaluatorOfVehicle(arc_callbacks[v.cost_per_km], k)
        model.SetFixedCostOfVehicle(round(v.fixed_cost * COST_SCALE), k)
    time_callbacks = {
        p: model.RegisterTransitMatrix(_transit_matrix(problem, lay, p))
        for p in {v.profile for v in vehicles}
    }
    horizon = _horizon(problem)
    model.AddDimensionWithVehicleTransits(
        [time_callbacks[v.profile] for v in vehicles], horizon, horizon, False, "time"
    )
    time_dim = model.GetDimensionOrDie("time")
    for k, v in enumerate(vehicles):
        time_dim.CumulVar(model.Start(k)).SetRange(max(0, minutes(problem, v.shift_start)), horizon)
        time_dim.CumulVar(model.End(k)).SetRange(0, minutes(problem, v.shift_end))
        time_dim.SetSpanCostCoefficientForVehicle(round(v.cost_per_hour * COST_SCALE / 60), k)
    for attr, scale, caps in (
        ("weight_kg", 1.0, [int(v.capacity_kg) for v in vehicles]),
        ("volume_m3", M3_SCALE, [int(v.capacity_m3 * M3_SCALE) for v in vehicles]),
    ):
        demand = _demand(lay, problem, scale, attr)
        if not any(demand):
            continue  # an unused capacity (e.g. no volumes given) only slows propagation
        cb = model.RegisterUnaryTransitVector(demand)
        model.AddDimensionWithVehicleCapacity(cb, 0, caps, True, attr)
    solver = model.solver()
    for req in problem.requests:
        nodes = [lay.pickup_node.get(req.id), lay.delivery_node.get(req.id)]
        indices = [manager.NodeToIndex(n) for n in nodes if n is not None]
        for n, visit in ((nodes[0], req.pickup), (nodes[1], req.delivery)):
            if n is None or visit is None or req.id in skip:
                continue
            time_dim.CumulVar(manager.NodeToIndex(n)).SetRange(
                min(horizon, max(0, minutes(problem, visit.earliest))),
                min(horizon, max(0, minutes(problem, visit.latest))),
            )
        if len(indices) == 2:
            p, d = indices
            model.AddPickupAndDelivery(p, d)
            solver.Add(model.VehicleVar(p) == model.VehicleVar(d))
            solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        allowed = [k for k, v in enumerate(vehicles) if _fits(req, v)]
        for index in indices:
            model.VehicleVar(index).SetValues([-1, *allowed])
            if req.id in skip:
                model.ActiveVar(index).SetValue(0)
        penalty = DEFAULT_PENALTY if req.penalty is None else req.penalty
        if len(indices) == 2:
            model.AddDisjunction(indices, round(penalty * COST_SCALE), 2)
        else:
            model.AddDisjunction(indices, round(penalty * COST_SCALE))
    for k in range(len(vehicles)):
        model.AddVariableMaximizedByFinalizer(time_dim.CumulVar(model.Start(k)))
        model.AddVariableMinimizedByFinalizer(time_dim.CumulVar(model.End(k)))
    return manager, model, time_dim, arc_matrices


def _fits(req: Request, v: RoutingVehicle) -> bool:
    return (
        req.requirements <= v.capabilities
        and req.weight_kg <= v.capacity_kg
        and req.volume_m3 <= v.capacity_m3
    )


# What each worker runs: ruin-and-recreate ILS first (the stronger search on tight windows), then
# guided local search from savings (better on some wide-window instances); the best result wins.
PORTFOLIO = (
    ("ils", routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION),
    ("gls", routing_enums_pb2.FirstSolutionStrategy.SAVINGS),
    ("gls", routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION),
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The best solution a search has found so far, as a worker streams it to its parent."""

    objective: int
    routes: tuple[RawRoute, ...]
    label: str
    started: float  # wall clock (time.time()) when the solve began


Report = Callable[[Snapshot], None]


def _watch(
    model: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    time_dim: pywrapcp.RoutingDimension,
    label: str,
    report: Report,
) -> None:
    """Report every improving solution the search finds (through a solution callback)."""
    best = [math.inf]
    started = time.time()

    def improved() -> None:
        # (In a recreated ILS solution the cost may be a range: its least value ranks it.)
        cost = model.CostVar()
        objective = cost.Value() if cost.Bound() else cost.Min()
        if objective < best[0]:
            routes = read_live_routes(model, manager, time_dim)
            if routes is not None:
                best[0] = objective
                report(Snapshot(objective, routes, label, started))

    model.AddAtSolutionCallback(improved)


def _solve_once(
    problem: RoutingProblem,
    options: RoutingOptions,
    search: str,
    strategy: int,
    report: Report | None = None,
) -> RoutingSolution:
    started = time.monotonic()
    lay = layout(problem)
    dropped_early = _precheck(problem)
    manager, model, time_dim, arc_matrices = _build(problem, lay, set(dropped_early))
    mean_arc = mean_arc_cost(arc_matrices)
    assignment = None
    label = f"{search}+{_name(strategy)}"
    visits = sum(lay.is_visit)
    if options.initial_routes:
        routes = _initial_routes(problem, lay, manager, options)
        initial = model.ReadAssignmentFromRoutes(routes, True)
        if initial is not None:
            # OR-Tools' ILS cannot start from a given assignment: a warm start improves it by GLS.
            label = "gls+warm_start"
            if report is not None:
                _watch(model, manager, time_dim, label, report)
            assignment = model.SolveFromAssignmentWithParameters(
                initial,
                parameters(
                    "gls",
                    options.time_limit_s,
                    first_solution=strategy,
                    mean_arc=mean_arc,
                    visits=visits,
                ),
            )
        else:
            # The routes are not feasible here (a stale warm start). Reading them closed the model
            # with default parameters, which a cold solve on it would keep (no time limit): build
            # it again.
            manager, model, time_dim, arc_matrices = _build(problem, lay, set(dropped_early))
    if assignment is None:
        params = parameters(
            search,
            options.time_limit_s,
            first_solution=strategy,
            mean_arc=mean_arc,
            visits=visits,
        )
        if report is not None:
            _watch(model, manager, time_dim, label, report)
        if search == "ils":
            assignment = model.SolveWithIteratedLocalSearch(params)
        else:
            assignment = model.SolveWithParameters(params)
    status = STATUS_NAMES.get(model.status(), str(model.status()))
    if assignment is not None and status == "not_solved":
        status = "feasible"  # the ILS reports NOT_SOLVED when its solution limit stops it
    if assignment is None:
        empty = SolverStats(status, time.monotonic() - started, 0.0, options.seed, label)
        dropped = [
            dropped_early.get(r.id, DroppedRequest(r.id, "not_served", "no solution found"))
            for r in problem.requests
        ]
        return RoutingSolution((), tuple(dropped), 0.0, 0, empty)
    return build_solution(
        problem,
        lay.locations,
        lay.request_of,
        lay.pickup_node,
        read_routes(model, manager, time_dim, assignment),
        dropped_early,
        SolverStats(
            status,
            time.monotonic() - started,
            assignment.ObjectiveValue() / COST_SCALE,
            options.seed,
            label,
        ),
    )


TIMED_OUT = DroppedRequest(
    "", "timeout", "the routing search was stopped at its deadline before it served this request"
)


def from_snapshot(
    problem: RoutingProblem, options: RoutingOptions, snapshot: Snapshot | None
) -> RoutingSolution:
    """The solution of a search stopped at its deadline: its last snapshot, the rest dropped as
    `timeout` (status "timeout"; no snapshot: every request dropped so)."""
    lay = layout(problem)
    seconds = time.time() - snapshot.started if snapshot else 0.0
    stats = SolverStats(
        "timeout",
        seconds,
        snapshot.objective / COST_SCALE if snapshot else 0.0,
        options.seed,
        snapshot.label if snapshot else "",
    )
    raw = snapshot.routes if snapshot else (None,) * len(problem.vehicles)
    return build_solution(
        problem,
        lay.locations,
        lay.request_of,
        lay.pickup_node,
        raw,
        _precheck(problem),
        stats,
        TIMED_OUT,
    )


# routing_enums_pb2.RoutingSearchStatus: 2 is a solution found when a limit stopped the search.
STATUS_NAMES = {
    routing_enums_pb2.RoutingSearchStatus.ROUTING_NOT_SOLVED: "not_solved",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_SUCCESS: "feasible",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED: "feasible",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_FAIL: "no_solution",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_FAIL_TIMEOUT: "timeout",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_INVALID: "invalid",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_INFEASIBLE: "infeasible",
    routing_enums_pb2.RoutingSearchStatus.ROUTING_OPTIMAL: "optimal",
}


def _name(strategy: int) -> str:
    return str(routing_enums_pb2.FirstSolutionStrategy.Value.Name(strategy))


def _initial_routes(
    problem: RoutingProblem,
    lay: Layout,
    manager: pywrapcp.RoutingIndexManager,
    options: RoutingOptions,
) -> list[list[int]]:
    routes: list[list[int]] = []
    for v in problem.vehicles:
        seq = options.initial_routes.get(v.id, ())
        route = []
        for token in seq:
            kind, _, rid = token.partition(":")
            node = (lay.pickup_node if kind == "P" else lay.delivery_node).get(rid)
            if node is not None:
                route.append(manager.NodeToIndex(node))
        routes.append(route)
    return routes


def _trivial(problem: RoutingProblem, options: RoutingOptions) -> RoutingSolution | None:
    """The solution of a problem OR-Tools is not needed for (no requests, or no vehicles)."""
    if not problem.requests:
        return RoutingSolution((), (), 0.0, 0, SolverStats("optimal", 0.0, 0.0, options.seed))
    if not problem.vehicles:
        # (OR-Tools cannot build a model without vehicles: it crashes the process.)
        dropped = tuple(
            DroppedRequest(r.id, "no_vehicle", "no truck shift to serve it")
            for r in problem.requests
        )
        return RoutingSolution((), dropped, 0.0, 0, SolverStats("none", 0.0, 0.0, options.seed))
    return None


def solve_here(
    problem: RoutingProblem, options: RoutingOptions, *, report: Report | None = None
) -> RoutingSolution:
    """One search (`options.search`, or the portfolio's first) in this process, reporting its
    improving solutions to `report`. Cannot be stopped before its own limits: call it in a worker
    (`solve`, or a `watchdog.Task`)."""
    trivial = _trivial(problem, options)
    if trivial is not None:
        return trivial
    if options.search == "portfolio":
        return _solve_once(problem, options, *PORTFOLIO[0], report)
    alone = next(entry for entry in PORTFOLIO if entry[0] == options.search)
    return _solve_once(problem, options, *alone, report)


def _solve_strategy(
    problem: RoutingProblem,
    options: RoutingOptions,
    search: str,
    strategy: int,
    *,
    report: Report | None = None,
) -> RoutingSolution:
    return _solve_once(problem, options, search, strategy, report)


def watchdog_grace(time_limit_s: float) -> float:
    """How long past its own limit a search may run before its worker is killed."""
    return max(WATCHDOG_MIN_GRACE_S, WATCHDOG_GRACE * time_limit_s)


def solve(problem: RoutingProblem, *, options: RoutingOptions) -> RoutingSolution:
    """Route the trucks in worker processes (several searches with `workers` > 1; the best wins).

    Each search is killed at `options.deadline` (wall clock), or its time limit plus a grace;
    a killed search gives its best solution so far, the requests it had not served dropped as
    `timeout`."""
    trivial = _trivial(problem, options)
    if trivial is not None:
        return trivial
    if options.search != "portfolio":
        portfolio = tuple(entry for entry in PORTFOLIO if entry[0] == options.search)[:1]
    else:
        portfolio = PORTFOLIO[: max(1, min(options.workers, len(PORTFOLIO)))]
    kill_at = (
        options.deadline
        if options.deadline is not None
        else time.time() + options.time_limit_s + watchdog_grace(options.time_limit_s)
    )
    tasks = [
        watchdog.Task(
            _solve_strategy,
            (problem, options, search, strategy),
            kill_at,
            partial(from_snapshot, problem, options),
        )
        for search, strategy in portfolio
    ]
    results: list[RoutingSolution] = watchdog.run(tasks, len(tasks))
    return min(results, key=lambda r: (len(r.dropped), r.total_cost))
