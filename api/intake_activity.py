"""Ingestion requests running in this process, so the embedded engine's refresher can give way.

SQLite has one writer at a time. During an ingestion burst, a refresh batch holding the write
lock (and the GIL, recomputing projections) makes every ingestion request wait behind it; intake
comes first and the projections catch up when it pauses (`TrackingRefresher`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class IntakeActivity:
    """How many ingestion requests are running, and when the last one ended."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = 0
        self._ended_at = -math.inf

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the block as an ingestion request."""
        with self._changed:
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._ended_at = time.monotonic()
                self._changed.notify_all()

    def wait_quiet(self, quiet_s: float, max_wait_s: float, stop: threading.Event) -> bool:
        """Wait until no ingestion request has run for `quiet_s`; True when it has, False when
        `max_wait_s` passed first or `stop` was set (checked at least every second)."""
        deadline = time.monotonic() + max_wait_s
        with self._changed:
            while True:
                now = time.monotonic()
                quiet_for = now - self._ended_at
                if self._running == 0 and quiet_for >= quiet_s:
                    return True
                if now >= deadline or stop.is_set():
                    return False
                until_quiet = math.inf if self._running else quiet_s - quiet_for
                self._changed.wait(min(deadline - now, until_quiet, 1.0))


INTAKE = IntakeActivity()
"""This process's ingestion requests (the API routes that ingest count themselves here)."""
