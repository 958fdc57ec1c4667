"""`logistics worker --status`: queue depth, workers, plan jobs without a heartbeat, outbox age."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Principal, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.tables import PlanJobRow
from logistics.services import plan_jobs, webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.workers.engine import apply_schema, make_app
from logistics.workers.worker import defer_plan_job
from tests.conftest import FIXTURES
from tests.workers.processes import ROOT

pytestmark = [pytest.mark.postgres]


def test_status_reports_what_to_monitor(postgres_url: str) -> None:
    """A deferred plan job counts as queue depth; a running job with an old heartbeat and a
    pending delivery an hour old are reported; unknown queues are refused."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        _, coordinator = create_api_key(session, role=Role.COORDINATOR)
        webhooks.subscribe(session, coordinator, url="https://receiver.example/hook")
        webhooks.enqueue(
            session,
            [Notice(NoticeKind.MILESTONE, "SH00001", "SHP-FXZ", hour_ago, milestone="DEPARTED")],
            now=hour_ago,
        )
        ask = {"objective": "balanced", "time_limit_s": 5, "seed": 0, "shipment_ids": None}
        queued = plan_jobs.create_job(session, Principal("t", Role.COORDINATOR), **ask).id
        dead_id = plan_jobs.create_job(session, Principal("t", Role.COORDINATOR), **ask).id
        dead = session.get(PlanJobRow, dead_id)  # a worker that claimed it and died an hour ago
        assert dead is not None
        dead.status, dead.heartbeat_at = "running", hour_ago
    engine.dispose()
    apply_schema(postgres_url)
    app = make_app(postgres_url, asynchronous=False)
    with app.open():
        assert defer_plan_job(app, queued)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOGISTICS_DATABASE_URL": postgres_url}
    command = [sys.executable, "-m", "logistics", "worker", "--status"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  plans: 1 / 0 / 0" in out and "  webhooks: 0 / 0 / 0" in out
    assert "workers: 0 registered, 0 stalled" in out
    assert "plan jobs: 1 queued, 1 running, 1 running without a heartbeat for 60 s" in out
    assert f"  {dead_id}: heartbeat 36" in out  # about 3600 s ago
    assert "webhook outbox: 1 pending, 1 due now, oldest pending queued 36" in out
    refused = subprocess.run(
        [*command[:-1], "--queues", "plans,nope"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "unknown queue(s) nope" in refused.stderr
