"""Webhook delivery (the transaction-owning entry point): claim due outbox rows, POST each one
signed, record the answer, each step in its own committed transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.transactions import run_in_transaction
from logistics.services.webhooks import (
    DELIVERED,
    FAILED,
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
