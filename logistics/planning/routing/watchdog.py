"""Routing solves in worker processes that a watchdog can stop at a deadline.

A task runs `fn(*args, report=report)` in a worker process; `report(snapshot)` streams the best
solution found so far to the parent. The parent waits for the result until the task's `kill_at`
(wall clock, `time.time()`); then it kills the worker and keeps the last snapshot, built into a
solution by the task's `fallback`. OR-Tools' routing search cannot be interrupted from Python,
so killing the process is the only stop that always holds.

Workers are fresh interpreters (`python -m logistics.planning.routing.worker`, never a fork:
the caller may have threads; not multiprocessing's spawn either, which re-imports the caller's
main module, e.g. the whole CLI, in every worker) started by one long-lived thread and reused
across calls; each imports the solver as soon as it starts. On Linux each asks the kernel to kill
it when its parent dies (`PR_SET_PDEATHSIG`), so no solver outlives the planner, even after
`kill -9`; the kernel ties that signal to the thread that started the worker, hence the one
starter thread that never ends.

Memory: a reused worker keeps the heap of its largest solve. After each task the parent reads the
worker's resident set (`/proc/PID/status` VmRSS) and retires a worker above the cap
(`LOGISTICS_ROUTING_SOLVER_MEMORY_MB`, default 1024; 0: no cap); a fresh one takes its place.
As a hard backstop each worker limits its own address space (`RLIMIT_AS`) to HARD_CAP_FACTOR
times the cap (at least HARD_FLOOR_MB): a solve that hits it dies (OR-Tools aborts on `std::bad_alloc`) or raises
MemoryError, and either way its task gets its `fallback`, as a task stopped at its deadline.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

PR_SET_PDEATHSIG = 1
MEMORY_ENV = "LOGISTICS_ROUTING_SOLVER_MEMORY_MB"  # read here: planning never imports settings
DEFAULT_MEMORY_MB = 1024
HARD_CAP_FACTOR = 2  # the address-space limit, in times the cap (the cap is checked between tasks)
HARD_FLOOR_MB = 256  # never less (a worker with OR-Tools loaded maps about 100 MB)
STOP_WAIT_S = 2.0  # how long an idle worker gets to exit before it is killed
WAIT_FOR_WORKER_S = 0.02  # polling for a worker being started
WORKER_MODULE = "logistics.planning.routing.worker"
PRELOAD = ("logistics.planning.routing.subproblem",)  # what every worker runs


class RoutingWorkerError(RuntimeError):
    """A task raised in its worker process (the message carries the worker's traceback)."""


@dataclass(frozen=True, slots=True)
class Task:
    """One job for a worker: `fn(*args, report=...)`, stopped at `kill_at` (wall clock).

    `fallback(snapshot)` turns the last snapshot received (None if none) into the task's result
    when the worker is killed or dies; it runs in the parent."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kill_at: float
    fallback: Callable[[Any], Any]


class Reporter:
    """A worker's `report`: sends each snapshot (an improving solution) to the parent."""

    def __init__(self, conn: Connection, index: int) -> None:
        self.conn = conn
        self.index = index

    def __call__(self, snapshot: Any) -> None:
        self.conn.send(("snapshot", self.index, snapshot))


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def memory_cap_mb() -> int:
    """The solver processes' memory cap in MB (LOGISTICS_ROUTING_SOLVER_MEMORY_MB; 0: none)."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    try:
        return max(0, int(raw)) if raw else DEFAULT_MEMORY_MB
    except ValueError:
        return DEFAULT_MEMORY_MB


def resident_mb(pid: int) -> float:
    """A process's resident set in MB (VmRSS; 0 if it is gone or this is not Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _limit_memory(cap_mb: int) -> None:
    """The hard backstop: this process's address space limited to HARD_CAP_FACTOR x the cap (at least HARD_FLOOR_MB),
    and no core file when a solve dies of it."""
    if cap_mb <= 0:
        return
    import resource  # (Unix only; workers run on Linux in production)

    limit = max(HARD_CAP_FACTOR * cap_mb, HARD_FLOOR_MB) * 2**20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(conn: Connection, parent: int, cap_mb: int) -> None:
    """A worker's loop: run tasks until told to stop or the parent's end of the pipe closes."""
    _die_with_parent(parent)
    _limit_memory(cap_mb)
    # Import the solver now, while the caller does other work: a task should not wait for it.
    for module in PRELOAD:
        importlib.import_module(module)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, fn, args = message
        try:
            result = fn(*args, report=Reporter(conn, index))
        except MemoryError:
            # (the hard limit: what it reported stands, as for a solve stopped at its deadline)
            conn.send(("memory", index, traceback.format_exc()))
            return
        except BaseException:
            conn.send(("error", index, traceback.format_exc()))
        else:
            conn.send(("done", index, result))


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def over_cap(self) -> bool:
        """Whether its resident set is above the memory cap (then it is retired, not reused)."""
        cap = memory_cap_mb()
        return cap > 0 and resident_mb(self.process.pid) > cap

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_WAIT_S)
        self.kill()

    def kill(self) -> None:
        """Kill the process now and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()


def _start_worker() -> _Worker:
    """A new worker process with a socket to it (see the module docstring)."""
    mine, theirs = socket.socketpair()
    env = dict(os.environ)
    # The worker imports what this process can (tests, benchmarks add to sys.path at run time).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                WORKER_MODULE,
                str(theirs.fileno()),
                str(os.getpid()),
                str(memory_cap_mb()),
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    return _Worker(process, Connection(mine.detach()))


class _Spawner:
    """The one thread that starts worker processes (see the module docstring)."""

    def __init__(self) -> None:
        self.requests: queue.Queue[queue.Queue[_Worker | BaseException] | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.warming = 0  # workers being started for the idle list

    def _ensure_thread(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._loop, name="routing-spawner", daemon=True
                )
                self.thread.start()

    def warm(self, count: int) -> None:
        """Start up to `count` more workers in the background, for the idle list."""
        self._ensure_thread()
        with self.lock:
            self.warming += count
        for _ in range(count):
            self.requests.put(None)

    def _loop(self) -> None:
        while True:
            self.requests.get()
            try:
                worker = _start_worker()
            except Exception:
                with self.lock:
                    self.warming -= 1
                continue
            _checkin(worker)
            with self.lock:
                self.warming -= 1


_SPAWNER = _Spawner()
_IDLE: list[_Worker] = []
_IDLE_LOCK = threading.Lock()


def prestart(count: int) -> None:
    """Have `count` idle workers ready soon (started in the background, so a later `run` does
    not wait for a process to start and import OR-Tools)."""
    with _IDLE_LOCK:
        ready = sum(1 for w in _IDLE if w.alive())
    with _SPAWNER.lock:
        missing = count - ready - _SPAWNER.warming
    if missing > 0:
        _SPAWNER.warm(missing)


def _idle_worker() -> _Worker | None:
    """An idle live worker, or None (never waits)."""
    with _IDLE_LOCK:
        while _IDLE:
            worker = _IDLE.pop()
            if worker.alive():
                return worker
            worker.kill()
    return None


def _checkin(worker: _Worker) -> None:
    with _IDLE_LOCK:
        _IDLE.append(worker)


RETIRED: deque[int] = deque(maxlen=100)  # pids of the last workers retired above the cap


def _release(worker: _Worker) -> bool:
    """Back to the idle list after a task, or retired if above the memory cap (True then)."""
    if worker.over_cap():
        worker.kill()  # (idle: nothing is lost)
        RETIRED.append(worker.process.pid)
        return True
    _checkin(worker)
    return False


def shutdown() -> None:
    """Stop every idle worker (they are also killed when this process exits)."""
    with _IDLE_LOCK:
        idle = list(_IDLE)
        _IDLE.clear()
    for worker in idle:
        worker.stop()


def run(tasks: Sequence[Task], workers: int) -> list[Any]:
    """Each task's result, `workers` tasks at a time; a task past its `kill_at` is stopped (or,
    if it never got a worker by then, not started), and its `fallback` gives its result."""
    lanes = max(1, workers)
    results: list[Any] = [None] * len(tasks)
    snapshots: list[Any] = [None] * len(tasks)
    pending = list(range(len(tasks)))[::-1]
    busy: dict[int, tuple[_Worker, int]] = {}  # fileno -> worker, task index
    failure: str | None = None
    prestart(min(lanes, len(tasks)))
    try:
        while (pending and failure is None) or busy:
            while pending and len(busy) < lanes and failure is None:
                index = pending[-1]
                if time.time() >= tasks[index].kill_at:
                    pending.pop()
                    results[index] = tasks[index].fallback(None)
                    continue
                worker = _idle_worker()
                if worker is None:
                    prestart(min(lanes, len(pending)) - len(busy))
                    break
                pending.pop()
                worker.conn.send((index, tasks[index].fn, tasks[index].args))
                busy[worker.conn.fileno()] = (worker, index)
            if not busy and not pending:
                break
            kills = [tasks[i].kill_at for _, i in busy.values()]
            timeout = max(0.0, min(kills) - time.time()) if kills else WAIT_FOR_WORKER_S
            if pending and len(busy) < lanes:
                timeout = min(timeout, WAIT_FOR_WORKER_S)
            ready = wait([w.conn for w, _ in busy.values()], timeout) if busy else []
            if not busy:
                time.sleep(timeout)
            for conn in ready:
                worker, index = busy[conn.fileno()]  # type: ignore[union-attr]
                try:
                    kind, got_index, payload = worker.conn.recv()
                except (EOFError, OSError):
                    # The worker died (killed from outside, out of memory): keep what it sent.
                    del busy[conn.fileno()]  # type: ignore[union-attr]
                    worker.kill()
                    results[index] = tasks[index].fallback(snapshots[index])
                    continue
                if kind == "snapshot":
                    snapshots[got_index] = payload
                    continue
                del busy[conn.fileno()]  # type: ignore[union-attr]
                if kind == "memory":
                    # Out of its address space: it exits; keep what it sent, as at a deadline.
                    worker.kill()
                    RETIRED.append(worker.process.pid)
                    results[index] = tasks[index].fallback(snapshots[index])
                    continue
                if _release(worker) and pending:
                    prestart(min(lanes, len(pending)))  # a fresh one for the tasks waiting
                if kind == "error":
                    failure = failure or payload
                else:
                    results[index] = payload
            now = time.time()
            for key, (worker, index) in list(busy.items()):
                if now >= tasks[index].kill_at:
                    del busy[key]
                    worker.kill()
                    results[index] = tasks[index].fallback(snapshots[index])
                    prestart(lanes)  # a replacement, started while the others run
    finally:
        for worker, _ in busy.values():
            worker.kill()
    if failure is not None:
        raise RoutingWorkerError(f"a routing worker failed:\n{failure}")
    return results


def serve_main(argv: Sequence[str]) -> None:
    """A worker process's entry point: `WORKER_MODULE SOCKET_FD PARENT_PID [CAP_MB]`."""
    cap = int(argv[3]) if len(argv) > 3 else 0
    _serve(Connection(int(argv[1])), int(argv[2]), cap)
