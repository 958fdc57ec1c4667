"""Tracking refresh and sweep passes (transaction-owning): short transactions of a batch of
shipments each, retried on deadlocks. Run by `logistics worker` (procrastinate) or by the API
server's refresher thread (embedded engine)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.transactions import run_in_transaction
from logistics.services import tracking_refresh
from logistics.services.tracking_refresh import RefreshReport

BATCH = 200  # shipments per transaction: row locks are held for one batch only
MAX_BATCHES = 50  # per refresh pass, so a flood of events cannot keep a worker from sweeping


def _total(reports: list[RefreshReport]) -> RefreshReport:
    return RefreshReport(
        sum(r.refreshed for r in reports),
        sum(r.opened for r in reports),
        sum(r.closed for r in reports),
        tuple(n for r in reports for n in r.notices),
    )


def refresh_stale(
    factory: sessionmaker[Session],
    *,
    attempts: int,
    batch: int = BATCH,
    before_batch: Callable[[], object] | None = None,
) -> RefreshReport:
    """Refresh stale shipments, `batch` per transaction; each batch claims its state rows (rows
    another transaction holds are skipped: PostgreSQL SKIP LOCKED), so refreshers never overlap.
    `before_batch` is called before each batch (the embedded refresher waits there for
    ingestion to pause)."""
    reports: list[RefreshReport] = []
    with factory() as session:
        for _ in range(MAX_BATCHES):
            if before_batch is not None:
                before_batch()
            report = run_in_transaction(
                session,
                lambda s: tracking_refresh.refresh(s, limit=batch, skip_locked=True),
                attempts=attempts,
            )
            reports.append(report)
            if report.refreshed < batch:
                break
    return _total(reports)


def _refreshing(ids: list[str]) -> Callable[[Session], RefreshReport]:
    def work(session: Session) -> RefreshReport:
        return tracking_refresh.refresh(session, shipment_ids=ids)

    return work


def sweep(
    factory: sessionmaker[Session],
    *,
    attempts: int,
    batch: int = BATCH,
    before_batch: Callable[[], object] | None = None,
) -> RefreshReport:
    """Re-examine every undelivered shipment (dwell and lost tracking open with time), `batch`
    per transaction, each locking its rows in id order; `before_batch` as `refresh_stale`'s."""
    reports: list[RefreshReport] = []
    with factory() as session:
        ids = run_in_transaction(
            session, tracking_refresh.undelivered_ids, write=False, attempts=attempts
        )
        for start in range(0, len(ids), batch):
            if before_batch is not None:
                before_batch()
            reports.append(
                run_in_transaction(
                    session, _refreshing(ids[start : start + batch]), attempts=attempts
                )
            )
    return _total(reports)
