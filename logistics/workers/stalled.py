"""The stalled-job sweep: jobs of workers that stopped beating are retried, or failed visibly once
their attempts are spent. One worker sweeps at a time (a PostgreSQL advisory lock)."""

from __future__ import annotations

import asyncio
import logging

import psycopg
from procrastinate import App
from procrastinate.jobs import Job, Status

from logistics.settings import get_settings
from logistics.workers.engine import conninfo
from logistics.workers.tasks import fail_visibly

logger = logging.getLogger("logistics.worker")
SWEEP_LOCK = 0x73776565  # advisory lock key of the sweep
PERIODIC_TASKS = frozenset(
    {"logistics:deliver_webhooks", "logistics:refresh_tracking", "logistics:sweep_tracking"}
)  # never retried: a retried tick could meet the next one's queueing lock
ROUTING_CHILD = "logistics:solve_routing"  # never retried here: its plan's coordinator hands
# the subproblem back (a fresh child job) if enough of the plan's deadline remains


async def sweep_once(app: App, database_url: str) -> list[int]:
    """Retry (or fail) the jobs of stalled workers unless another worker is sweeping; their ids."""
    settings = get_settings()
    swept: list[int] = []
    async with await psycopg.AsyncConnection.connect(
        conninfo(database_url), autocommit=True
    ) as lock_conn:
        cursor = await lock_conn.execute("SELECT pg_try_advisory_lock(%s)", (SWEEP_LOCK,))
        row = await cursor.fetchone()
        if not (row and row[0]):
            return swept  # another worker is sweeping right now
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.worker_stalled_seconds
            )
            for job in stalled:
                assert job.id is not None
                try:
                    await _sweep_job(app, job)
                except Exception:  # one job's trouble must not keep the others stalled
                    logger.exception("stalled job %d (%s) not swept", job.id, job.task_name)
                    continue
                swept.append(job.id)
        finally:
            await lock_conn.execute("SELECT pg_advisory_unlock(%s)", (SWEEP_LOCK,))
    return swept


async def _sweep_job(app: App, job: Job) -> None:
    """Drop a periodic tick (the next tick does its work: webhook rows wait out their lease),
    fail a routing child job (its coordinator decides about a new one), retry any other job, or
    fail it visibly once its attempts are spent."""
    settings = get_settings()
    if job.task_name == ROUTING_CHILD:
        await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
        logger.warning("stalled routing child job %d failed (its plan hands it back)", job.id)
    elif job.task_name in PERIODIC_TASKS:
        await app.job_manager.finish_job(job, Status.ABORTED, delete_job=True)
        logger.warning("stalled periodic job %d (%s) dropped", job.id, job.task_name)
    elif job.attempts + 1 >= settings.plan_job_max_attempts:
        await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
        if job.task_name == "logistics:plan_job":
            message = (
                f"the workers running this plan stopped {job.attempts + 1} time(s); "
                "request it again"
            )
            await asyncio.to_thread(fail_visibly, str(job.task_kwargs["job_id"]), message)
        logger.warning("stalled job %d (%s) failed", job.id, job.task_name)
    else:
        await app.job_manager.retry_job(job)
        logger.warning("stalled job %d (%s) retried", job.id, job.task_name)


async def sweep_forever(app: App, database_url: str) -> None:
    """Sweep every third of LOGISTICS_WORKER_STALLED_SECONDS until cancelled."""
    every = get_settings().worker_stalled_seconds / 3
    while True:
        await asyncio.sleep(every)
        try:
            await sweep_once(app, database_url)
        except Exception:  # a failed sweep is tried again at the next tick
            logger.exception("stalled-job sweep failed")
