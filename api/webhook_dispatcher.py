"""Sends queued webhook deliveries from a background thread (the outbox is in the database)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.services import webhooks
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import RetryPolicy
from logistics.tracking.webhook_url_policy import UrlPolicy
from logistics.workers.webhook_connections import PostFn, Resolver, guarded_poster, resolve
from logistics.workers.webhook_delivery import DispatchReport, deliver_due

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


MIN_WAIT_S = 0.5  # never look again sooner than this when nothing was sent (no busy loop)


class WebhookDispatcher:
    """A thread that runs `deliver_due` with an httpx client when deliveries are queued in this
    process (woken on commit: `webhooks.OUTBOX_SIGNAL`), when the soonest pending one comes due
    (a retry, a lease running out), and at least every `poll_s` seconds (the fallback: deliveries
    queued by another process on the same database).

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
        url_policy: UrlPolicy | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.session_factory = session_factory
        self.url_policy = url_policy if url_policy is not None else webhooks.url_policy()
        self.resolver = resolver
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self.policy = policy
        self._stop = threading.Event()
        self.idle = threading.Event()  # set while the thread waits for a wake-up (tests, health)
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
        webhooks.OUTBOX_SIGNAL.notify()  # (wakes the thread's wait)
        if self._thread is not None:
            self._thread.join(timeout=timeout_s if timeout_s is not None else self.timeout_s + 5)
            self._thread = None

    def deliver_once(self) -> DispatchReport:
        """One pass: send what is due now (connections checked against the URL policy)."""
        with guarded_poster(self.url_policy, self.timeout_s, self.resolver) as post:
            return self._deliver(post)

    def _deliver(self, post: PostFn) -> DispatchReport:
        return deliver_due(self.session_factory, _now(), post, policy=self.policy, clock=_now)

    def _run(self) -> None:
        # Every connection resolves the URL's host, checks each address against the policy and
        # connects only to a checked one; redirects are never followed.
        signal = webhooks.OUTBOX_SIGNAL
        with guarded_poster(self.url_policy, self.timeout_s, self.resolver) as post:
            seen = signal.seen()  # (before the pass: a commit during it wakes the wait below)
            while not self._stop.is_set():
                try:
                    report: DispatchReport | None = self._deliver(post)
                except Exception:  # a database hiccup must not kill the dispatcher
                    log.exception("webhook dispatch pass failed")
                    report = None
                # After a pass that sent something, more may be due: look again at once.
                if report is None or report.attempted == 0:
                    wait_s = self._wait_s()
                    self.idle.set()
                    seen = signal.wait(seen, wait_s)
                    self.idle.clear()

    def _wait_s(self) -> float:
        """Until the soonest pending delivery is due, at most `poll_s` (at least MIN_WAIT_S)."""
        try:
            with self.session_factory() as session:
                soonest = webhooks.next_due_at(session)
        except Exception:  # the fallback interval then
            log.exception("webhook dispatcher: the next due time could not be read")
            return self.poll_s
        if soonest is None:
            return self.poll_s
        if soonest.tzinfo is None:
            soonest = soonest.replace(tzinfo=UTC)
        return max(MIN_WAIT_S, min(self.poll_s, (soonest - _now()).total_seconds()))
