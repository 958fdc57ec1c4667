"""`logistics worker --status` on routing child jobs (waiting / in flight / handed back, claims of
stopped workers by procrastinate's facts), routing workers and webhook wake-up listeners: counted
on SQLite and PostgreSQL, and seen from a real `logistics worker` process on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.repositories import routing_subproblems as routing_repo
from logistics.workers.engine import apply_schema, conninfo, make_app
from logistics.workers.status import status_lines
from tests.workers.processes import ROOT, procfile

# (id, status, handbacks, engine job: None, "live", "stalled" or "gone")
ROWS = [
    ("q1", "queued", 0, None),
    ("q2", "queued", 0, None),
    ("q3", "queued", 1, None),  # handed back, waiting again
    ("r-live", "running", 0, "live"),  # a child job of a worker that beats
    ("r-stalled", "running", 1, "stalled"),  # handed back once, its new worker stopped beating
    ("r-gone", "running", 0, "gone"),  # its child job no longer exists
    ("r-lane", "running", 0, None),  # the coordinator's own lane (no child job)
    ("d1", "done", 1, None),
    ("d2", "done", 0, None),
    ("e1", "expired", 2, None),
]


def _insert(session: Session, jobs: dict[str, int | None]) -> None:
    for sid, status, handbacks, job in ROWS:
        session.execute(
            text(
                "INSERT INTO routing_subproblems (id, batch_id, position, status, deadline, "
                "task, created_at, engine_job_id, handbacks) VALUES (:id, 'b', 0, :status, "
                ":deadline, '{}', :now, :job, :handbacks)"
            ),
            {
                "id": sid,
                "status": status,
                "deadline": time.time() + 60,
                "now": datetime.now(UTC),
                "job": None if job is None else jobs[job],
                "handbacks": handbacks,
            },
        )


def test_counts_on_each_database(session: Session) -> None:
    """Waiting, in flight, handed back (and where those stand now) from the table's rows."""
    _insert(session, {"live": 1, "stalled": 2, "gone": 3})
    assert routing_repo.counts(session) == routing_repo.RoutingChildCounts(
        waiting=3,
        in_flight=4,
        handed_back=4,
        handbacks=5,
        handed_back_waiting=1,
        handed_back_in_flight=1,
        handed_back_answered=1,
        handed_back_expired=1,
    )


@pytest.mark.postgres
def test_status_reports_child_jobs_and_claims_of_stopped_workers(postgres_url: str) -> None:
    """Two routing child jobs taken by two workers (procrastinate's own functions), one of them
    silent for an hour, and a claim whose child job is gone: the report counts waiting, in
    flight, the two claims of stopped workers and the handed back ones by where they stand."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    apply_schema(postgres_url)
    app = make_app(postgres_url, asynchronous=False)
    with app.open():
        task = app.configure_task("logistics:solve_routing", queue="routing")
        for sid in ("r-live", "r-stalled"):
            task.defer(subproblem_id=sid)
    jobs: dict[str, int | None] = {"gone": 424242}
    with psycopg.connect(conninfo(postgres_url), autocommit=True) as conn:
        for name in ("live", "stalled"):
            (worker,) = conn.execute("SELECT procrastinate_register_worker_v1()").fetchone() or ()
            fetched = conn.execute(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY['routing'], %s)", (worker,)
            ).fetchone()
            assert fetched is not None
            jobs[name] = int(fetched[0])
        conn.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
            "WHERE id = (SELECT worker_id FROM procrastinate_jobs WHERE id = %s)",
            (jobs["stalled"],),
        )
    with session_scope(make_session_factory(engine)) as session:
        _insert(session, jobs)
    engine.dispose()
    lines = status_lines(postgres_url)
    assert "  routing: 0 / 2 / 0" in lines
    assert "workers: 2 registered, 1 stalled (no heartbeat for 30 s)" in lines
    assert (
        "routing child jobs (subproblems of plan jobs, kept a day): 3 waiting, 4 in flight, "
        "4 handed back" in lines
    )
    (in_flight,) = [line for line in lines if line.startswith("  in flight:")]
    assert in_flight.startswith(
        "  in flight: 4 claimed and being solved; 2 of them by a child job whose worker stopped"
    )
    (back,) = [line for line in lines if line.startswith("  handed back:")]
    assert back.startswith(
        "  handed back: 4 re-queued after the worker solving them stopped (5 hand-back(s); now "
        "1 waiting, 1 in flight, 1 answered, 1 timed out; at most "
        "LOGISTICS_ROUTING_MAX_HANDBACKS=2 each, while "
        "LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS=5 of the deadline remain)"
    )
    assert any(line.startswith("routing workers: 0 running, 0 job slot(s)") for line in lines)


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, wanted: list[str]) -> list[str]:
    """The report once it has a line starting with each of `wanted` (the worker still up)."""
    deadline = time.monotonic() + 120
    while True:
        lines = status_lines(url)
        if all(any(line.startswith(w) for line in lines) for w in wanted):
            return lines
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, (lines, log.read_text())
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_status_sees_a_running_workers_listener_and_routing_slots(
    postgres_url: str, tmp_path: Path
) -> None:
    """A `logistics worker --queues webhooks,routing --concurrency 2` (the Procfile's command)
    shows up as one webhook wake-up listener (its pid, connected since) and one routing worker
    with 2 slots; after SIGTERM, as none of either."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    engine.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOGISTICS_DATABASE_URL": postgres_url}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*procfile()["worker"], "--queues", "webhooks,routing", "--concurrency", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
        try:
            lines = _wait_for(
                postgres_url,
                proc,
                log,
                ["webhook wake-up listeners: 1 (", "routing workers: 1 running, 2 job slot(s)"],
            )
            listeners = [line for line in lines if line.startswith("  listener pid ")]
            assert len(listeners) == 1 and " ago" in listeners[0], lines
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=120) == 0, log.read_text()
    lines = status_lines(postgres_url)
    assert any(line.startswith("webhook wake-up listeners: 0 (") for line in lines), lines
    assert not [line for line in lines if line.startswith("  listener pid ")]
    assert any(line.startswith("routing workers: 0 running, 0 job slot(s)") for line in lines)
