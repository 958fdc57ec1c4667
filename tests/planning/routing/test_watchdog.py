"""Routing solves run in worker processes that are stopped at their deadline and die with us."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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
