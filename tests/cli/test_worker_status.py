"""`logistics worker --status` as a command on SQLite and PostgreSQL (real databases), and
`logistics worker` refusing a bad setting with one line instead of a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from logistics.bundles.reader import read_bundle
from logistics.domain import Notice, NoticeKind, Principal, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import plan_jobs, webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.workers.engine import apply_schema
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


def _status(url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logistics", "worker", "--status"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "LOGISTICS_DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_status_on_each_database(database_url: str, tmp_path: Path) -> None:
    """A queued plan job and a notice queued an hour ago are reported on both databases; on
    PostgreSQL the routing child jobs, routing workers and webhook wake-up listeners too (none
    here), each line saying what it counts; on SQLite, that there is no engine to report."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with session_scope(make_session_factory(engine)) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        _, coordinator = create_api_key(session, role=Role.COORDINATOR)
        webhooks.subscribe(session, coordinator, url="https://receiver.example/hook")
        webhooks.enqueue(
            session,
            [Notice(NoticeKind.MILESTONE, "SH00001", "SHP-FXZ", hour_ago, milestone="DEPARTED")],
            now=hour_ago,
        )
        ask = {"objective": "balanced", "time_limit_s": 5, "seed": 0, "shipment_ids": None}
        plan_jobs.create_job(session, Principal("t", Role.COORDINATOR), **ask)
    engine.dispose()
    postgres = database_url.startswith("postgresql")
    if postgres:
        apply_schema(database_url)
    result = _status(database_url, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "plan jobs: 1 queued, 0 running, 0 running without a heartbeat for 60 s" in lines
    outbox = [line for line in lines if line.startswith("webhook outbox: 1 pending, 1 due now")]
    assert len(outbox) == 1 and "oldest pending queued 36" in outbox[0]  # about 3600 s
    assert "notices not yet delivered nor given up" in outbox[0]
    if not postgres:
        assert lines[0].startswith("job engine: embedded (SQLite): `logistics serve` runs")
        assert not [line for line in lines if "routing" in line.split(":")[0]]
        return
    assert "  routing: 0 / 0 / 0" in lines
    assert (
        "routing child jobs (subproblems of plan jobs, kept a day): 0 waiting, 0 in flight, "
        "0 handed back" in lines
    )
    assert any(line.startswith("  waiting: 0 queued, not yet claimed") for line in lines)
    assert any(line.startswith("  in flight: 0 claimed and being solved; 0 of") for line in lines)
    assert any(
        line.startswith("  handed back: 0 re-queued after the worker solving them stopped")
        and "LOGISTICS_ROUTING_MAX_HANDBACKS=2 each" in line
        for line in lines
    )
    assert any(line.startswith("routing workers: 0 running, 0 job slot(s)") for line in lines)
    assert any(
        line.startswith("webhook wake-up listeners: 0 (workers taking the webhooks queue")
        for line in lines
    )


def test_a_bad_setting_stops_the_worker_with_one_line_each(tmp_path: Path) -> None:
    """A bad hand-back setting (and a bad older one) exit 2 naming variable, value and fix."""
    result = _status(
        f"sqlite:///{tmp_path / 'x.db'}",
        tmp_path,
        LOGISTICS_ROUTING_MAX_HANDBACKS="-1",
        LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS="soon",
        LOGISTICS_WORKER_STALLED_SECONDS="1",
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    assert sorted(result.stderr.splitlines()) == [
        "configuration: LOGISTICS_ROUTING_HANDBACK_MIN_LEFT_SECONDS='soon' is not a number: set "
        "it to seconds of a routing subproblem's deadline that must remain to hand it back, more "
        "than 0 (default 5)",
        "configuration: LOGISTICS_ROUTING_MAX_HANDBACKS='-1' is out of range: set it to a whole "
        "number of hand-backs per routing subproblem, 0 or more (default 2; 0: never hand back)",
        "configuration: LOGISTICS_WORKER_STALLED_SECONDS='1': Input should be greater than or "
        "equal to 3",
    ]
    assert not (tmp_path / "x.db").exists()  # nothing opened
