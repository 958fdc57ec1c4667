"""Benchmark the routing engine on Solomon / Gehring-Homberger VRPTW instances (DIMACS convention).

    python benchmarks/vrptw.py [--time-limit SECONDS] [--workers N] [--out DIR] [FILE.vrp ...]

Without files, runs all 56 Solomon instances. Prints instance, vehicles, distance, BKS, gap % and
seconds, then the mean gap; with --out writes each solution as DIR/NAME.sol (VRPLIB format).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from routing_instances import SHARED, UNITS, read_bks, read_vrp, to_problem

from logistics.planning.routing import RoutingOptions, solve


def main() -> int:
    """Run the benchmark and print the table."""
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
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    files = args.files or sorted((SHARED / "solomon").glob("*.vrp"))
    gaps: list[float] = []
    infeasible: list[str] = []
    print(f"{'instance':<10}{'veh':>5}{'distance':>12}{'bks':>12}{'gap%':>8}{'sec':>7}  search")
    for path in files:
        inst = read_vrp(path)
        bks = read_bks(path.parent / "bks_distance_only.csv").get(inst.name)
        started = time.monotonic()
        solution = solve(
            to_problem(inst),
            options=RoutingOptions(
                time_limit_s=args.time_limit, workers=args.workers, search=args.search
            ),
        )
        seconds = time.monotonic() - started
        distance = solution.total_distance_m / UNITS
        if solution.dropped:
            infeasible.append(inst.name)
            print(
                f"{inst.name:<10}{'-':>5}{'infeasible':>12}{bks[1] if bks else '-':>12}{'-':>8}{seconds:7.1f}  ({len(solution.dropped)} unserved)"
            )
            continue
        gap = (distance - bks[1]) / bks[1] * 100 if bks else float("nan")
        gaps.append(gap)
        print(
            f"{inst.name:<10}{len(solution.routes):>5}{distance:>12.1f}{bks[1] if bks else float('nan'):>12.1f}{gap:>8.2f}{seconds:>7.1f}  {solution.stats.strategy}",
            flush=True,
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            lines = [
                f"Route #{i + 1}: "
                + " ".join(c for stop in r.stops[1:-1] for c in [stop.location_id])
                for i, r in enumerate(solution.routes)
            ]
            (args.out / f"{inst.name}.sol").write_text(
                "\n".join([*lines, f"Cost {distance:.1f}"]) + "\n"
            )
    if gaps:
        print(
            f"mean gap {sum(gaps) / len(gaps):.2f} % over {len(gaps)} feasible instance(s); infeasible: {', '.join(infeasible) or 'none'}"
        )
    return 0 if not infeasible else 1


if __name__ == "__main__":
    raise SystemExit(main())
