"""Webhook delivery (the transaction-owning entry point): claim due outbox rows, POST each one
signed, record the answer, each step in its own committed transaction; and, on the procrastinate
engine, each worker's waker that defers a delivery job when deliveries are queued (NOTIFY on
commit) or come due, instead of polling every second."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from procrastinate import App, exceptions
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.transactions import run_in_transaction
from logistics.services.webhooks import (
    DELIVERED,
    FAILED,
    OUTBOX_CHANNEL,
    PENDING,
    RESCHEDULED,
    DueDelivery,
    PostFn,
    claim_due,
    record_result,
    retry_policy,
    url_policy,
)
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import NOTICE_ID_HEADER, RetryPolicy, signed_headers
from logistics.workers.webhook_connections import guarded_poster

logger = logging.getLogger("logistics.worker")
DELIVERY_LOCK = "periodic:deliver_webhooks"  # the periodic tick's queueing lock (engine.py)


@dataclass
class DispatchReport:
    """What one `deliver_due` pass did."""

    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def _attempt(due: DueDelivery, post: PostFn, timestamp: int) -> tuple[int | None, str | None]:
    headers = signed_headers(due.id, due.secret, timestamp, due.body)
    if due.notice_id:
        headers[NOTICE_ID_HEADER] = due.notice_id
    try:
        return post(due.url, due.body.encode("utf-8"), headers), None
    except Exception as exc:  # any failure to deliver is recorded and retried, never raised
        return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def deliver_due(
    session_factory: sessionmaker[Session],
    now: datetime,
    post: PostFn,
    *,
    policy: RetryPolicy | None = None,
    limit: int = 20,
    concurrency: int = 4,
    lease_s: float | None = None,
    clock: Callable[[], datetime] | None = None,
) -> DispatchReport:
    """Send due deliveries with `post` and record each answer (own transactions, committed).

    `clock` gives the time each answer is recorded at (default: `now`, for deterministic tests).
    """
    policy = policy or retry_policy()
    with session_factory() as session:  # a writer's transaction: claims never overlap on SQLite
        claimed = run_in_transaction(session, lambda s: claim_due(s, now, limit, lease_s=lease_s))
    report = DispatchReport(attempted=len(claimed))
    timestamp = int(now.timestamp())

    def send(due: DueDelivery) -> str:
        status_code, error = _attempt(due, post, timestamp)
        with session_factory() as session:
            return run_in_transaction(
                session,
                lambda s: record_result(
                    s,
                    due.id,
                    clock() if clock else now,
                    status_code=status_code,
                    error=error,
                    policy=policy,
                ),
            )

    if len(claimed) > 1 and concurrency > 1:
        with ThreadPoolExecutor(min(concurrency, len(claimed))) as pool:
            outcomes = list(pool.map(send, claimed))
    else:
        outcomes = [send(due) for due in claimed]
    for outcome in outcomes:
        if outcome == DELIVERED:
            report.delivered += 1
        elif outcome == FAILED:
            report.failed += 1
        else:
            report.retrying += 1
    return report


def deliver_until_idle(
    factory: sessionmaker[Session], *, max_passes: int = 50, budget_s: float = 30.0
) -> DispatchReport:
    """Send what is due, pass after pass, until a pass finds nothing (at most `max_passes`, and
    no new pass after `budget_s`, so a worker asked to stop is not held up long; the next tick
    goes on): every connection checked against the URL policy (LOGISTICS_WEBHOOK_* settings)."""
    settings = get_settings()
    total = DispatchReport()
    started = time.monotonic()
    with guarded_poster(url_policy(), settings.webhook_timeout_seconds) as post:
        for _ in range(max_passes):
            report = deliver_due(factory, _now(), post, clock=_now)
            total.attempted += report.attempted
            total.delivered += report.delivered
            total.retrying += report.retrying
            total.failed += report.failed
            if report.attempted == 0 or time.monotonic() - started >= budget_s:
                break
    return total


# --- waking the senders (procrastinate engine) --------------------------------------------------
WAKE_GAP_S = 1.0  # a worker's waker defers at most one delivery job this often
WAKER_NAME = "logistics webhook waker"  # its connection's application_name (pg_stat_activity)
RECONNECT_S = 5.0  # after a lost listening connection (the fallback tick covers the gap)


async def _soonest_due_s(conn: psycopg.AsyncConnection[Any]) -> float | None:
    """Seconds until the soonest pending delivery is due (<= 0: due now), or None."""
    cursor = await conn.execute(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM webhook_outbox "
        "WHERE status = %s",
        (PENDING,),
    )
    row = await cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


async def _heard(conn: psycopg.AsyncConnection[Any], timeout: float) -> list[str]:
    """The payloads of the notifications heard within `timeout` seconds (stops at the first
    one, taking any others already arrived)."""
    payloads: list[str] = []
    async for notice in conn.notifies(timeout=timeout, stop_after=1):
        payloads.append(notice.payload)
    return payloads


async def wake_deliveries(app: App, database_url: str) -> None:
    """A worker's waker (until cancelled): LISTEN on the outbox channel and defer a delivery job
    (one waiting at a time: the periodic tick's queueing lock) when deliveries are queued (a
    NOTIFY on commit) and when the soonest pending one comes due (a retry, a lease running out);
    in any case every LOGISTICS_WEBHOOK_POLL_SECONDS (the fallback for missed notifications)."""
    from logistics.workers.engine import conninfo  # (engine imports the tasks, which import us)

    fallback = get_settings().webhook_poll_seconds
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo(database_url), autocommit=True, application_name=WAKER_NAME
            ) as conn:
                await conn.execute("LISTEN " + OUTBOX_CHANNEL)
                while True:
                    soonest = await _soonest_due_s(conn)
                    wait = fallback if soonest is None else min(fallback, soonest)
                    if wait > 0:
                        heard = await _heard(conn, wait)
                        if heard and all(p == RESCHEDULED for p in heard):
                            continue  # only a retry time set: re-read the soonest due time
                    await defer_delivery(app)
                    await asyncio.sleep(WAKE_GAP_S)
        except asyncio.CancelledError:
            raise
        except Exception:  # the periodic fallback tick keeps sending meanwhile
            logger.exception("webhook waker lost its connection; reconnecting")
            await asyncio.sleep(RECONNECT_S)


async def defer_delivery(app: App) -> bool:
    """Defer a delivery job now unless one is waiting already (the periodic tick's queueing
    lock: any worker then sends what is due); False if one was waiting."""
    try:
        await app.configure_task(
            "logistics:deliver_webhooks",
            queue="webhooks",
            queueing_lock=DELIVERY_LOCK,
        ).defer_async(timestamp=int(time.time()))
    except exceptions.AlreadyEnqueued:
        return False
    return True
