"""Two API servers and two workers started from the Procfile on PostgreSQL: plan jobs requested on
both servers all end done exactly once, although one worker is SIGKILLed while it solves."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import (
    make_engine,
    make_session_factory,
    session_scope,
)
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import plan_jobs
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from tests.api.live_server import free_port
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT, procfile, running, solvers_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(600)]

JOBS = 4
TIME_LIMIT_S = 4.0


def _prepare(url: str) -> str:
    """Migrate, import the minimal bundle, create a coordinator key; return its secret."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        with session_scope(make_session_factory(engine)) as session:
            import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
            secret, _ = create_api_key(session, role=Role.COORDINATOR, name="scale-out test")
        return secret
    finally:
        engine.dispose()


def _wait(what: str, check, timeout_s: float, every_s: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_two_servers_two_workers_survive_a_killed_worker(postgres_url: str, tmp_path: Path) -> None:
    """Every job ends done once; the killed worker's job is retried by the sweep and taken over;
    no job is failed by another process; no solver outlives its worker; servers never solve."""
    secret = _prepare(postgres_url)
    commands = procfile()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOGISTICS_DATABASE_URL": postgres_url,
        "LOGISTICS_JOB_ENGINE": "procrastinate",
        "LOGISTICS_NOW": "2026-11-29T10:30:00+08:00",  # the minimal bundle's world
        "LOGISTICS_PLAN_JOB_LEASE_SECONDS": "4",
        "LOGISTICS_WORKER_STALLED_SECONDS": "6",
        "LOGISTICS_HOST": "127.0.0.1",
    }
    procs: dict[str, subprocess.Popen[bytes]] = {}
    seen_solvers: set[int] = set()
    logs: dict[str, Path] = {}

    def start(name: str, extra: dict[str, str]) -> None:
        logs[name] = tmp_path / f"{name}.log"
        with logs[name].open("wb") as log:
            procs[name] = subprocess.Popen(
                commands[name.split("-")[0]],
                env={**env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
            )

    try:
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):
            start(f"web-{i}", {"LOGISTICS_PORT": str(port)})
        for i in range(2):
            start(f"worker-{i}", {})
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        headers = {"Authorization": f"Bearer {secret}"}
        for base in bases:

            def healthy(base: str = base) -> bool:
                try:
                    return httpx.get(f"{base}/v1/health", timeout=2).status_code == 200
                except httpx.HTTPError:
                    return False

            _wait(f"{base} to answer", healthy, 90)

        job_ids = []
        for n in range(JOBS):
            response = httpx.post(
                f"{bases[n % 2]}/v1/plans",
                json={"time_limit_s": TIME_LIMIT_S, "seed": n},
                headers=headers,
                timeout=30,
            )
            assert response.status_code == 202, response.text
            job_ids.append(response.json()["id"])

        def a_worker_solving() -> tuple[str, int] | None:
            for name in ("worker-0", "worker-1"):
                solvers = solvers_of(procs[name].pid)
                seen_solvers.update(solvers)
                if solvers:
                    return name, solvers[0]
            for name in ("web-0", "web-1"):
                assert not solvers_of(procs[name].pid), f"{name} runs a solver"
            return None

        victim, orphan = _wait("a worker to start solving", a_worker_solving, 120, 0.05)
        time.sleep(1.0)  # well inside the solve (it plans for TIME_LIMIT_S)
        killed_at = datetime.now(UTC)
        procs[victim].kill()
        procs[victim].wait(timeout=10)
        _wait(f"the killed worker's solver {orphan} to die", lambda: not running(orphan), 15)

        engine = make_engine(postgres_url)
        try:
            factory = make_session_factory(engine)

            def all_finished() -> bool:
                for name, proc in procs.items():
                    if name != victim:
                        assert proc.poll() is None, f"{name} exited: {logs[name].read_text()}"
                        seen_solvers.update(solvers_of(proc.pid))
                with session_scope(factory) as session:
                    engine_open = session.scalar(
                        text(
                            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                        )
                    )
                    return engine_open == 0 and all(
                        plan_jobs.get_job(session, j).status in ("done", "failed") for j in job_ids
                    )

            _wait("every plan job to finish", all_finished, 300, 0.5)
            with session_scope(factory) as session:
                rows = {j: plan_jobs.get_job(session, j) for j in job_ids}
                states = {j: (r.status, r.message) for j, r in rows.items()}
                assert all(r.status == "done" and r.result for r in rows.values()), states
                started = {j: r.started_at for j, r in rows.items()}
                engine_jobs = session.execute(
                    text(
                        "SELECT args->>'job_id', status, attempts FROM procrastinate_jobs "
                        "WHERE task_name = 'logistics:plan_job'"
                    )
                ).all()
        finally:
            engine.dispose()

        # the procrastinate side: one engine job per plan job, succeeded; the killed one was run
        # twice (the stalled sweep retried it), every other once
        assert sorted(j for j, _, _ in engine_jobs) == sorted(job_ids)
        assert {status for _, status, _ in engine_jobs} == {"succeeded"}, engine_jobs
        # exactly one successful run per job across the workers' logs (the victim's log included)
        text_logs = {name: path.read_text(errors="replace") for name, path in logs.items()}
        for job_id in job_ids:
            done_runs = sum(log.count(f"plan job {job_id}: done") for log in text_logs.values())
            assert done_runs == 1, (job_id, text_logs)
        # the job the victim was solving was claimed again after the kill (one start per claim)
        victim_jobs = [
            j for j in job_ids if f"plan job {j}: solving in child {orphan}" in text_logs[victim]
        ]
        assert len(victim_jobs) == 1, text_logs[victim]
        restarted = started[victim_jobs[0]]
        assert restarted is not None and restarted > killed_at
        attempts = {j: n for j, _, n in engine_jobs}
        assert attempts == {j: 2 if j == victim_jobs[0] else 1 for j in job_ids}, engine_jobs
        # graceful stop of the surviving worker, and no solver process left anywhere
        survivor = "worker-1" if victim == "worker-0" else "worker-0"
        procs[survivor].send_signal(signal.SIGTERM)
        assert procs[survivor].wait(timeout=60) == 0, text_logs[survivor]
        assert len(seen_solvers) >= 2
        _wait("no solver process to remain", lambda: not any(map(running, seen_solvers)), 15)
    finally:
        for proc in procs.values():
            _stop(proc)
        for pid in seen_solvers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
