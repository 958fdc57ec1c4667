"""Routing solves run in worker processes that are stopped at their deadline and die with us."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from logistics.planning.routing import RoutingOptions, solve, watchdog
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import load_pdp

ROOT = Path(__file__).resolve().parents[3]


def _boom(message: str, *, report: object) -> None:
    """A task that fails in its worker."""
    raise ValueError(message)


def _echo(value: int, *, report: object) -> int:
    """A task that returns its argument."""
    return value


def test_a_search_past_its_deadline_keeps_its_best_routes() -> None:
    """GLS with a 120 s limit, deadline in 8 s: killed, its streamed best routes pass the
    checker. (A first short solve makes sure a worker is up, so the 8 s are the search's.)"""
    problem = load_pdp("small_pdp.json")
    solve(problem, options=RoutingOptions(time_limit_s=0.2, search="gls"))
    started = time.monotonic()
    options = RoutingOptions(time_limit_s=120, search="gls", deadline=time.time() + 8)
    solution = solve(problem, options=options)
    assert time.monotonic() - started < 120  # stopped by the watchdog, not by its own limit
    assert solution.stats.status == "timeout"
    assert violations(problem, solution) == []
    assert solution.dropped == ()  # a first solution serving everything was streamed


def test_without_any_snapshot_every_request_is_dropped_as_timeout() -> None:
    """A deadline already past: the search never starts and each request says `timeout`."""
    problem = load_pdp("small_pdp.json")
    options = RoutingOptions(time_limit_s=5, deadline=time.time() - 1)
    solution = solve(problem, options=options)
    assert solution.routes == ()
    assert {d.reason for d in solution.dropped} == {"timeout"}
    assert len(solution.dropped) == len(problem.requests)


def test_a_failing_task_raises_with_the_worker_traceback() -> None:
    """An exception in a worker reaches the caller, with where it happened."""
    task = watchdog.Task(_boom, ("bad input",), time.time() + 60, lambda s: None)
    with pytest.raises(watchdog.RoutingWorkerError, match="ValueError: bad input"):
        watchdog.run([task], 1)


def test_workers_are_reused_and_results_keep_their_order() -> None:
    """Several tasks on two workers come back in the order they were given."""
    tasks = [watchdog.Task(_echo, (n,), time.time() + 60, lambda s: None) for n in range(5)]
    assert watchdog.run(tasks, 2) == [0, 1, 2, 3, 4]


SCRIPT = """
import threading, time
from logistics.planning.routing import RoutingOptions, solve
from tests.planning.routing.problems import load_pdp
problem = load_pdp("small_pdp.json")
options = RoutingOptions(time_limit_s=120, search="gls")
threading.Thread(target=solve, args=(problem,), kwargs={"options": options}, daemon=True).start()
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _workers_of(pid: int) -> list[int]:
    """The routing worker processes `pid` started (from /proc)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"logistics.planning.routing.worker" in cmdline:
                found.append(int(child))
    return found


def _wait_for(condition: object, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_when_the_planner_is_killed() -> None:
    """kill -9 of a process in the middle of a solve leaves no solver process behind."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env)
    try:
        assert _wait_for(lambda: _workers_of(parent.pid), 60), "no worker started"
        pids = _workers_of(parent.pid)
        assert pids and all(_alive(p) for p in pids)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert _wait_for(lambda: not any(_alive(p) for p in pids), 30)


def _own_pid(*, report: object) -> int:
    """A task that returns its worker's pid."""
    return os.getpid()


def _hog(*, report: object) -> int:
    """A task that reports a snapshot, then allocates far past any worker's address-space limit."""
    report("before the allocation")  # type: ignore[operator]
    return len(bytearray(4 * 2**30))


@pytest.fixture
def tiny_cap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Solver workers started with a 1 MB memory cap (every process is above it); the idle
    workers are stopped before and after, so no other test gets one."""
    watchdog.shutdown()
    monkeypatch.setenv(watchdog.MEMORY_ENV, "1")
    yield
    watchdog.shutdown()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.usefixtures("tiny_cap")
def test_a_worker_above_the_memory_cap_is_retired_and_replaced() -> None:
    """After each task a worker above the cap is stopped and a fresh one takes the next task."""
    tasks = [watchdog.Task(_own_pid, (), time.time() + 120, lambda s: None) for _ in range(3)]
    pids = watchdog.run(tasks, 1)
    assert len(set(pids)) == 3  # a new process for every task
    assert set(pids) <= set(watchdog.RETIRED)
    assert _wait_for(lambda: not any(_alive(p) for p in pids), 30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
@pytest.mark.usefixtures("tiny_cap")
def test_a_task_past_the_hard_memory_limit_gets_its_fallback() -> None:
    """A task that runs out of its worker's address space is handled like one stopped at its
    deadline (its fallback, from its last snapshot); the tasks after it still run."""
    tasks = [
        watchdog.Task(_hog, (), time.time() + 120, lambda s: ("stopped", s)),
        watchdog.Task(_echo, (7,), time.time() + 120, lambda s: None),
    ]
    assert watchdog.run(tasks, 1) == [("stopped", "before the allocation"), 7]


def test_the_memory_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOGISTICS_ROUTING_SOLVER_MEMORY_MB sets the cap; unset, the default; 0, no cap."""
    monkeypatch.delenv(watchdog.MEMORY_ENV, raising=False)
    assert watchdog.memory_cap_mb() == watchdog.DEFAULT_MEMORY_MB
    monkeypatch.setenv(watchdog.MEMORY_ENV, "0")
    assert watchdog.memory_cap_mb() == 0
    monkeypatch.setenv(watchdog.MEMORY_ENV, "1500")
    assert watchdog.memory_cap_mb() == 1500
