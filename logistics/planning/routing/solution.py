"""Turning an OR-Tools assignment into routes with stops, times, loads and costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from logistics.planning.routing.model import (
    DroppedRequest,
    Request,
    Route,
    RouteStop,
    RoutingProblem,
    RoutingSolution,
    SolverStats,
)


def _stop_groups(nodes: Sequence[int], locations: Sequence[int]) -> list[list[int]]:
    groups: list[list[int]] = []
    for node in nodes:
        if groups and locations[groups[-1][-1]] == locations[node]:
            groups[-1].append(node)
        else:
            groups.append([node])
    return groups


# One vehicle's route as the solver left it: the start minute and (solver node, service start
# minute) per visit; None for an unused vehicle. Plain integers, so a worker can send it.
RawRoute = tuple[int, tuple[tuple[int, int], ...]] | None


def read_routes(model: Any, manager: Any, time_dim: Any, assignment: Any) -> tuple[RawRoute, ...]:
    """Every vehicle's raw route in an assignment."""
    return _read(model, manager, time_dim, assignment.Value, assignment.Value, None)


class Unbound(Exception):
    """The search's current solution leaves a next variable open (no route to read)."""


def read_live_routes(model: Any, manager: Any, time_dim: Any) -> tuple[RawRoute, ...] | None:
    """Every vehicle's raw route in the search's current solution (from a solution callback).

    The ILS restores only the next variables of a recreated solution, so a service start may be
    a range: its least value is the earliest schedule along the route; the truck leaves its depot
    as late as that schedule allows (no wait before its first visit). None if a route is open.
    (Reading an unbound variable's Value() aborts the process, so every read is guarded.)"""

    def next_value(var: Any) -> int:
        if not var.Bound():
            raise Unbound
        return int(var.Value())

    def cumul_value(var: Any) -> int:
        return int(var.Value() if var.Bound() else var.Min())

    def start(k: int, first: int, first_min: int) -> int:
        var = time_dim.CumulVar(model.Start(k))
        if var.Bound():
            return int(var.Value())
        latest = first_min - time_dim.GetTransitValue(model.Start(k), first, k)
        return int(min(var.Max(), max(var.Min(), latest)))

    try:
        return _read(model, manager, time_dim, next_value, cumul_value, start)
    except Unbound:
        return None


def _read(
    model: Any, manager: Any, time_dim: Any, next_value: Any, value: Any, start: Any
) -> tuple[RawRoute, ...]:
    out: list[RawRoute] = []
    for k in range(model.vehicles()):
        index = next_value(model.NextVar(model.Start(k)))
        first = index
        visits: list[tuple[int, int]] = []
        while not model.IsEnd(index):
            visits.append((manager.IndexToNode(index), value(time_dim.CumulVar(index))))
            index = next_value(model.NextVar(index))
        if not visits:
            out.append(None)
            continue
        begin = (
            value(time_dim.CumulVar(model.Start(k)))
            if start is None
            else start(k, first, visits[0][1])
        )
        out.append((begin, tuple(visits)))
    return tuple(out)


def build_solution(
    problem: RoutingProblem,
    locations: Sequence[int],
    request_of: Mapping[int, Request],
    pickup_node: Mapping[str, int],
    raw: Sequence[RawRoute],
    dropped_early: Mapping[str, DroppedRequest],
    stats: SolverStats,
    unserved: DroppedRequest = DroppedRequest(
        "", "not_served", "no truck could serve it within its windows and the shifts"
    ),
) -> RoutingSolution:
    """Routes of the used vehicles (stops grouped by location), dropped requests and totals.

    A request on no route is dropped with its precheck reason, else `unserved`'s reason."""
    epoch = problem.epoch
    routes: list[Route] = []
    served: set[str] = set()
    total_cost = 0.0
    total_m = 0
    for vehicle, route in zip(problem.vehicles, raw, strict=True):
        if route is None:
            continue
        start_min, visits = route
        durations = problem.duration_min[vehicle.profile]
        start_at = epoch + timedelta(minutes=start_min)
        stops = [
            RouteStop(
                vehicle.start_node, problem.nodes[vehicle.start_node].location_id, None, start_at
            )
        ]
        load_kg = sum(request_of[n].weight_kg for n, _ in visits if request_of[n].pickup is None)
        load_m3 = sum(request_of[n].volume_m3 for n, _ in visits if request_of[n].pickup is None)
        depart_min, prev_loc, distance = start_min, vehicle.start_node, 0
        start_min_by_node = dict(visits)
        for group in _stop_groups([n for n, _ in visits], locations):
            loc = locations[group[0]]
            arrive = depart_min + durations[prev_loc][loc]
            distance += problem.distance_m[prev_loc][loc]
            pickups, drops = [], []
            for node in group:
                req = request_of[node]
                served.add(req.id)
                if pickup_node.get(req.id) == node:
                    pickups.append(req.id)
                    load_kg += req.weight_kg
                    load_m3 += req.volume_m3
                else:
                    drops.append(req.id)
                    load_kg -= req.weight_kg
                    load_m3 -= req.volume_m3
            depart_min = (
                max(start_min_by_node[n] for n in group) + problem.nodes[loc].service_minutes
            )
            stops.append(
                RouteStop(
                    loc,
                    problem.nodes[loc].location_id,
                    epoch + timedelta(minutes=arrive),
                    epoch + timedelta(minutes=depart_min),
                    tuple(pickups),
                    tuple(drops),
                    round(max(0.0, load_kg), 6),
                    round(max(0.0, load_m3), 6),
                )
            )
            prev_loc = loc
        end_min = depart_min + durations[prev_loc][vehicle.end_node]
        distance += problem.distance_m[prev_loc][vehicle.end_node]
        stops.append(
            RouteStop(
                vehicle.end_node,
                problem.nodes[vehicle.end_node].location_id,
                epoch + timedelta(minutes=end_min),
                None,
            )
        )
        cost = (
            vehicle.fixed_cost
            + vehicle.cost_per_km * distance / 1000
            + vehicle.cost_per_hour * (end_min - start_min) / 60
        )
        routes.append(
            Route(vehicle.id, tuple(stops), distance, end_min - start_min, round(cost, 4))
        )
        total_cost += cost
        total_m += distance
    dropped = [
        dropped_early.get(r.id, replace(unserved, request_id=r.id))
        for r in problem.requests
        if r.id not in served
    ]
    return RoutingSolution(tuple(routes), tuple(dropped), round(total_cost, 4), total_m, stats)
