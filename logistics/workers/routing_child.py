"""A routing child job: claim one subproblem of a plan, solve it under the watchdog by its
deadline (in a routing worker process), store the solution and notify the coordinating job.

Each claim carries a fresh token (and, for a child job, its engine job's id, by which the
coordinator sees whether the claimant's worker still beats); an answer is stored only under the
claim that is still current, so a claimant presumed dead whose subproblem was handed back can
never apply a late answer, nor overwrite a newer one."""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from typing import Any

import psycopg

from logistics.planning.routing import watchdog
from logistics.planning.routing.executor import RoutingTask
from logistics.planning.routing.subproblem import solve_subproblem
from logistics.planning.routing.wire import (
    options_from_dict,
    problem_from_dict,
    solution_to_dict,
)

CHANNEL = "logistics_routing"  # NOTIFY payload: the batch id whose subproblem was answered
# A child stops its search this long before the deadline, so its answer is stored in time.
ANSWER_MARGIN_S = 1.0
CLAIMED, TAKEN, EXPIRED, SUPERSEDED = "solved", "taken", "expired", "superseded"


def claimant() -> str:
    """Who claims: host and process id (shown when a claimed subproblem never answers)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_one(
    conn: psycopg.Connection[Any], subproblem_id: str, engine_job_id: int | None = None
) -> tuple[str, str, float] | None:
    """Claim this queued subproblem (for the engine job `engine_job_id`): the claim's token, its
    task (JSON) and deadline; None if taken or expired."""
    token = uuid.uuid4().hex
    with conn.transaction():
        row = conn.execute(
            "UPDATE routing_subproblems SET status = 'running', claimed_by = %s, "
            "claimed_at = now(), claim_token = %s, engine_job_id = %s "
            "WHERE id = %s AND status = 'queued' RETURNING task, deadline",
            (claimant(), token, engine_job_id, subproblem_id),
        ).fetchone()
    return None if row is None else (token, str(row[0]), float(row[1]))


def claim_next(conn: psycopg.Connection[Any], batch_id: str) -> tuple[str, str, str, float] | None:
    """Claim the batch's next queued subproblem (one claimant each: SKIP LOCKED): its id, the
    claim's token, task and deadline; None when none is left."""
    token = uuid.uuid4().hex
    with conn.transaction():
        row = conn.execute(
            "UPDATE routing_subproblems SET status = 'running', claimed_by = %s, "
            "claimed_at = now(), claim_token = %s, engine_job_id = NULL "
            "WHERE id = (SELECT id FROM routing_subproblems "
            "WHERE batch_id = %s AND status = 'queued' ORDER BY position "
            "LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, task, deadline",
            (claimant(), token, batch_id),
        ).fetchone()
    return None if row is None else (str(row[0]), token, str(row[1]), float(row[2]))


def solve_task(task_json: str, deadline: float) -> tuple[dict[str, Any], float]:
    """Solve a stored task in a watchdog worker process, stopped `ANSWER_MARGIN_S` before the
    deadline (a stopped search gives its best routes so far); the solution (JSON-ready) and
    the seconds it took."""
    data = json.loads(task_json)
    task = RoutingTask(
        problem_from_dict(data["problem"]), options_from_dict(data["options"]), deadline
    )
    stop = deadline - ANSWER_MARGIN_S
    started = time.monotonic()
    (solution,) = watchdog.run(
        [watchdog.Task(solve_subproblem, (task.problem, task.options, stop), stop, task.stopped)],
        1,
    )
    return solution_to_dict(solution), time.monotonic() - started


def store(
    conn: psycopg.Connection[Any],
    subproblem_id: str,
    token: str,
    solution: dict[str, Any],
    seconds: float,
) -> bool:
    """Store a claimed subproblem's solution and wake its coordinator (NOTIFY on commit); False
    (nothing written) if the claim `token` is no longer current: the subproblem was handed back
    (its claimant presumed dead), answered under a newer claim, or expired."""
    with conn.transaction():
        row = conn.execute(
            "UPDATE routing_subproblems SET status = 'done', result = %s, finished_at = now(), "
            "solve_seconds = %s WHERE id = %s AND status = 'running' AND claim_token = %s "
            "RETURNING batch_id",
            (json.dumps(solution), seconds, subproblem_id, token),
        ).fetchone()
        if row is not None:
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, row[0]))
    return row is not None


def run_child(conninfo: str, subproblem_id: str, engine_job_id: int | None = None) -> str:
    """The child job's work: claim, solve by the deadline, store; what happened (solved, taken
    by someone else, expired before it was taken, or superseded: handed back meanwhile)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        claimed = claim_one(conn, subproblem_id, engine_job_id)
        if claimed is None:
            return TAKEN
        token, task_json, deadline = claimed
        if time.time() >= deadline - ANSWER_MARGIN_S:
            with conn.transaction():
                conn.execute(
                    "UPDATE routing_subproblems SET status = 'expired', finished_at = now() "
                    "WHERE id = %s AND claim_token = %s",
                    (subproblem_id, token),
                )
            return EXPIRED
    # (no connection held while solving: a long solve must not pin one of the pool's)
    solution, seconds = solve_task(task_json, deadline)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        stored = store(conn, subproblem_id, token, solution, seconds)
    return CLAIMED if stored else SUPERSEDED
