"""Sends queued webhook deliveries from a background thread (the outbox is in the database)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from logistics.services import webhooks
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import RetryPolicy

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class WebhookDispatcher:
    """A thread that runs `deliver_due` every `poll_s` seconds with an httpx client.

    Deliveries left pending by a stop or a crash are sent by the next start (of any process on
    the same database).
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        poll_s: float,
        timeout_s: float,
        policy: RetryPolicy,
    ) -> None:
        self.session_factory = session_factory
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self.policy = policy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, session_factory: sessionmaker[Session]) -> WebhookDispatcher:
        """A dispatcher configured by the LOGISTICS_WEBHOOK_* settings."""
        settings = get_settings()
        return cls(
            session_factory,
            poll_s=settings.webhook_poll_seconds,
            timeout_s=settings.webhook_timeout_seconds,
            policy=webhooks.retry_policy(),
        )

    def start(self) -> None:
        """Start the thread (no-op if running)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhook-dispatcher", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float | None = None) -> None:
        """Ask the thread to stop and wait for the attempt in flight (pending rows stay queued)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s if timeout_s is not None else self.timeout_s + 5)
            self._thread = None

    def _run(self) -> None:
        # Redirects are not followed: a 3xx is a failed attempt, never a POST to another host.
        with httpx.Client(timeout=self.timeout_s, follow_redirects=False) as client:

            def post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
                return client.post(url, content=body, headers=dict(headers)).status_code

            while not self._stop.is_set():
                try:
                    report = webhooks.deliver_due(
                        self.session_factory, _now(), post, policy=self.policy, clock=_now
                    )
                except Exception:  # a database hiccup must not kill the dispatcher
                    log.exception("webhook dispatch pass failed")
                    report = None
                # After a pass that sent something, more may be due: look again at once.
                if report is None or report.attempted == 0:
                    self._stop.wait(self.poll_s)
