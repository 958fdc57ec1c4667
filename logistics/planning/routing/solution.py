"""Turning an OR-Tools assignment into routes with stops, times, loads and costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def build_solution(
    problem: RoutingProblem,
    locations: Sequence[int],
    request_of: Mapping[int, Request],
    pickup_node: Mapping[str, int],
    manager: Any,
    model: Any,
    time_dim: Any,
    assignment: Any,
    dropped_early: Mapping[str, DroppedRequest],
    stats: SolverStats,
) -> RoutingSolution:
    """Routes of the used vehicles (stops grouped by location), dropped requests and totals."""
    epoch = problem.epoch
    routes: list[Route] = []
    served: set[str] = set()
    total_cost = 0.0
    total_m = 0
    for k, vehicle in enumerate(problem.vehicles):
        index = model.Start(k)
        start_min = assignment.Value(time_dim.CumulVar(index))
        visits: list[tuple[int, int]] = []  # (solver node, service start minute)
        index = assignment.Value(model.NextVar(index))
        while not model.IsEnd(index):
            node = manager.IndexToNode(index)
            visits.append((node, assignment.Value(time_dim.CumulVar(index))))
            index = assignment.Value(model.NextVar(index))
        if not visits:
            continue
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
        dropped_early.get(
            r.id,
            DroppedRequest(
                r.id, "not_served", "no truck could serve it within its windows and the shifts"
            ),
        )
        for r in problem.requests
        if r.id not in served
    ]
    return RoutingSolution(tuple(routes), tuple(dropped), round(total_cost, 4), total_m, stats)
