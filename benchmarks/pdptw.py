"""Benchmark the routing engine on Li & Lim PDPTW instances (vehicles first, then distance).

    python benchmarks/pdptw.py [--time-limit SECONDS] [--workers N] [FILE.txt ...]

Without files, runs all 56 instances of ../shared/benchmarks/lilim. Distances are full-precision
Euclidean, carried as integer thousandths; a fixed cost per vehicle makes the engine minimise the
number of vehicles first, as the SINTEF tables do. Prints vehicles and distance against bks.csv.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from routing_instances import EPOCH, SHARED, read_bks

from logistics.planning.routing import (
    Request,
    RoutingNode,
    RoutingOptions,
    RoutingProblem,
    RoutingVehicle,
    Visit,
    solve,
)

SCALE = 1000  # engine units per instance unit (full precision to 0.001)
VEHICLE_COST = 1_000_000.0


def to_problem(path: Path) -> RoutingProblem:
    """Parse a Li & Lim file into pickup-and-delivery requests."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    vehicles_n, capacity = int(rows[0][0]), int(rows[0][1])
    tasks = [[float(x) for x in row] for row in rows[1:]]
    coords = [(t[1], t[2]) for t in tasks]
    n = len(tasks)
    dist = tuple(
        tuple(
            round(SCALE * math.hypot(coords[i][0] - coords[j][0], coords[i][1] - coords[j][1]))
            for j in range(n)
        )
        for i in range(n)
    )
    nodes = tuple(RoutingNode(str(int(t[0])), int(t[6] * SCALE)) for t in tasks)

    def at(x: float) -> timedelta:
        return timedelta(minutes=int(x * SCALE))

    requests = []
    for t in tasks[1:]:
        if t[3] > 0:
            d = tasks[int(t[8])]
            requests.append(
                Request(
                    f"{int(t[0])}-{int(d[0])}",
                    Visit(int(t[0]), EPOCH + at(t[4]), EPOCH + at(t[5])),
                    Visit(int(d[0]), EPOCH + at(d[4]), EPOCH + at(d[5])),
                    t[3],
                    0.0,
                )
            )
    end = EPOCH + at(tasks[0][5])
    fleet = tuple(
        RoutingVehicle(
            f"V{k + 1}",
            0,
            0,
            EPOCH,
            end,
            float(capacity),
            1.0,
            "unit",
            cost_per_km=1000.0 / SCALE * 1000,
            fixed_cost=VEHICLE_COST,
        )
        for k in range(vehicles_n)
    )
    return RoutingProblem(nodes, dist, {"unit": dist}, tuple(requests), fleet, EPOCH)


def main() -> int:
    """Run and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--search",
        choices=("portfolio", "ils", "gls"),
        default="portfolio",
        help="portfolio: ILS, then GLS from savings, one per worker (default); or one search alone",
    )
    args = parser.parse_args()
    folder = SHARED / "lilim"
    files = args.files or sorted(folder.glob("*.txt"))
    bks = read_bks(folder / "bks.csv")
    print(
        f"{'instance':<10}{'veh':>5}{'bks veh':>9}{'distance':>12}{'bks':>12}{'gap%':>8}{'sec':>7}  search"
    )
    gaps, infeasible, vehicle_gaps = [], [], []
    for path in files:
        started = time.monotonic()
        solution = solve(
            to_problem(path),
            options=RoutingOptions(
                time_limit_s=args.time_limit, workers=args.workers, search=args.search
            ),
        )
        seconds = time.monotonic() - started
        name = path.stem
        best = bks.get(name, (0, float("nan")))
        if solution.dropped:
            infeasible.append(name)
            print(
                f"{name:<10}{'-':>5}{best[0]:>9}{'infeasible':>12}{best[1]:>12.2f}{'-':>8}{seconds:>7.1f}"
            )
            continue
        distance = solution.total_distance_m / SCALE
        gap = (distance - best[1]) / best[1] * 100
        gaps.append(gap)
        vehicle_gaps.append(len(solution.routes) - best[0])
        print(
            f"{name:<10}{len(solution.routes):>5}{best[0]:>9}{distance:>12.2f}{best[1]:>12.2f}{gap:>8.2f}{seconds:>7.1f}  {solution.stats.strategy}",
            flush=True,
        )
    if gaps:
        print(
            f"feasible {len(gaps)}/{len(files)}; extra vehicles vs BKS: {sum(vehicle_gaps)} in total; "
            f"mean distance gap {sum(gaps) / len(gaps):.2f} %; infeasible: {', '.join(infeasible) or 'none'}"
        )
    return 0 if not infeasible else 1


if __name__ == "__main__":
    raise SystemExit(main())
