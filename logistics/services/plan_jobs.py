"""Plan jobs: requested over the API, run by `logistics.workers.plan_run`, state kept in the
database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from logistics import clock
from logistics.bundles.plan_json import plan_from_document
from logistics.domain import Principal
from logistics.errors import Conflict, NotFound
from logistics.persistence.repositories import plan_jobs as repo
from logistics.persistence.repositories.plan_jobs import PlanJob as PlanJob
from logistics.planning.objectives import objective_named
from logistics.services.plan_acceptance import accept_plan
from logistics.services.plan_records import new_plan_id
from logistics.settings import get_settings

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
SKIPPED = "skipped"  # run_job's answer when another worker claimed the job first
LEASED = "leased"  # run_job's answer (take_over) when a live worker still beats the job


def create_job(
    session: Session,
    principal: Principal,
    *,
    objective: str,
    time_limit_s: float,
    seed: int,
    shipment_ids: Sequence[str] | None,
) -> PlanJob:
    """Record a plan request (queued); the caller commits, then hands the id to a worker."""
    objective_named(objective)
    job = PlanJob(
        id=new_plan_id(),
        status=QUEUED,
        objective=objective,
        time_limit_s=time_limit_s,
        seed=seed,
        shipment_ids=json.dumps(list(shipment_ids)) if shipment_ids is not None else None,
        requested_by=principal.key_id,
        progress=0.0,
        message="queued",
        created_at=clock.now(),  # the request time: the plan's now
    )
    repo.add(session, job)
    return job


def get_job(session: Session, job_id: str) -> PlanJob:
    """A job or NotFound."""
    row = repo.get(session, job_id)
    if row is None:
        raise NotFound(f"no plan {job_id!r}")
    return row


def list_jobs(session: Session, limit: int = 50) -> list[PlanJob]:
    """The newest plan jobs."""
    return repo.recent(session, limit)


def recover_jobs(session: Session, *, lease_s: float | None = None) -> list[str]:
    """At a start: running jobs whose worker has stopped beating for longer than the lease fail
    visibly (another server's live jobs are left alone); queued ones are returned to be
    submitted (a claim makes sure exactly one worker runs each)."""
    lease = lease_s if lease_s is not None else get_settings().plan_job_lease_seconds
    now = datetime.now(UTC)
    message = (
        f"the worker running this plan stopped (no heartbeat for {lease:g} s); request it again"
    )
    for job in repo.stalled(session, now - timedelta(seconds=lease)):
        repo.finish(session, job.id, status=FAILED, finished_at=now, message=message)
    session.flush()
    return [row.id for row in repo.with_status(session, (QUEUED,))]


def fail_job(session: Session, job_id: str, message: str) -> bool:
    """Fail a queued job, or a running one whose heartbeat is older than the lease, visibly;
    False if it had finished or a live worker still beats it."""
    row = repo.get(session, job_id)
    if row is None or row.status not in (QUEUED, RUNNING):
        return False
    lease = timedelta(seconds=get_settings().plan_job_lease_seconds)
    beat = row.heartbeat_at
    if beat is not None and beat.tzinfo is None:
        beat = beat.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    if row.status == RUNNING and beat is not None and beat > datetime.now(UTC) - lease:
        return False
    repo.finish(session, job_id, status=FAILED, finished_at=datetime.now(UTC), message=message)
    return True


def accept_job(session: Session, job_id: str) -> int:
    """Turn a finished plan into bookings; return the number of shipments booked."""
    row = get_job(session, job_id)
    if row.status != DONE or row.result is None:
        raise Conflict(f"plan {job_id} is {row.status}; only a done plan can be accepted")
    booked = accept_plan(session, plan_from_document(json.loads(row.result)))
    repo.mark_accepted(session, job_id, datetime.now(UTC))
    return booked
