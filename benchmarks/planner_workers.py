"""What the planner benchmark needs for routing child jobs: routing workers on a temporary
PostgreSQL database, the memory of a whole process tree, and the child jobs' times."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from procfs import parents as proc_parents

from logistics.persistence.database import make_engine, temporary_postgres_database
from logistics.persistence.migrate import upgrade_to_head
from logistics.workers.engine import apply_schema, conninfo
from logistics.workers.routing_children import routing_slots

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def rss_pss(pid: int) -> tuple[int, int]:
    """A process's resident set and proportional set size (bytes; PSS counts a page shared by
    n processes as 1/n in each, so PSS adds up across processes), from smaps_rollup (0, 0 if
    it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return _rss(pid), 0
    return rss, pss


@dataclass
class TreeMemory:
    """Samples the summed resident memory (RSS) and proportional set size (PSS) of processes and
    all their descendants: summed RSS counts pages shared between processes once per process
    and overstates, summed PSS counts each page once."""

    roots: list[int]
    every_s: float = 0.5
    peak: int = 0  # summed RSS
    peak_pss: int = 0  # summed PSS
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> tuple[int, int]:
        """The summed RSS and PSS now (bytes)."""
        parents = proc_parents()
        tree = set(self.roots)
        grew = True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        sizes = [rss_pss(pid) for pid in tree]
        return sum(r for r, _ in sizes), sum(p for _, p in sizes)

    def _record(self) -> None:
        rss, pss = self.sample()
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self._record()

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._record()


@contextlib.contextmanager
def routing_workers(
    admin_url: str, count: int, concurrency: int
) -> Iterator[tuple[str, list[int]]]:
    """`count` × `logistics worker --queues routing` on a fresh database: its URL and their pids."""
    with temporary_postgres_database(admin_url, "bench_planner") as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        apply_schema(url)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LOGISTICS_DATABASE_URL": url}
        logistics = str(Path(sys.executable).parent / "logistics")
        procs = [
            subprocess.Popen(
                [logistics, "worker", "--queues", "routing", "--concurrency", str(concurrency)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]
        try:
            deadline = time.monotonic() + 120
            while routing_slots(conninfo(url)) < count * concurrency:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError("the routing workers did not start")
                time.sleep(0.2)
            yield url, [p.pid for p in procs]
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


@dataclass(frozen=True)
class ChildTimes:
    """The child jobs of a plan: how many, answered, their solve seconds, waits, claimants."""

    count: int
    answered: int
    solve_s: float
    longest_s: float
    mean_wait_s: float
    by_claimant: dict[str, float]


def child_times(url: str, batches: list[str]) -> ChildTimes:
    """Read the child jobs of these batches from `routing_subproblems`."""
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT status, claimed_by, solve_seconds, "
            "EXTRACT(EPOCH FROM (claimed_at - created_at)) FROM routing_subproblems "
            "WHERE batch_id = ANY(%s)",
            (batches,),
        ).fetchall()
    solved = [(who, float(s)) for status, who, s, _ in rows if status == "done" and s is not None]
    waits = [float(w) for *_, w in rows if w is not None]
    by: dict[str, float] = {}
    for who, seconds in solved:
        by[str(who)] = by.get(str(who), 0.0) + seconds
    return ChildTimes(
        len(rows),
        len(solved),
        sum(s for _, s in solved),
        max((s for _, s in solved), default=0.0),
        sum(waits) / len(waits) if waits else 0.0,
        by,
    )
