"""Keeps stored tracking projections current from a background thread (the embedded engine;
on the procrastinate engine `logistics worker` runs the same passes as periodic tasks).

Every `poll_s` seconds it refreshes the shipments ingestion marked stale (their state, ETA and
exceptions, and the notices webhooks send); every `sweep_s` seconds it re-examines every
undelivered shipment, because dwell and lost-tracking exceptions open with time, not events.

Ingestion comes first: before each batch of a refresh pass it waits until no ingestion request
of this server has run for `quiet_s` (at most `max_defer_s`, then it refreshes that batch
anyway). On SQLite a batch holds the one write lock while it recomputes; without waiting, a
burst of `POST /v1/events` would queue behind every batch. The projections catch up when the
burst pauses, and lag it by at most about `max_defer_s` per batch.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from api.intake_activity import INTAKE, IntakeActivity
from logistics.services import tracking_refresh
from logistics.settings import get_settings
from logistics.workers import tracking_jobs

log = logging.getLogger(__name__)


class TrackingRefresher:
    """A daemon thread running `tracking_jobs.refresh_stale` and, less often, `sweep`."""

    batch = 50  # shipments per transaction: an ingestion request arriving mid-batch waits less

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        poll_s: float,
        sweep_s: float,
        attempts: int = 4,
        quiet_s: float = 0.0,
        max_defer_s: float = 0.0,
        intake: IntakeActivity = INTAKE,
    ) -> None:
        self.session_factory = session_factory
        self.poll_s = poll_s
        self.sweep_s = sweep_s
        self.attempts = attempts
        self.quiet_s = quiet_s
        self.max_defer_s = max_defer_s
        self.intake = intake
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
            quiet_s=settings.tracking_intake_quiet_seconds,
            max_defer_s=settings.tracking_max_defer_seconds,
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
        if sweep:
            return tracking_jobs.sweep(
                self.session_factory,
                attempts=self.attempts,
                batch=self.batch,
                before_batch=self._give_way,
            )
        return tracking_jobs.refresh_stale(
            self.session_factory,
            attempts=self.attempts,
            batch=self.batch,
            before_batch=self._give_way,
        )

    def _give_way(self) -> None:
        """Wait for ingestion in this process to pause (bounded by `max_defer_s`)."""
        if self.quiet_s > 0:
            self.intake.wait_quiet(self.quiet_s, self.max_defer_s, self._stop)

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
