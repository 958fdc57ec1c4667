"""Smoke test of the benchmark code paths: one Solomon and one Li & Lim instance, checked.

The instances are read from fixtures/benchmarks/ (copies of public instances), never from
outside the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

from logistics.planning.routing import RoutingOptions, solve
from tests.planning.routing.checker import violations

ROOT = Path(__file__).resolve().parents[3]
BENCHMARKS = ROOT / "benchmarks"
INSTANCES = ROOT / "fixtures" / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import pdptw  # noqa: E402
from routing_instances import UNITS, read_bks, read_vrp, to_problem  # noqa: E402


def test_solomon_c101_is_feasible_and_near_best_known() -> None:
    """C101 at 2 s: every customer served, checker-clean, within 5 % of the DIMACS BKS (a smoke test on a shared machine)."""
    path = INSTANCES / "solomon" / "C101.vrp"
    problem = to_problem(read_vrp(path))
    solution = solve(problem, options=RoutingOptions(time_limit_s=2))
    assert violations(problem, solution) == []
    assert not solution.dropped
    bks = read_bks(path.parent / "bks_distance_only.csv")["C101"][1]
    assert solution.total_distance_m / UNITS <= bks * 1.05


def test_li_lim_lc101_is_feasible() -> None:
    """lc101 at 2 s: every pair served on one truck, checker-clean."""
    problem = pdptw.to_problem(INSTANCES / "lilim" / "lc101.txt")
    solution = solve(problem, options=RoutingOptions(time_limit_s=2))
    assert violations(problem, solution) == []
    assert not solution.dropped
