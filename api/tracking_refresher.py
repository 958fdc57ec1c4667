"""Keeps stored tracking projections current from a background thread.

Every `poll_s` seconds it refreshes the shipments ingestion marked stale (their state, ETA and
exceptions, and the notices webhooks send); every `sweep_s` seconds it re-examines every
undelivered shipment, because dwell and lost-tracking exceptions open with time, not events.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.transactions import run_in_transaction
from logistics.services import tracking_refresh
from logistics.settings import get_settings

log = logging.getLogger(__name__)


class TrackingRefresher:
    """A daemon thread running `tracking_refresh.refresh` and, less often, `sweep`."""

    batch = 200  # shipments per transaction: row locks are held for one batch only
    max_batches = 50  # per pass, so a flood of events cannot keep the thread from sweeping

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        poll_s: float,
        sweep_s: float,
        attempts: int = 4,
    ) -> None:
        self.session_factory = session_factory
        self.poll_s = poll_s
        self.sweep_s = sweep_s
        self.attempts = attempts
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, session_factory: sessionmaker[Session]) -> TrackingRefresher:
        """A refresher configured by the LOGISTICS_TRACKING_* settings."""
        settings = get_settings()
        return cls(
            session_factory,
            poll_s=settings.tracking_refresh_seconds,
            sweep_s=settings.tracking_sweep_seconds,
            attempts=settings.db_retry_attempts,
        )

    def start(self) -> None:
        """Start the thread (no-op if running)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="tracking-refresher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the pass in flight."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run_once(self, *, sweep: bool = False) -> tracking_refresh.RefreshReport:
        """One pass: short transactions of `batch` shipments each, retried on deadlocks."""
        reports: list[tracking_refresh.RefreshReport] = []
        with self.session_factory() as session:
            if sweep:
                ids = run_in_transaction(
                    session, tracking_refresh.undelivered_ids, write=False, attempts=self.attempts
                )
                for start in range(0, len(ids), self.batch):
                    reports.append(self._refresh(session, ids[start : start + self.batch]))
            else:
                for _ in range(self.max_batches):
                    report = run_in_transaction(
                        session,
                        lambda s: tracking_refresh.refresh(s, limit=self.batch, skip_locked=True),
                        attempts=self.attempts,
                    )
                    reports.append(report)
                    if report.refreshed < self.batch:
                        break
        return tracking_refresh.RefreshReport(
            sum(r.refreshed for r in reports),
            sum(r.opened for r in reports),
            sum(r.closed for r in reports),
            tuple(n for r in reports for n in r.notices),
        )

    def _refresh(self, session: Session, ids: list[str]) -> tracking_refresh.RefreshReport:
        def work(s: Session) -> tracking_refresh.RefreshReport:
            return tracking_refresh.refresh(s, shipment_ids=ids)

        return run_in_transaction(session, work, attempts=self.attempts)

    def _run(self) -> None:
        last_sweep = time.monotonic()
        while not self._stop.is_set():
            try:
                due = time.monotonic() - last_sweep >= self.sweep_s
                self.run_once(sweep=due)
                if due:
                    last_sweep = time.monotonic()
            except Exception:  # keep the thread alive; the next pass retries
                log.exception("tracking refresh failed")
            self._stop.wait(self.poll_s)
