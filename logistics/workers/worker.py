"""`logistics worker`'s process: procrastinate workers on the configured database (one for plan
jobs, one for the light periodic work, so a long solve never holds up webhooks or tracking), the
stalled-job sweep beside them, queued plan jobs left without an engine job deferred at start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from procrastinate import App, exceptions

from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.repositories import plan_jobs as plan_job_repo
from logistics.services.plan_jobs import QUEUED
from logistics.settings import get_settings
from logistics.workers.engine import (
    PLANS_QUEUE,
    TRACKING_QUEUE,
    WEBHOOKS_QUEUE,
    apply_schema,
    make_app,
)
from logistics.workers.routing_children import ROUTING_QUEUE, routing_beacon
from logistics.workers.stalled import sweep_forever
from logistics.workers.webhook_delivery import wake_deliveries

logger = logging.getLogger("logistics.worker")
QUEUES = (PLANS_QUEUE, WEBHOOKS_QUEUE, TRACKING_QUEUE)  # the default
KNOWN_QUEUES = (*QUEUES, ROUTING_QUEUE)
HEAVY_QUEUES = frozenset({PLANS_QUEUE, ROUTING_QUEUE})  # solves: concurrency is --concurrency
LIGHT_CONCURRENCY = 2  # webhook and tracking jobs at once (short, mostly waiting on I/O)


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


def split_queues(queues: Sequence[str]) -> tuple[list[str], list[str]]:
    """The queues of solves, and those of light work, among `queues`."""
    heavy = [q for q in queues if q in HEAVY_QUEUES]
    return heavy, [q for q in queues if q not in HEAVY_QUEUES]


async def _work(app: App, queues: list[str], concurrency: int, name: str) -> None:
    """One procrastinate worker of this process; cancelling it stops it fetching and waits for
    its running jobs (graceful)."""
    settings = get_settings()
    await app.run_worker_async(
        queues=queues,
        concurrency=concurrency,
        name=name,
        update_heartbeat_interval=settings.worker_stalled_seconds / 3,
        stalled_worker_timeout=settings.worker_stalled_seconds,
        install_signal_handlers=False,  # run_worker's handlers stop every worker of the process
        # the light worker's periodic ticks leave no rows behind; plan jobs keep theirs
        delete_jobs="successful" if name == "light" else "never",
    )


async def run_worker(queues: Sequence[str], concurrency: int) -> None:
    """Run jobs until SIGTERM or SIGINT: running jobs (solves too) finish first (graceful)."""
    settings = get_settings()
    url = settings.database_url
    await asyncio.to_thread(apply_schema, url)
    app = make_app(url, asynchronous=True)
    heavy, light = split_queues(queues)
    async with app.open_async():
        if heavy:
            for job_id in await asyncio.to_thread(queued_plan_jobs, url):
                if await defer_plan_job_async(app, job_id):
                    logger.info("plan job %s: deferred at start (it was queued)", job_id)
        runs = []
        if heavy:
            runs.append(asyncio.create_task(_work(app, heavy, concurrency, "solves")))
        if light:
            runs.append(asyncio.create_task(_work(app, light, LIGHT_CONCURRENCY, "light")))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # cancelling a procrastinate worker stops it fetching and waits for its running jobs
            loop.add_signal_handler(signum, lambda: [run.cancel() for run in runs])
        sweeper = asyncio.create_task(sweep_forever(app, url), name="stalled-job sweep")
        waker = (  # webhook deliveries woken on commit (NOTIFY), not only by the fallback tick
            asyncio.create_task(wake_deliveries(app, url), name="webhook waker")
            if WEBHOOKS_QUEUE in queues
            else None
        )
        beacon = await routing_beacon(url, queues, concurrency)  # held while the worker runs
        try:
            results = await asyncio.gather(*runs, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(
                    result, asyncio.CancelledError
                ):
                    raise result
        finally:
            if beacon is not None:
                await beacon.close()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            for task in (sweeper, waker):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
