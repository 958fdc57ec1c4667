"""Small routing problems for tests, read from the JSON fixtures in `fixtures/routing/`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from logistics.planning.routing import (
    Request,
    RoutingNode,
    RoutingProblem,
    RoutingVehicle,
    Visit,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "routing"


def load_pdp(name: str) -> RoutingProblem:
    """A pickup-and-delivery fixture (sites on a line, one truck profile) as a routing problem."""
    data = json.loads((FIXTURES / name).read_text())
    epoch = datetime.fromisoformat(data["epoch"])
    names = [n for n, _ in data["nodes"]]
    index = {n: i for i, n in enumerate(names)}
    km = data["coords_km"]
    distance = tuple(tuple(abs(a - b) * 1000 for b in km) for a in km)
    minutes = tuple(tuple(abs(a - b) * 60 // data["speed_kmh"] for b in km) for a in km)

    def at(m: int) -> datetime:
        return epoch + timedelta(minutes=m)

    requests = tuple(
        Request(
            r["id"],
            Visit(index[r["pickup"][0]], at(r["pickup"][1]), at(r["pickup"][2])),
            Visit(index[r["delivery"][0]], at(r["delivery"][1]), at(r["delivery"][2])),
            r["kg"],
            r["m3"],
            frozenset(r["requirements"]),
            100_000.0,
        )
        for r in data["requests"]
    )
    vehicles = tuple(
        RoutingVehicle(
            v["id"],
            index[v["depot"]],
            index[v["depot"]],
            at(v["shift"][0]),
            at(v["shift"][1]),
            v["kg"],
            v["m3"],
            "truck",
            v["per_km"],
            v["per_hour"],
            v["fixed"],
            frozenset(v["capabilities"]),
        )
        for v in data["vehicles"]
    )
    nodes = tuple(RoutingNode(n, s) for n, s in data["nodes"])
    return RoutingProblem(nodes, distance, {"truck": minutes}, requests, vehicles, epoch)


def _visit(data: dict[str, str | int] | None) -> Visit | None:
    if data is None:
        return None
    return Visit(
        int(data["node"]),
        datetime.fromisoformat(str(data["earliest"])),
        datetime.fromisoformat(str(data["latest"])),
    )


def load_problem(name: str) -> RoutingProblem:
    """A routing problem stored field by field (as `RoutingProblem`, times ISO 8601)."""
    data = json.loads((FIXTURES / name).read_text())["problem"]
    at = datetime.fromisoformat
    return RoutingProblem(
        tuple(RoutingNode(n["location_id"], n["service_minutes"]) for n in data["nodes"]),
        tuple(tuple(row) for row in data["distance_m"]),
        {p: tuple(tuple(row) for row in m) for p, m in data["duration_min"].items()},
        tuple(
            Request(
                r["id"],
                _visit(r["pickup"]),
                _visit(r["delivery"]),
                r["weight_kg"],
                r["volume_m3"],
                frozenset(r["requirements"]),
                r["penalty"],
            )
            for r in data["requests"]
        ),
        tuple(
            RoutingVehicle(
                v["id"],
                v["start_node"],
                v["end_node"],
                at(v["shift_start"]),
                at(v["shift_end"]),
                v["capacity_kg"],
                v["capacity_m3"],
                v["profile"],
                v["cost_per_km"],
                v["cost_per_hour"],
                v["fixed_cost"],
                frozenset(v["capabilities"]),
            )
            for v in data["vehicles"]
        ),
        at(data["epoch"]),
    )
