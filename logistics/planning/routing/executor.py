"""Where the planner's routing subproblems are solved: a pluggable executor (local by default).

The truck stage hands its independent subproblems (region x wave x chunk) to the executor in
effect (`current_executor()`); the default solves them in this machine's watchdog pool. A job
engine can put its own in effect for a plan (`use_executor`), e.g. one that spreads the
subproblems over other processes or machines. Whatever runs them, a subproblem that has no
answer by its deadline is a timed-out solve: `RoutingTask.stopped` gives its result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Protocol

from logistics.planning.routing import watchdog
from logistics.planning.routing.engine import Snapshot, from_snapshot
from logistics.planning.routing.model import RoutingOptions, RoutingProblem, RoutingSolution
from logistics.planning.routing.subproblem import solve_subproblem


@dataclass(frozen=True, slots=True)
class RoutingTask:
    """One subproblem to solve by `deadline` (wall clock, `time.time()`); `before`, a solution
    it already has (a re-solve's start), is kept if a stopped search serves less."""

    problem: RoutingProblem
    options: RoutingOptions
    deadline: float
    before: RoutingSolution | None = None

    def stopped(self, snapshot: Snapshot | None, detail: str | None = None) -> RoutingSolution:
        """The result of a search stopped at the deadline: its last snapshot (None: nothing
        served; the unserved requests dropped as `timeout`, with `detail` if given), or
        `before` if that serves more (then cheaper)."""
        stopped = from_snapshot(self.problem, self.options, snapshot)
        if detail is not None:
            stopped = _with_detail(stopped, detail)
        before = self.before
        if before is not None and (len(before.dropped), before.total_cost) <= (
            len(stopped.dropped),
            stopped.total_cost,
        ):
            return before
        return stopped


def _with_detail(solution: RoutingSolution, detail: str) -> RoutingSolution:
    """The solution with `detail` on its `timeout` drops."""
    dropped = tuple(
        replace(d, detail=detail) if d.reason == "timeout" else d for d in solution.dropped
    )
    return replace(solution, dropped=dropped)


class RoutingExecutor(Protocol):
    """Solves routing tasks; a task without an answer by its deadline gets `task.stopped(...)`."""

    def lanes(self, workers: int) -> int:
        """How many subproblems it solves at once for a planner given `workers` processes."""
        ...

    def solve(self, tasks: Sequence[RoutingTask], workers: int) -> list[RoutingSolution]:
        """Each task's solution, in order, all by the tasks' deadlines."""
        ...


class LocalExecutor:
    """The default: this machine's watchdog pool, `workers` processes at a time."""

    def lanes(self, workers: int) -> int:
        """As many as the planner's worker processes."""
        return max(1, workers)

    def solve(self, tasks: Sequence[RoutingTask], workers: int) -> list[RoutingSolution]:
        """Each task in a worker process the watchdog kills at its deadline."""
        jobs = [
            watchdog.Task(
                solve_subproblem, (t.problem, t.options, t.deadline), t.deadline, t.stopped
            )
            for t in tasks
        ]
        results: list[RoutingSolution] = watchdog.run(jobs, workers)
        return results


_CURRENT: ContextVar[RoutingExecutor | None] = ContextVar("routing_executor", default=None)
LOCAL = LocalExecutor()


def current_executor() -> RoutingExecutor:
    """The executor in effect here (the local pool unless `use_executor` says otherwise)."""
    return _CURRENT.get() or LOCAL


@contextmanager
def use_executor(executor: RoutingExecutor) -> Iterator[RoutingExecutor]:
    """Put `executor` in effect for the plans made inside this block (this thread's context)."""
    token = _CURRENT.set(executor)
    try:
        yield executor
    finally:
        _CURRENT.reset(token)
