"""One planner subproblem as a worker runs it: the search, a retry, a warm repair, by a deadline."""

from __future__ import annotations

import time
from dataclasses import replace

from logistics.planning.routing.engine import Report, solve_here
from logistics.planning.routing.model import RoutingOptions, RoutingProblem, RoutingSolution

FIRST_SOLUTION_RETRY_S = 20.0
REPAIR_S = 5.0
REPAIR_SHARE = 0.25
MIN_RETRY_S = 1.0  # no retry without a first solution when less than this is left
MIN_SEARCH_S = 0.1
SEARCH_MARGIN = 0.1  # of the time left: building the model and reading the routes
OWN_HORIZON = 1.5  # a subproblem's retries end by this many times its limit (plus 1 s)
NO_FIRST_SOLUTION = frozenset({"not_solved", "no_solution", "timeout"})


def solve_subproblem(
    problem: RoutingProblem,
    options: RoutingOptions,
    deadline: float,
    *,
    report: Report | None = None,
) -> RoutingSolution:
    """One subproblem in a worker: the search, a retry without a first solution, a warm repair;
    each within what is left before `deadline` (wall clock), where the watchdog stops it."""
    # Retries stop at this task's own horizon too, so they do not starve the tasks queued
    # behind it (the stage's deadline still stops everything).
    deadline = min(deadline, time.time() + OWN_HORIZON * options.time_limit_s + 1.0)
    solution = solve_here(problem, _within(options, deadline), report=report)
    left = deadline - time.time()
    if (
        problem.requests
        and problem.vehicles
        and solution.stats.status in NO_FIRST_SOLUTION
        and left > MIN_RETRY_S
    ):
        # The time limit ran out before a first solution (a busy machine, a large region): try
        # once more with a longer limit rather than leave every shipment of the region unplanned.
        longer = replace(
            options,
            time_limit_s=min(left, max(FIRST_SOLUTION_RETRY_S, 2 * options.time_limit_s)),
        )
        solution = solve_here(problem, _within(longer, deadline), report=report)
    left = deadline - time.time()
    if solution.routes and any(d.reason == "not_served" for d in solution.dropped) and left > 1:
        # A short limit (a busy machine, a small share of the budget) can stop the search before
        # it inserts every request: continue from this solution for longer before giving up, as
        # long as the stage's deadline allows.
        warm = replace(
            options,
            # (a quarter of what is left at most: a request no shift can take would hold the
            # search for all of it, and the planner's repair round needs that time more)
            time_limit_s=min(left * REPAIR_SHARE, max(REPAIR_S, 2 * options.time_limit_s)),
            initial_routes=sequences(solution),
        )
        repaired = solve_here(problem, _within(warm, deadline), report=report)
        if (len(repaired.dropped), repaired.total_cost) < (
            len(solution.dropped),
            solution.total_cost,
        ):
            solution = repaired
    return solution


def _within(options: RoutingOptions, deadline: float) -> RoutingOptions:
    """The options with a time limit that ends before `deadline` (some margin for the model)."""
    left = (deadline - time.time()) * (1 - SEARCH_MARGIN)
    return replace(options, time_limit_s=max(MIN_SEARCH_S, min(options.time_limit_s, left)))


def sequences(solution: RoutingSolution) -> dict[str, tuple[str, ...]]:
    """A solution's routes as warm-start visit sequences (at a stop, drops before pickups: the
    truck unloads before it loads, so the sequence keeps to its capacity)."""
    return {
        route.vehicle_id: tuple(
            token
            for stop in route.stops
            for token in (
                *(f"D:{rid}" for rid in stop.drops),
                *(f"P:{rid}" for rid in stop.pickups),
            )
        )
        for route in solution.routes
    }
