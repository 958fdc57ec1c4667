"""Reading VRPLIB VRPTW instances (Solomon, Gehring-Homberger) into the engine's routing problem.

DIMACS convention: every arc's distance and travel time is floor(10 * euclidean) / 10. The engine
works in integers, so one engine metre and one engine minute stand for 0.1 instance units.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logistics.planning.routing import Request, RoutingNode, RoutingProblem, RoutingVehicle, Visit

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
UNITS = 10  # engine units per instance unit


@dataclass(frozen=True, slots=True)
class Instance:
    """A parsed VRPTW instance."""

    name: str
    vehicles: int
    capacity: int
    coords: list[tuple[float, float]]
    demand: list[int]
    windows: list[tuple[int, int]]
    service: list[int]


def read_vrp(path: Path) -> Instance:
    """Parse a VRPLIB CVRPTW file."""
    lines = path.read_text().splitlines()
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped == "EOF":
            continue
        if stripped.endswith("_SECTION"):
            current = stripped
            sections[current] = []
        elif ":" in stripped and not current:
            key, _, value = stripped.partition(":")
            header[key.strip()] = value.strip()
        elif current:
            sections[current].append(stripped.split())
        else:
            key, _, value = stripped.partition(":")
            header[key.strip()] = value.strip()
    coords = [(float(r[1]), float(r[2])) for r in sections["NODE_COORD_SECTION"]]
    demand = [int(r[1]) for r in sections["DEMAND_SECTION"]]
    windows = [(int(float(r[1])), int(float(r[2]))) for r in sections["TIME_WINDOW_SECTION"]]
    if "SERVICE_TIME_SECTION" in sections:
        service = [int(float(r[1])) for r in sections["SERVICE_TIME_SECTION"]]
    else:
        service = [0] + [int(float(header.get("SERVICE_TIME", "0")))] * (len(coords) - 1)
    return Instance(
        path.stem,
        int(header.get("VEHICLES", len(coords))),
        int(header["CAPACITY"]),
        coords,
        demand,
        windows,
        service,
    )


def dimacs(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Arc length in engine units: floor(10 * euclidean)."""
    return math.floor(10 * math.hypot(a[0] - b[0], a[1] - b[1]) + 1e-9)


def to_problem(inst: Instance) -> RoutingProblem:
    """The instance as a routing problem: delivery-only requests loaded at the depot."""
    n = len(inst.coords)
    matrix = tuple(
        tuple(dimacs(inst.coords[i], inst.coords[j]) for j in range(n)) for i in range(n)
    )
    nodes = tuple(RoutingNode(str(i), inst.service[i] * UNITS) for i in range(n))
    requests = tuple(
        Request(
            str(i),
            None,
            Visit(
                i,
                EPOCH + timedelta(minutes=inst.windows[i][0] * UNITS),
                EPOCH + timedelta(minutes=inst.windows[i][1] * UNITS),
            ),
            float(inst.demand[i]),
            0.0,
        )
        for i in range(1, n)
    )
    depot_end = EPOCH + timedelta(minutes=inst.windows[0][1] * UNITS)
    vehicles = tuple(
        RoutingVehicle(
            f"V{k + 1}",
            0,
            0,
            EPOCH,
            depot_end,
            float(inst.capacity),
            1.0,
            "unit",
            cost_per_km=1000.0,
        )
        for k in range(inst.vehicles)
    )
    return RoutingProblem(nodes, matrix, {"unit": matrix}, requests, vehicles, EPOCH)


def read_bks(path: Path) -> dict[str, tuple[int, float]]:
    """Best known solutions: instance -> (vehicles, distance)."""
    with path.open() as handle:
        return {
            row["instance"]: (int(row["vehicles"]), float(row["distance"]))
            for row in csv.DictReader(handle)
        }
