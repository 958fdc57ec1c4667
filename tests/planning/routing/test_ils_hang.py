"""The ILS hang repro (one request, 16 shifts, 3 depots) returns with a checked solution."""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

import pytest

from logistics.planning.routing import RoutingOptions, RoutingSolution, solve
from logistics.planning.routing.engine import _build, layout, solve_here
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import load_problem

REPRO = "ils_hang_subproblem.json"
# The watchdog only keeps a regression from hanging the test run; it is not a speed target.
WATCHDOG_S = 120.0


def _solve_into(conn: Connection, name: str, search: str) -> None:
    """Run the search in this (child) process, unwatched, and send the solution back."""
    problem = load_problem(name)
    solution = solve_here(problem, RoutingOptions(time_limit_s=0.7, search=search))
    conn.send(solution)
    conn.close()


def _solve_watched(name: str, search: str) -> RoutingSolution | None:
    """The solution from a child process, or None if it had not returned by the watchdog."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_solve_into, args=(send, name, search), daemon=True)
    child.start()
    send.close()
    try:
        return receive.recv() if receive.poll(WATCHDOG_S) else None
    finally:
        child.kill()
        child.join()


def test_visits_take_the_lowest_solver_indices() -> None:
    """Every visit's solver index lies in 0 .. Size() - vehicles(), where OR-Tools' ruins pick."""
    problem = load_problem(REPRO)
    lay = layout(problem)
    manager, model, _, _ = _build(problem, lay, set())
    reach = model.Size() - model.vehicles()
    indices = [manager.NodeToIndex(n) for n, visit in enumerate(lay.is_visit) if visit]
    assert len(indices) == 2 * len(problem.requests)
    assert all(0 <= i <= reach for i in indices)
    assert all(not model.IsStart(i) for i in indices)


@pytest.mark.parametrize("search", ["ils", "gls"])
def test_repro_search_returns_by_itself(search: str) -> None:
    """The search that hung SolveWithIteratedLocalSearch now ends on its own, request served."""
    problem = load_problem(REPRO)
    solution = _solve_watched(REPRO, search)
    assert solution is not None, f"{search} did not return within the {WATCHDOG_S:g} s watchdog"
    assert violations(problem, solution) == []
    assert solution.dropped == ()
    assert [s for r in solution.routes for s in r.stops if s.pickups] != []


@pytest.mark.parametrize("search", ["ils", "portfolio", "gls"])
def test_repro_solved_through_the_engine(search: str) -> None:
    """Through `solve` (a watched worker) the repro is served, not stopped by the watchdog."""
    problem = load_problem(REPRO)
    solution = solve(problem, options=RoutingOptions(time_limit_s=0.7, search=search))
    assert violations(problem, solution) == []
    assert solution.dropped == ()
    assert solution.stats.status != "timeout"
