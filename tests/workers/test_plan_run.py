"""Plan jobs with more than one server or worker: a claim runs each job exactly once, a live
worker's job is never failed by another server's start, a dead worker's job is failed visibly."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role
from logistics.persistence.database import session_scope
from logistics.persistence.tables import PlanJobRow
from logistics.services import plan_jobs
from logistics.services.import_scenario import import_scenario
from logistics.workers import plan_run
from tests.conftest import FIXTURES

COORDINATOR = Principal(key_id="claims-test", role=Role.COORDINATOR)


def _running(job_id: str, heartbeat: datetime | None) -> PlanJobRow:
    return PlanJobRow(
        id=job_id,
        status="running",
        objective="balanced",
        time_limit_s=1,
        seed=0,
        shipment_ids=None,
        requested_by="test",
        progress=0.4,
        message="routing",
        created_at=datetime.now(UTC),
        started_at=datetime.now(UTC) - timedelta(minutes=5),
        heartbeat_at=heartbeat,
    )


def test_a_server_start_fails_only_jobs_whose_worker_stopped(
    session_factory: sessionmaker[Session],
) -> None:
    """A running job with a fresh heartbeat stays running; a stale or missing one fails."""
    now = datetime.now(UTC)
    with session_scope(session_factory) as session:
        session.add(_running("plan_alive", now - timedelta(seconds=5)))
        session.add(_running("plan_dead", now - timedelta(minutes=3)))
        session.add(_running("plan_never_beat", None))
    with session_scope(session_factory) as session:
        plan_jobs.recover_jobs(session, lease_s=60)
    with session_scope(session_factory) as session:
        states = {
            job_id: plan_jobs.get_job(session, job_id).status
            for job_id in ("plan_alive", "plan_dead", "plan_never_beat")
        }
        message = plan_jobs.get_job(session, "plan_dead").message
    assert states == {"plan_alive": "running", "plan_dead": "failed", "plan_never_beat": "failed"}
    assert "no heartbeat for 60 s" in message and "request it again" in message


def test_two_workers_given_the_same_job_run_it_once(
    session_factory: sessionmaker[Session], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Two worker processes handed one queued job: one claims and plans it, the other skips."""
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T08:30:00+08:00")
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        job = plan_jobs.create_job(
            session, COORDINATOR, objective="balanced", time_limit_s=20, seed=0, shipment_ids=None
        )
        job_id = job.id
    url = session_factory.kw["bind"].url.render_as_string(hide_password=False)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        answers = sorted(pool.starmap(plan_run.run_job, [(url, job_id), (url, job_id)]))
    assert answers == ["done", "skipped"]
    with session_scope(session_factory) as session:
        row = plan_jobs.get_job(session, job_id)
        assert row.status == "done" and row.heartbeat_at is not None and row.result


def test_a_retry_takes_over_only_a_job_whose_heartbeat_went_stale(
    session_factory: sessionmaker[Session],
) -> None:
    """A job engine's retry (take_over) answers `leased` for a live job and leaves it running;
    a stale job is claimed again (not failed); fail_job never fails the live one."""
    now = datetime.now(UTC)
    with session_scope(session_factory) as session:
        session.add(_running("plan_live", now))
        session.add(_running("plan_stale", now - timedelta(minutes=3)))
    url = session_factory.kw["bind"].url.render_as_string(hide_password=False)
    assert plan_run.run_job(url, "plan_live", take_over=True) == "leased"
    assert plan_run.run_job(url, "plan_live") == "skipped"  # without take_over: as before
    with session_scope(session_factory) as session:
        assert not plan_jobs.fail_job(session, "plan_live", "should not fail a live job")
        assert plan_jobs.get_job(session, "plan_live").status == "running"
        assert plan_jobs.fail_job(session, "plan_stale", "its workers stopped; request it again")
        row = plan_jobs.get_job(session, "plan_stale")
        assert (row.status, row.message) == ("failed", "its workers stopped; request it again")
        assert not plan_jobs.fail_job(session, "plan_stale", "twice")  # already finished
