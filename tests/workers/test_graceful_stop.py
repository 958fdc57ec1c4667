"""SIGTERM to a `logistics worker` while it solves: the solve finishes, the job is done, the worker
exits 0 and leaves no solver behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import plan_jobs
from logistics.services.import_scenario import import_scenario
from logistics.workers.engine import apply_schema, make_app
from logistics.workers.worker import defer_plan_job
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT, procfile, running, solvers_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]


def test_sigterm_lets_the_running_solve_finish(postgres_url: str, tmp_path: Path) -> None:
    """The worker stops fetching, waits for its solver child, records the plan, exits 0."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        job_id = plan_jobs.create_job(
            session,
            Principal("graceful-test", Role.COORDINATOR),
            objective="balanced",
            time_limit_s=4,
            seed=0,
            shipment_ids=None,
        ).id
    apply_schema(postgres_url)
    app = make_app(postgres_url, asynchronous=False)
    with app.open():
        assert defer_plan_job(app, job_id)
        assert not defer_plan_job(app, job_id)  # the queueing lock: deferred once
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOGISTICS_DATABASE_URL": postgres_url,
        "LOGISTICS_NOW": "2026-11-29T10:30:00+08:00",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            procfile()["worker"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path
        )
    solver = 0
    try:
        deadline = time.monotonic() + 120
        while not solver and time.monotonic() < deadline:
            found = solvers_of(worker.pid)
            solver = found[0] if found else 0
            assert worker.poll() is None, log.read_text()
            time.sleep(0.05)
        assert solver, f"the worker never started a solver: {log.read_text()}"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=120) == 0, log.read_text()
        assert not running(solver)
        with session_scope(factory) as session:
            row = plan_jobs.get_job(session, job_id)
            assert row.status == "done" and row.result, (row.status, row.message)
        assert f"plan job {job_id}: done" in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        if solver and running(solver):
            os.kill(solver, signal.SIGKILL)
        engine.dispose()
