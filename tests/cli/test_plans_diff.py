"""`logistics plans diff`: a stored plan against the bookings and against another plan, run as a
real subprocess on a database where plan jobs really ran."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services import plan_jobs
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.workers import plan_run
from tests.cli.test_commands import MINIMAL, run

COORDINATOR = Principal(key_id="cli-test", role=Role.COORDINATOR)


def _plan(factory: sessionmaker[Session], url: str, ids: list[str] | None = None) -> str:
    with session_scope(factory) as session:
        job = plan_jobs.create_job(
            session, COORDINATOR, objective="balanced", time_limit_s=20, seed=0, shipment_ids=ids
        )
        job_id = job.id
    assert plan_run.run_job(url, job_id) == "done"
    return job_id


def test_diff_against_bookings_and_another_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before acceptance every shipment is newly booked; after it, a replan of the same world
    keeps every booking; against the first plan nothing is rebooked; a missing plan is an error.
    (The CLI reads the embedded SQLite file; the API tests cover PostgreSQL.)"""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    session_factory = make_session_factory(engine)
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T08:30:00+08:00")
    get_settings.cache_clear()
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(MINIMAL))
    first = _plan(session_factory, url)
    with session_scope(session_factory) as session:
        planned = plan_jobs.get_job(session, first).message.split(" of ")[0]
    fresh = run(["plans", "diff", first], url, tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert f"{planned} newly_booked" in fresh.stderr and "was: -" in fresh.stdout
    assert "why: not booked before" in fresh.stdout
    with session_scope(session_factory) as session:
        plan_jobs.accept_job(session, first)
    again = _plan(session_factory, url)
    kept = run(["plans", "diff", again], url, tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert f"{planned} unchanged" in kept.stderr, kept.stdout  # the incumbents are kept
    assert "rebooked" not in kept.stdout
    same = run(["plans", "diff", again, "--against", first, "--changed-only"], url, tmp_path)
    assert same.returncode == 0 and "rebooked" not in same.stdout, same.stdout
    assert f"{planned} unchanged" in same.stderr
    missing = run(["plans", "diff", "plan_nope"], url, tmp_path)
    assert missing.returncode == 1 and "plan_nope" in missing.stderr
    get_settings.cache_clear()
    engine.dispose()
