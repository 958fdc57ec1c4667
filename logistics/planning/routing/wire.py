"""Routing problems, options and solutions as JSON-ready dicts (and back), for other processes.

The shape mirrors the dataclasses of `model.py` field by field (as in
`fixtures/routing/ils_hang_subproblem.json`): times ISO 8601 with their offset, frozensets as
sorted lists, matrices as lists of lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from logistics.planning.routing.model import (
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

Json = dict[str, Any]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _visit(visit: Visit | None) -> Json | None:
    if visit is None:
        return None
    return {"node": visit.node, "earliest": _time(visit.earliest), "latest": _time(visit.latest)}


def _visit_from(data: Json | None) -> Visit | None:
    if data is None:
        return None
    return Visit(int(data["node"]), _at(data["earliest"]), _at(data["latest"]))


def problem_to_dict(problem: RoutingProblem) -> Json:
    """A routing problem as the fixtures store it."""
    return {
        "nodes": [
            {"location_id": n.location_id, "service_minutes": n.service_minutes}
            for n in problem.nodes
        ],
        "distance_m": [list(row) for row in problem.distance_m],
        "duration_min": {p: [list(row) for row in m] for p, m in problem.duration_min.items()},
        "requests": [
            {
                "id": r.id,
                "pickup": _visit(r.pickup),
                "delivery": _visit(r.delivery),
                "weight_kg": r.weight_kg,
                "volume_m3": r.volume_m3,
                "requirements": sorted(r.requirements),
                "penalty": r.penalty,
            }
            for r in problem.requests
        ],
        "vehicles": [
            {
                "id": v.id,
                "start_node": v.start_node,
                "end_node": v.end_node,
                "shift_start": _time(v.shift_start),
                "shift_end": _time(v.shift_end),
                "capacity_kg": v.capacity_kg,
                "capacity_m3": v.capacity_m3,
                "profile": v.profile,
                "cost_per_km": v.cost_per_km,
                "cost_per_hour": v.cost_per_hour,
                "fixed_cost": v.fixed_cost,
                "capabilities": sorted(v.capabilities),
            }
            for v in problem.vehicles
        ],
        "epoch": _time(problem.epoch),
    }


def problem_from_dict(data: Json) -> RoutingProblem:
    """The routing problem `problem_to_dict` wrote (or a fixture holds)."""
    return RoutingProblem(
        tuple(RoutingNode(n["location_id"], int(n["service_minutes"])) for n in data["nodes"]),
        tuple(tuple(int(x) for x in row) for row in data["distance_m"]),
        {
            p: tuple(tuple(int(x) for x in row) for row in m)
            for p, m in data["duration_min"].items()
        },
        tuple(
            Request(
                r["id"],
                _visit_from(r["pickup"]),
                _visit_from(r["delivery"]),
                float(r["weight_kg"]),
                float(r["volume_m3"]),
                frozenset(r["requirements"]),
                None if r["penalty"] is None else float(r["penalty"]),
            )
            for r in data["requests"]
        ),
        tuple(
            RoutingVehicle(
                v["id"],
                int(v["start_node"]),
                int(v["end_node"]),
                _at(v["shift_start"]),
                _at(v["shift_end"]),
                float(v["capacity_kg"]),
                float(v["capacity_m3"]),
                v["profile"],
                float(v["cost_per_km"]),
                float(v["cost_per_hour"]),
                float(v["fixed_cost"]),
                frozenset(v["capabilities"]),
            )
            for v in data["vehicles"]
        ),
        _at(data["epoch"]),
    )


def options_to_dict(options: RoutingOptions) -> Json:
    """Routing options (the warm start as lists)."""
    return {
        "time_limit_s": options.time_limit_s,
        "seed": options.seed,
        "workers": options.workers,
        "initial_routes": {v: list(seq) for v, seq in options.initial_routes.items()},
        "search": options.search,
        "deadline": options.deadline,
    }


def options_from_dict(data: Json) -> RoutingOptions:
    """The options `options_to_dict` wrote."""
    return RoutingOptions(
        time_limit_s=float(data["time_limit_s"]),
        seed=int(data["seed"]),
        workers=int(data["workers"]),
        initial_routes={v: tuple(seq) for v, seq in data["initial_routes"].items()},
        search=data["search"],
        deadline=None if data["deadline"] is None else float(data["deadline"]),
    )


def solution_to_dict(solution: RoutingSolution) -> Json:
    """A routing solution: routes with their stops, dropped requests, totals, statistics."""
    s = solution.stats
    return {
        "routes": [
            {
                "vehicle_id": r.vehicle_id,
                "stops": [
                    {
                        "node": st.node,
                        "location_id": st.location_id,
                        "arrive": _time(st.arrive),
                        "depart": _time(st.depart),
                        "pickups": list(st.pickups),
                        "drops": list(st.drops),
                        "load_kg": st.load_kg,
                        "load_m3": st.load_m3,
                    }
                    for st in r.stops
                ],
                "distance_m": r.distance_m,
                "duration_min": r.duration_min,
                "cost": r.cost,
            }
            for r in solution.routes
        ],
        "dropped": [
            {"request_id": d.request_id, "reason": d.reason, "detail": d.detail}
            for d in solution.dropped
        ],
        "total_cost": solution.total_cost,
        "total_distance_m": solution.total_distance_m,
        "stats": {
            "status": s.status,
            "time_s": s.time_s,
            "objective": s.objective,
            "seed": s.seed,
            "strategy": s.strategy,
            "iterations": s.iterations,
        },
    }


def solution_from_dict(data: Json) -> RoutingSolution:
    """The solution `solution_to_dict` wrote."""
    s = data["stats"]
    return RoutingSolution(
        tuple(
            Route(
                r["vehicle_id"],
                tuple(
                    RouteStop(
                        int(st["node"]),
                        st["location_id"],
                        _parse(st["arrive"]),
                        _parse(st["depart"]),
                        tuple(st["pickups"]),
                        tuple(st["drops"]),
                        float(st["load_kg"]),
                        float(st["load_m3"]),
                    )
                    for st in r["stops"]
                ),
                int(r["distance_m"]),
                int(r["duration_min"]),
                float(r["cost"]),
            )
            for r in data["routes"]
        ),
        tuple(DroppedRequest(d["request_id"], d["reason"], d["detail"]) for d in data["dropped"]),
        float(data["total_cost"]),
        int(data["total_distance_m"]),
        SolverStats(
            s["status"],
            float(s["time_s"]),
            float(s["objective"]),
            int(s["seed"]),
            s["strategy"],
            int(s["iterations"]),
        ),
    )
