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
