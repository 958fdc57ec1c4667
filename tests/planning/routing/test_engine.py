"""The routing engine returns routes that pass an independent checker, optimal on small cases."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.planning.routing import (
    RoutingOptions,
    RoutingProblem,
    Visit,
    solve,
)
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import load_pdp

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "routing"


def small_problem() -> RoutingProblem:
    """The small pickup-and-delivery fixture as a routing problem."""
    return load_pdp("small_pdp.json")


def brute_force_optimum(problem: RoutingProblem) -> float:
    """Least fixed + per-km cost over every assignment and visit order (no time windows bind)."""
    reqs = problem.requests
    best = float("inf")
    for owners in itertools.product(range(len(problem.vehicles)), repeat=len(reqs)):
        total = 0.0
        for k, v in enumerate(problem.vehicles):
            mine = [r for r, o in zip(reqs, owners, strict=True) if o == k]
            if not mine:
                continue
            if any(not r.requirements <= v.capabilities for r in mine):
                total = float("inf")
                break
            tokens = [(r, "P") for r in mine] + [(r, "D") for r in mine]
            route_best = float("inf")
            for order in itertools.permutations(tokens):
                seen: set[str] = set()
                load, ok, node, km = 0.0, True, v.start_node, 0.0
                for r, kind in order:
                    if kind == "D" and r.id not in seen:
                        ok = False
                        break
                    seen.add(r.id)
                    load += r.weight_kg if kind == "P" else -r.weight_kg
                    if load > v.capacity_kg:
                        ok = False
                        break
                    target = (r.pickup if kind == "P" else r.delivery).node  # type: ignore[union-attr]
                    km += problem.distance_m[node][target] / 1000
                    node = target
                if ok:
                    km += problem.distance_m[node][v.end_node] / 1000
                    route_best = min(route_best, km * v.cost_per_km)
            total += v.fixed_cost + route_best
        best = min(best, total)
    return best


@pytest.mark.parametrize("search", ["portfolio", "ils", "gls"])
def test_small_instance_solved_to_the_enumerated_optimum(search: str) -> None:
    """Each search reaches the brute-force optimum, and the checker finds nothing."""
    problem = small_problem()
    solution = solve(problem, options=RoutingOptions(time_limit_s=2, search=search))
    assert violations(problem, solution) == []
    assert not solution.dropped
    assert solution.total_cost == pytest.approx(brute_force_optimum(problem), abs=0.01)


def test_requirements_restrict_vehicles() -> None:
    """The dg request rides only on the dg truck."""
    problem = small_problem()
    solution = solve(problem, options=RoutingOptions(time_limit_s=1))
    carrier = next(r.vehicle_id for r in solution.routes for s in r.stops if "R3" in s.pickups)
    assert carrier == "T2"


@pytest.mark.parametrize("search", ["ils", "gls"])
def test_impossible_requests_are_dropped_with_reasons(search: str) -> None:
    """A request no truck may carry, one too heavy, and one outside every shift are dropped."""
    problem = small_problem()
    base = problem.requests[0]
    late = Visit(
        base.pickup.node,
        base.pickup.earliest + timedelta(days=3),
        base.pickup.latest + timedelta(days=3),
    )  # type: ignore[union-attr]
    extra = (
        replace(base, id="REEFER", requirements=frozenset({"reefer"})),
        replace(base, id="HEAVY", weight_kg=50_000.0),
        replace(
            base,
            id="LATE",
            pickup=late,
            delivery=Visit(base.delivery.node, late.earliest, late.latest),
        ),  # type: ignore[union-attr]
    )
    problem = replace(problem, requests=problem.requests + extra)
    solution = solve(problem, options=RoutingOptions(time_limit_s=1, search=search))
    reasons = {d.request_id: d.reason for d in solution.dropped}
    assert reasons == {"REEFER": "no_vehicle", "HEAVY": "capacity", "LATE": "not_served"}
    assert violations(problem, solution) == []


def test_a_problem_without_vehicles_drops_every_request() -> None:
    """No truck shift at all (a repair round's region with every shift taken): every request is
    dropped as no_vehicle, where OR-Tools itself would crash the process."""
    problem = replace(small_problem(), vehicles=())
    solution = solve(problem, options=RoutingOptions(time_limit_s=1))
    assert solution.routes == ()
    assert {d.request_id: d.reason for d in solution.dropped} == {
        r.id: "no_vehicle" for r in problem.requests
    }


def test_time_windows_and_service_times_hold_under_pressure() -> None:
    """Tight delivery windows and per-hour costs still give checker-clean routes."""
    problem = small_problem()
    tight = tuple(
        replace(
            r, delivery=replace(r.delivery, latest=r.delivery.earliest + timedelta(minutes=150))
        )  # type: ignore[arg-type]
        for r in problem.requests
    )
    vehicles = tuple(replace(v, cost_per_hour=60.0) for v in problem.vehicles)
    problem = replace(problem, requests=tight, vehicles=vehicles)
    solution = solve(problem, options=RoutingOptions(time_limit_s=1))
    assert violations(problem, solution) == []


def test_warm_start_from_given_routes() -> None:
    """Initial routes are accepted and the result is still checker-clean."""
    problem = small_problem()
    initial = {"T2": ("P:R3", "P:R1", "D:R3", "D:R1"), "T1": ("P:R2", "D:R2")}
    solution = solve(problem, options=RoutingOptions(time_limit_s=1, initial_routes=initial))
    assert violations(problem, solution) == [] and not solution.dropped


def test_same_seed_same_routes() -> None:
    """Two runs with the same seed and limit give the same cost."""
    problem = small_problem()
    a = solve(problem, options=RoutingOptions(time_limit_s=1, seed=3))
    b = solve(problem, options=RoutingOptions(time_limit_s=1, seed=3))
    assert a.total_cost == b.total_cost


def test_warm_start_reports_the_search_it_used() -> None:
    """A warm start is improved by guided local search (OR-Tools' ILS cannot start from routes)."""
    problem = small_problem()
    initial = {"T2": ("P:R3", "D:R3"), "T1": ("P:R2", "D:R2", "P:R1", "D:R1")}
    solution = solve(problem, options=RoutingOptions(time_limit_s=1, initial_routes=initial))
    assert solution.stats.strategy == "gls+warm_start"
    assert violations(problem, solution) == [] and not solution.dropped


def test_a_warm_start_that_does_not_fit_is_ignored() -> None:
    """Routes that break the model (a drop before its pickup; the dg request on the truck without
    dg) are not used: the cold search runs on a fresh model and serves everything."""
    problem = small_problem()
    initial = {"T1": ("D:R1", "P:R1", "P:R3", "D:R3")}
    solution = solve(
        problem, options=RoutingOptions(time_limit_s=1, search="ils", initial_routes=initial)
    )
    assert solution.stats.strategy.startswith("ils+")
    assert violations(problem, solution) == [] and not solution.dropped


def test_two_workers_keep_the_better_of_ils_and_gls() -> None:
    """With two workers the result is never worse than either search alone at the same limit."""
    problem = small_problem()
    both = solve(problem, options=RoutingOptions(time_limit_s=1, workers=2))
    alone = [
        solve(problem, options=RoutingOptions(time_limit_s=1, search=s)) for s in ("ils", "gls")
    ]
    assert violations(problem, both) == []
    assert both.total_cost <= min(a.total_cost for a in alone) + 0.01
    assert both.stats.strategy.split("+")[0] in {"ils", "gls"}


@pytest.mark.parametrize(
    ("field", "value"), [("search", "tabu"), ("time_limit_s", 0.0), ("workers", 0)]
)
def test_options_reject_nonsense(field: str, value: object) -> None:
    """Unknown searches, non-positive limits and zero workers are refused with the field named."""
    with pytest.raises(ValueError, match=field.split("_")[0]):
        RoutingOptions(**{field: value})  # type: ignore[arg-type]


def test_ils_on_a_small_problem_ends_well_before_its_time_limit() -> None:
    """The ILS stops on its solution cap: three requests do not take the 20 s limit, same result twice."""
    problem = small_problem()
    first = solve(problem, options=RoutingOptions(time_limit_s=20, search="ils"))
    second = solve(problem, options=RoutingOptions(time_limit_s=20, search="ils"))
    assert first.stats.time_s < 10
    assert violations(problem, first) == [] and not first.dropped
    assert first.total_cost == second.total_cost


def test_a_solution_stopped_by_the_ils_cap_is_reported_feasible() -> None:
    """Routes found and returned are never labelled 'not_solved'."""
    problem = small_problem()
    solution = solve(problem, options=RoutingOptions(time_limit_s=5, search="ils"))
    assert solution.routes and solution.stats.status in {"feasible", "optimal"}
