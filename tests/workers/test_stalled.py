"""The stalled-job sweep: a dead worker's periodic tick is dropped (never retried into the next
tick's queueing lock), its plan job retried, and one job's trouble never stops the others."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from logistics.persistence.database import make_engine
from logistics.persistence.migrate import upgrade_to_head
from logistics.workers.engine import apply_schema, make_app
from logistics.workers.stalled import sweep_once

pytestmark = [pytest.mark.postgres]


def test_a_dead_workers_jobs_are_swept(postgres_url: str) -> None:
    """A tick and a plan job held by a worker silent for an hour, a new tick already waiting:
    the sweep deletes the held tick, puts the plan job back to todo, and raises nothing."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    apply_schema(postgres_url)

    async def scenario() -> list[int]:
        app = make_app(postgres_url, asynchronous=True)
        async with app.open_async():
            lock = "periodic:deliver_webhooks"
            tick = app.configure_task("logistics:deliver_webhooks", queueing_lock=lock)
            await tick.defer_async(timestamp=1)
            plan = app.configure_task("logistics:plan_job", queue="plans", queueing_lock="p1")
            await plan.defer_async(job_id="plan_x")
            dead = await app.job_manager.register_worker()
            held = [await app.job_manager.fetch_job(None, dead) for _ in range(2)]
            assert all(job is not None for job in held)
            await tick.defer_async(timestamp=2)  # the next tick, waiting (same queueing lock)
            await app.connector.execute_query_async(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
                "WHERE id = %(id)s",
                id=dead,
            )
            return await sweep_once(app, postgres_url)

    # Its own thread and loop: the browser tests' session-wide Playwright keeps a loop running
    # in the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(1) as pool:
        swept = pool.submit(asyncio.run, scenario()).result()
    assert len(swept) == 2
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT task_name, status, args FROM procrastinate_jobs ORDER BY id")
        ).all()
    engine.dispose()
    assert [(name, status) for name, status, _ in rows] == [
        ("logistics:plan_job", "todo"),  # retried
        ("logistics:deliver_webhooks", "todo"),  # the waiting tick; the held one is gone
    ]
    assert rows[1].args == {"timestamp": 2}
