"""The tasks workers run: `plan_job` solves in a child process the worker waits on; webhook
delivery and tracking refresh and sweeps run periodically."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys

from procrastinate import BaseRetryStrategy, Blueprint, JobContext, RetryDecision
from procrastinate.jobs import Job
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.services import plan_jobs
from logistics.services.plan_jobs import DONE, FAILED, LEASED, SKIPPED
from logistics.settings import get_settings
from logistics.workers import tracking_jobs, webhook_delivery

logger = logging.getLogger("logistics.worker")
blueprint = Blueprint()


class RetryLater(Exception):
    """The job could not run now (its previous worker's lease holds, or the solver died)."""


class Leased(RetryLater):
    """A live worker still beats the plan job (a duplicate engine job): never failed for it."""


class PlanRetry(BaseRetryStrategy):
    """Retry a RetryLater after one plan-job lease, up to LOGISTICS_PLAN_JOB_MAX_ATTEMPTS runs."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        """Retry only RetryLater, and only while attempts remain."""
        settings = get_settings()
        if not isinstance(exception, RetryLater):
            return None
        if job.attempts + 1 >= settings.plan_job_max_attempts:
            return None
        return RetryDecision(retry_in={"seconds": int(settings.plan_job_lease_seconds) + 1})


async def solve_in_child(job_id: str) -> str:
    """Run the job in `python -m logistics.workers.solve` and wait for it without blocking the
    worker's event loop (its heartbeat keeps beating); the child dies if this process dies."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "logistics.workers.solve",
        job_id,
        str(os.getpid()),
        stdout=asyncio.subprocess.PIPE,
        start_new_session=True,  # a Ctrl-C or SIGTERM to the worker's group spares the solve
    )
    logger.info("plan job %s: solving in child %d", job_id, child.pid)
    try:
        out, _ = await child.communicate()
    except asyncio.CancelledError:  # the worker was told to stop at once: stop the solve too
        child.kill()
        await child.wait()
        raise
    lines = out.decode(errors="replace").split()
    answer = lines[-1] if lines else ""
    if child.returncode != 0 or answer not in (DONE, FAILED, SKIPPED, LEASED):
        raise RetryLater(f"the solver of {job_id} exited with {child.returncode}")
    return answer


def fail_visibly(job_id: str, message: str) -> None:
    """Mark the plan job failed (if still queued or running) with the reason."""
    factory = make_session_factory(make_engine(get_settings().database_url))
    try:
        with session_scope(factory) as session:
            plan_jobs.fail_job(session, job_id, message)
    finally:
        factory.kw["bind"].dispose()


@blueprint.task(name="plan_job", queue="plans", retry=PlanRetry(), pass_context=True)
async def plan_job(context: JobContext, job_id: str) -> str:
    """Plan one job (plan_jobs.run_job's claim makes sure only one process ever runs it)."""
    try:
        answer = await solve_in_child(job_id)
        logger.info("plan job %s: %s", job_id, answer)
        if answer == LEASED:
            raise Leased(f"plan job {job_id} is still beaten by another worker")
        return answer
    except RetryLater as exc:
        attempts = context.job.attempts + 1
        if attempts >= get_settings().plan_job_max_attempts and not isinstance(exc, Leased):
            message = f"planning stopped after {attempts} attempt(s): {exc}; request it again"
            await asyncio.to_thread(fail_visibly, job_id, message)
        raise


@blueprint.task(name="solve_routing", queue="routing", pass_context=True)
async def solve_routing(context: JobContext, subproblem_id: str) -> str:
    """A routing child job: solve one stored subproblem of a plan by its deadline (see
    routing_children.py). The claim names this engine job: if this worker dies, the plan's
    coordinator sees it stalled and hands the subproblem back (the sweep does not retry it)."""
    from logistics.workers.engine import conninfo
    from logistics.workers.routing_child import run_child

    info = conninfo(get_settings().database_url)
    outcome = await asyncio.to_thread(run_child, info, subproblem_id, context.job.id)
    logger.info("routing subproblem %s: %s", subproblem_id, outcome)
    return outcome


# --- background work besides plans: webhook delivery, tracking refresh and sweeps -------------
# Periodic (see engine.make_app: their intervals come from the settings); each call claims its
# rows (SKIP LOCKED), so ticks running at once on two workers never do the same work twice.


@functools.lru_cache(maxsize=1)
def shared_factory() -> sessionmaker[Session]:
    """This worker process's sessions on LOGISTICS_DATABASE_URL (one pool for all its tasks)."""
    return make_session_factory(make_engine(get_settings().database_url))


@blueprint.task(name="deliver_webhooks", queue="webhooks")
async def deliver_webhooks(timestamp: int) -> dict[str, int]:
    """Send the due webhook deliveries until none is due (rows leased, SKIP LOCKED claims)."""
    report = await asyncio.to_thread(webhook_delivery.deliver_until_idle, shared_factory())
    if report.attempted:
        logger.info(
            "webhooks: %d sent, %d delivered, %d to retry, %d failed",
            report.attempted,
            report.delivered,
            report.retrying,
            report.failed,
        )
    return {"attempted": report.attempted, "delivered": report.delivered}


@blueprint.task(name="refresh_tracking", queue="tracking")
async def refresh_tracking(timestamp: int) -> int:
    """Refresh the stale tracking projections (each batch claims its rows, SKIP LOCKED)."""
    attempts = get_settings().db_retry_attempts
    report = await asyncio.to_thread(
        tracking_jobs.refresh_stale, shared_factory(), attempts=attempts
    )
    return report.refreshed


@blueprint.task(name="sweep_tracking", queue="tracking")
async def sweep_tracking(timestamp: int) -> int:
    """Re-examine every undelivered shipment (time-based exceptions: dwell, lost tracking)."""
    attempts = get_settings().db_retry_attempts
    report = await asyncio.to_thread(tracking_jobs.sweep, shared_factory(), attempts=attempts)
    logger.info("tracking sweep: %d shipments, %d opened", report.refreshed, report.opened)
    return report.refreshed
