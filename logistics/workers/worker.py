"""`logistics worker`'s process: a procrastinate worker on the configured database, the stalled-job
sweep beside it, queued plan jobs left without an engine job deferred at start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from procrastinate import App, exceptions

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import plan_jobs as plan_job_repo
from logistics.services.plan_jobs import QUEUED
from logistics.settings import get_settings
from logistics.workers.engine import PLANS_QUEUE, apply_schema, make_app
from logistics.workers.routing_children import routing_beacon
from logistics.workers.stalled import sweep_forever

logger = logging.getLogger("logistics.worker")
QUEUES = (PLANS_QUEUE,)


def defer_plan_job(app: App, job_id: str) -> bool:
    """Defer a plan job (once: a queueing lock on its id); False if it is already waiting."""
    try:
        app.configure_task("logistics:plan_job", queue=PLANS_QUEUE, queueing_lock=job_id).defer(
            job_id=job_id
        )
    except exceptions.AlreadyEnqueued:
        return False
    return True


async def defer_plan_job_async(app: App, job_id: str) -> bool:
    """defer_plan_job from an event loop."""
    try:
        await app.configure_task(
            "logistics:plan_job", queue=PLANS_QUEUE, queueing_lock=job_id
        ).defer_async(job_id=job_id)
    except exceptions.AlreadyEnqueued:
        return False
    return True


def queued_plan_jobs(database_url: str) -> list[str]:
    """Plan jobs still queued (their server may have stopped between commit and defer)."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return [row.id for row in plan_job_repo.with_status(session, (QUEUED,))]
    finally:
        engine.dispose()


async def run_worker(queues: Sequence[str], concurrency: int) -> None:
    """Run jobs until SIGTERM or SIGINT: running solves finish first (graceful)."""
    settings = get_settings()
    url = settings.database_url
    await asyncio.to_thread(apply_schema, url)
    app = make_app(url, asynchronous=True)
    async with app.open_async():
        for job_id in await asyncio.to_thread(queued_plan_jobs, url):
            if await defer_plan_job_async(app, job_id):
                logger.info("plan job %s: deferred at start (it was queued)", job_id)
        sweeper = asyncio.create_task(sweep_forever(app, url), name="stalled-job sweep")
        beacon = await routing_beacon(url, queues, concurrency)  # held while the worker runs
        try:
            await app.run_worker_async(
                queues=list(queues),
                concurrency=concurrency,
                update_heartbeat_interval=settings.worker_stalled_seconds / 3,
                stalled_worker_timeout=settings.worker_stalled_seconds,
                install_signal_handlers=True,
            )
        finally:
            if beacon is not None:
                await beacon.close()
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
