"""A plan job's routing subproblems as child jobs any worker can take (`ChildJobExecutor`).

The coordinating plan job stores each subproblem (JSON) in `routing_subproblems` and defers one
`solve_routing` job per subproblem on the `routing` queue. Any `logistics worker` taking that
queue (on this machine or another) claims one, solves it under the watchdog by its deadline and
stores the solution; the coordinator solves queued ones itself too, `lanes` at a time (so a plan
never waits on absent workers), and wakes on each answer (LISTEN/NOTIFY, polled as well).

A claimed subproblem whose claimant died (its child job's worker stopped beating for
LOGISTICS_WORKER_STALLED_SECONDS or is gone: procrastinate's stalled-worker facts; or the child
job ended without an answer) is handed back: re-queued with a fresh child job (and taken by the
coordinator's own lanes too), at most LOGISTICS_ROUTING_MAX_HANDBACKS times (2) and only while
LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS (5) of its deadline remain (`may_hand_back`).
Claims are tokens: a late answer of the presumed-dead claimant is never stored. At the
deadline, a subproblem without an answer is a timed-out solve: its requests are dropped as
`timeout`, with the reason. Deadlines are wall clock: the machines' clocks must agree (NTP).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from procrastinate import App
from procrastinate.types import JSONDict

from logistics.planning.routing import watchdog
from logistics.planning.routing.executor import LOCAL, RoutingTask, use_executor
from logistics.planning.routing.model import RoutingSolution
from logistics.planning.routing.wire import options_to_dict, problem_to_dict, solution_from_dict
from logistics.settings import Settings, get_settings, job_engine
from logistics.workers.engine import conninfo, make_app
from logistics.workers.routing_child import (
    CHANNEL,
    claim_next,
    solve_task,
    store,
)

logger = logging.getLogger("logistics.worker")
ROUTING_QUEUE = "routing"
SLOTS_NAME = "logistics routing worker slots="  # application_name of a routing worker's beacon
POLL_S = 1.0  # the coordinator looks at the table at least this often (a NOTIFY may be missed)
KEEP = timedelta(days=1)  # answered batches are kept this long (their solve times), then pruned
NEVER_TAKEN = "no routing worker took this subproblem before the deadline"

# Claimed by a child job whose worker is dead: the job no longer runs (failed, retried or gone),
# has no worker (pruned), or its worker's heartbeat is older than the stalled threshold.
# (`logistics worker --status` counts the same over every batch: routing_subproblems.dead_claims)
DEAD_CLAIMS = """
SELECT s.id, s.claimed_by, s.claim_token, s.deadline, s.handbacks
  FROM routing_subproblems s
  LEFT JOIN procrastinate_jobs j ON j.id = s.engine_job_id
  LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
 WHERE s.batch_id = %s AND s.status = 'running' AND s.engine_job_id IS NOT NULL
   AND (j.id IS NULL OR j.status <> 'doing' OR j.worker_id IS NULL
        OR w.last_heartbeat < now() - make_interval(secs => %s))
"""


def routing_slots(info: str) -> int:
    """Routing job slots of the live workers taking the routing queue of this database (each
    holds a beacon connection named by its concurrency; it goes with the worker's process)."""
    with psycopg.connect(info, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE %s",
            (SLOTS_NAME + "%",),
        ).fetchall()
    slots = 0
    for (name,) in rows:
        with contextlib.suppress(ValueError):
            slots += max(0, int(str(name).removeprefix(SLOTS_NAME)))
    return slots


async def routing_beacon(
    database_url: str, queues: Sequence[str], concurrency: int
) -> psycopg.AsyncConnection[Any] | None:
    """For a worker taking the routing queue: a connection named by its slots, held open while
    it runs (so coordinators count it), and routing processes started ahead; else None."""
    if ROUTING_QUEUE not in queues:
        return None
    watchdog.prestart(concurrency)
    return await psycopg.AsyncConnection.connect(
        conninfo(database_url), autocommit=True, application_name=f"{SLOTS_NAME}{concurrency}"
    )


class ChildJobExecutor:
    """Routing subproblems as child jobs on the routing queue (see the module docstring).

    `own_lanes`: subproblems solved here at a time (None: the planner's `workers`); `auto`:
    solve locally while no routing worker is live. `stalled_seconds`, `max_handbacks` and
    `handback_min_left_s` (None: from the settings) decide when a claimant is dead and whether
    its subproblem is handed back."""

    def __init__(
        self,
        database_url: str,
        *,
        own_lanes: int | None = None,
        auto: bool = False,
        plan_job_id: str | None = None,
        stalled_seconds: float | None = None,
        max_handbacks: int | None = None,
        handback_min_left_s: float | None = None,
    ) -> None:
        self.info = conninfo(database_url)
        self.stalled_seconds = (
            get_settings().worker_stalled_seconds if stalled_seconds is None else stalled_seconds
        )
        self.max_handbacks = (
            get_settings().routing_max_handbacks if max_handbacks is None else max_handbacks
        )
        self.handback_min_left_s = (
            get_settings().routing_handback_min_left_seconds
            if handback_min_left_s is None
            else handback_min_left_s
        )
        self.database_url = database_url
        self.own_lanes = own_lanes
        self.auto = auto
        self.plan_job_id = plan_job_id
        self.batches: list[str] = []  # every batch this executor ran (for the benchmark)
        self.handed_back: dict[str, list[str]] = {}  # subproblem -> the dead claimants, in order
        self._lanes: list[threading.Thread] = []
        self._lane_count = 0

    def _own(self, workers: int) -> int:
        return max(0, workers if self.own_lanes is None else self.own_lanes)

    def lanes(self, workers: int) -> int:
        """This process's lanes plus the live routing workers' slots."""
        return max(1, self._own(workers) + routing_slots(self.info))

    def solve(self, tasks: Sequence[RoutingTask], workers: int) -> list[RoutingSolution]:
        """Each task's solution by its deadline, from whichever process answered; a task
        without an answer then is a timed-out solve."""
        if not tasks:
            return []
        if self.auto and routing_slots(self.info) == 0:
            return LOCAL.solve(tasks, workers)
        batch = uuid.uuid4().hex
        self.batches.append(batch)
        ids = [f"{batch}-{i}" for i in range(len(tasks))]
        with psycopg.connect(self.info, autocommit=True) as conn:
            conn.execute("LISTEN " + CHANNEL)  # before the children exist: no answer is missed
            self._insert(conn, batch, ids, tasks)
            self._defer(ids)
            self._lanes, self._lane_count = [], self._own(workers)
            for _ in range(self._lane_count):
                self._start_lane(batch)
            answers = self._wait(conn, batch, max(t.deadline for t in tasks), len(tasks))
            with conn.transaction():
                conn.execute(
                    "UPDATE routing_subproblems SET status = 'expired', finished_at = now() "
                    "WHERE batch_id = %s AND status = 'queued'",
                    (batch,),
                )
                claims: dict[str, str | None] = dict(
                    conn.execute(
                        "SELECT id, claimed_by FROM routing_subproblems WHERE batch_id = %s",
                        (batch,),
                    ).fetchall()
                )
        for lane in self._lanes:  # (each stops by the deadline: the watchdog kills its solve)
            lane.join()
        out: list[RoutingSolution] = []
        for sid, task in zip(ids, tasks, strict=True):
            if sid in answers:
                out.append(_no_worse(task, solution_from_dict(answers[sid])))
                continue
            out.append(task.stopped(None, self._why_unanswered(claims.get(sid), sid)))
        return out

    def _why_unanswered(self, who: str | None, sid: str) -> str:
        dead = self.handed_back.get(sid, [])
        if dead:
            lost = ", ".join(dead)
            if who is None:
                return (
                    f"the routing worker {lost} that took this subproblem stopped; handed back "
                    f"{len(dead)} time(s), no routing worker took it again before the deadline"
                )
            return (
                f"the routing worker {lost} that took this subproblem stopped; handed back "
                f"{len(dead)} time(s), the routing worker {who} that took it then did not answer "
                "before the deadline"
            )
        if who is None:
            return NEVER_TAKEN
        return (
            f"the routing worker {who} that took this subproblem did not answer before the deadline"
        )

    def _start_lane(self, batch: str) -> None:
        lane = threading.Thread(
            target=self._solve_here,
            args=(batch,),
            name=f"routing-lane-{len(self._lanes)}",
            daemon=True,
        )
        self._lanes.append(lane)
        lane.start()

    def _insert(
        self,
        conn: psycopg.Connection[Any],
        batch: str,
        ids: list[str],
        tasks: Sequence[RoutingTask],
    ) -> None:
        now = datetime.now(UTC)
        with conn.transaction():
            conn.execute("DELETE FROM routing_subproblems WHERE created_at < %s", (now - KEEP,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO routing_subproblems (id, batch_id, position, status, deadline, "
                    "task, created_at) VALUES (%s, %s, %s, 'queued', %s, %s, %s)",
                    [
                        (
                            sid,
                            batch,
                            i,
                            task.deadline,
                            json.dumps(
                                {
                                    "plan_job_id": self.plan_job_id,
                                    "problem": problem_to_dict(task.problem),
                                    "options": options_to_dict(task.options),
                                }
                            ),
                            now,
                        )
                        for i, (sid, task) in enumerate(zip(ids, tasks, strict=True))
                    ],
                )

    def _defer(self, ids: list[str]) -> None:
        app: App = make_app(self.database_url, asynchronous=False)
        with app.open():
            app.configure_task("logistics:solve_routing", queue=ROUTING_QUEUE).batch_defer(
                *[_kwargs(sid) for sid in ids]
            )

    def _solve_here(self, batch: str) -> None:
        """One of the coordinator's own lanes: claim and solve queued subproblems until none is
        left (or the deadline is near)."""
        with psycopg.connect(self.info, autocommit=True) as conn:
            while (claimed := claim_next(conn, batch)) is not None:
                sid, token, task_json, deadline = claimed
                solution, seconds = solve_task(task_json, deadline)
                store(conn, sid, token, solution, seconds)

    def _hand_back_dead(self, conn: psycopg.Connection[Any], batch: str) -> None:
        """Re-queue the batch's subproblems whose claimant died (see the module docstring): a
        fresh child job each, and a lane of this process if one is free; a subproblem past its
        hand-backs or too near its deadline stays as it is (timed out at the deadline)."""
        dead = conn.execute(DEAD_CLAIMS, (batch, self.stalled_seconds)).fetchall()
        now = time.time()
        requeued: list[str] = []
        for sid, who, token, deadline, handbacks in dead:
            if not may_hand_back(
                handbacks, float(deadline) - now, self.max_handbacks, self.handback_min_left_s
            ):
                continue
            with conn.transaction():
                row = conn.execute(
                    "UPDATE routing_subproblems SET status = 'queued', claimed_by = NULL, "
                    "claimed_at = NULL, claim_token = NULL, engine_job_id = NULL, "
                    "handbacks = handbacks + 1 "
                    "WHERE id = %s AND status = 'running' AND claim_token = %s RETURNING id",
                    (sid, token),
                ).fetchone()
            if row is None:  # (answered or expired meanwhile)
                continue
            self.handed_back.setdefault(str(sid), []).append(str(who))
            requeued.append(str(sid))
            logger.warning(
                "routing subproblem %s: its claimant %s stopped; handed back (%d of %d)",
                sid,
                who,
                handbacks + 1,
                self.max_handbacks,
            )
        if not requeued:
            return
        self._defer(requeued)
        if sum(lane.is_alive() for lane in self._lanes) < self._lane_count:
            self._start_lane(batch)

    def _wait(
        self, conn: psycopg.Connection[Any], batch: str, deadline: float, count: int
    ) -> dict[str, dict[str, Any]]:
        """The batch's answers as they come, until all are in or the deadline passes; dead
        claimants' subproblems handed back on the way (looked for every `POLL_S`)."""
        answers: dict[str, dict[str, Any]] = {}
        looked = 0.0
        while True:
            rows = conn.execute(
                "SELECT id, result FROM routing_subproblems WHERE batch_id = %s "
                "AND status = 'done' AND NOT (id = ANY(%s))",
                (batch, list(answers)),
            ).fetchall()
            for sid, result in rows:
                answers[str(sid)] = json.loads(result)
            left = deadline - time.time()
            if len(answers) >= count or left <= 0:
                return answers
            if time.monotonic() - looked >= POLL_S:
                looked = time.monotonic()
                self._hand_back_dead(conn, batch)
            for _ in conn.notifies(timeout=min(POLL_S, left), stop_after=1):
                pass


def may_hand_back(handbacks: int, left_s: float, max_handbacks: int, min_left_s: float) -> bool:
    """Whether a subproblem whose claimant died is handed back: handed back `handbacks` times so
    far, `left_s` seconds of its deadline left (the policy: fewer than `max_handbacks`, at least
    `min_left_s` left)."""
    return handbacks < max_handbacks and left_s >= min_left_s


def _kwargs(subproblem_id: str) -> JSONDict:
    return {"subproblem_id": subproblem_id}


def _no_worse(task: RoutingTask, solution: RoutingSolution) -> RoutingSolution:
    """A re-solve's answer, or the solution it started from if that serves more (then cheaper)."""
    before = task.before
    if before is not None and (len(before.dropped), before.total_cost) < (
        len(solution.dropped),
        solution.total_cost,
    ):
        return before
    return solution


def executor_for(
    settings: Settings, *, plan_job_id: str | None = None
) -> AbstractContextManager[Any]:
    """The routing executor a plan job runs under: child jobs when LOGISTICS_ROUTING_CHILD_JOBS
    is `on`, or `auto` on the procrastinate engine (then only while routing workers are live);
    else the local pool."""
    mode = settings.routing_child_jobs
    if mode == "off" or (mode == "auto" and job_engine(settings) != "procrastinate"):
        return contextlib.nullcontext()
    executor = ChildJobExecutor(
        settings.database_url,
        own_lanes=settings.routing_coordinator_lanes,
        auto=mode == "auto",
        plan_job_id=plan_job_id,
        stalled_seconds=settings.worker_stalled_seconds,
        max_handbacks=settings.routing_max_handbacks,
        handback_min_left_s=settings.routing_handback_min_left_seconds,
    )
    return use_executor(executor)


@contextlib.contextmanager
def child_jobs(database_url: str, **kwargs: Any) -> Iterator[ChildJobExecutor]:
    """Plans made inside this block spread their routing over child jobs (benchmarks, tests)."""
    executor = ChildJobExecutor(database_url, **kwargs)
    with use_executor(executor):
        yield executor
