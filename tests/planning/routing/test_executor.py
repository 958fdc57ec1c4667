"""The routing executor hook: the truck stage solves through the executor in effect, and a
task without an answer is a timed-out solve."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from logistics.bundles.reader import read_bundle
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.routing import RoutingOptions, RoutingSolution
from logistics.planning.routing.engine import solve_here
from logistics.planning.routing.executor import (
    LOCAL,
    RoutingTask,
    current_executor,
    use_executor,
)
from logistics.planning.truck_stage import route_trucks, truck_legs
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import load_pdp

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


class InProcess:
    """An executor that solves each task here, in order, and remembers what it was given."""

    def __init__(self) -> None:
        self.seen: list[RoutingTask] = []

    def lanes(self, workers: int) -> int:
        """One at a time."""
        return 1

    def solve(self, tasks: Sequence[RoutingTask], workers: int) -> list[RoutingSolution]:
        """Each task solved in this process."""
        self.seen += tasks
        return [solve_here(t.problem, t.options) for t in tasks]


def test_route_trucks_solves_through_the_executor_in_effect() -> None:
    """Inside `use_executor` every subproblem goes to that executor, and its solutions are the
    stage's; outside, the local pool is back in effect."""
    minimal = read_bundle(FIXTURES / "bundles" / "minimal")
    net = Network(minimal, {})
    preset = objective_named("balanced")
    best = {sh.id: search(net, sh, preset, k=1)[0][0] for sh in minimal.shipments}
    legs = truck_legs(minimal, best)
    executor = InProcess()
    with use_executor(executor):
        routed = route_trucks(minimal, net, legs, time_limit_s=2, seed=0, workers=2)
    assert current_executor() is LOCAL
    solved = [r for r in routed if r.problem is not None]
    assert [t.problem for t in executor.seen] == [r.problem for r in solved]
    assert all(violations(r.problem, r.solution) == [] for r in solved if r.problem)
    carried = {
        rid for r in solved for route in r.solution.routes for s in route.stops for rid in s.pickups
    }
    assert carried == {leg.request_id for leg in legs}


def test_a_task_without_an_answer_is_a_timed_out_solve_with_the_reason_given() -> None:
    """No snapshot: every request dropped as `timeout`, with the executor's detail."""
    problem = load_pdp("small_pdp.json")
    task = RoutingTask(problem, RoutingOptions(time_limit_s=1), 0.0)
    lost = task.stopped(None, "no routing worker answered in time")
    assert {d.request_id for d in lost.dropped} == {r.id for r in problem.requests}
    assert {(d.reason, d.detail) for d in lost.dropped} == {
        ("timeout", "no routing worker answered in time")
    }
    assert lost.stats.status == "timeout" and lost.routes == ()
