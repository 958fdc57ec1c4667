"""Webhooks: subscriptions with filters, an outbox filled by tracking, signed at-least-once delivery.

Tracking calls `enqueue` inside its own transaction, so a notice is queued exactly when the change
that caused it is committed. A dispatcher calls `logistics.workers.webhook_delivery.deliver_due` repeatedly: it claims due outbox rows
(a lease, so two dispatchers never send the same row at once), POSTs each one signed, and records
the answer. A row is `delivered` only after a 2xx; anything else schedules a retry with backoff
until `max_attempts`, after which it is `failed`. The outbox lives in the database, so pending
deliveries survive a restart.

Queuing wakes the senders on commit instead of leaving them to poll: on PostgreSQL a NOTIFY on
`OUTBOX_CHANNEL` in the queuing transaction (payload `queued`; `rescheduled` when a failed attempt
sets a retry time, so listeners re-read the soonest due time), and in this process
`OUTBOX_SIGNAL` (a commit of a session that queued deliveries sets it: the embedded dispatcher's
wake-up). Senders still look every LOGISTICS_WEBHOOK_POLL_SECONDS for anything missed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Milestone, Notice, NoticeKind, Principal, Role
from logistics.errors import NotFound, PermissionDenied, Problem, ValidationFailed
from logistics.persistence.repositories import webhooks as repo
from logistics.persistence.repositories.webhooks import (
    DELIVERED,
    FAILED,
    OUTBOX_CHANNEL,
    PENDING,
    OutboxEntry,
    StoredSubscription,
)
from logistics.settings import get_settings
from logistics.tracking.webhook_signing import RetryPolicy
from logistics.tracking.webhook_url_policy import UrlPolicy, parse_allow_list, url_problem

__all__ = ["DELIVERED", "FAILED", "OUTBOX_CHANNEL", "PENDING"]
QUEUED, RESCHEDULED = "queued", "rescheduled"  # payloads of a NOTIFY on OUTBOX_CHANNEL

TEST_KIND = "webhook.test"  # a subscriber's test ping: no shipment, no filter applies
SUBSCRIBER_ROLES = frozenset({Role.SHIPPER, Role.COORDINATOR, Role.ADMIN})
SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 2000
MAX_ERROR_LENGTH = 500

PostFn = Callable[[str, bytes, Mapping[str, str]], int]
"""POSTs `body` with `headers` to a URL and returns the HTTP status; raises on network errors."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription as its owner sees it (never with its secret)."""

    id: str
    owner_key_id: str
    role: Role
    shipper_id: str | None
    url: str
    shipment_ids: tuple[str, ...]
    milestones: tuple[str, ...]
    exception_reasons: tuple[str, ...]
    kinds: tuple[str, ...]
    active: bool
    created_at: datetime

    def matches(self, notice: Notice) -> bool:
        """True when this subscription wants `notice` (shipper scope first, then each filter)."""
        if self.role is Role.SHIPPER and (not self.shipper_id or notice.shipper != self.shipper_id):
            return False
        if self.kinds and notice.kind.value not in self.kinds:
            return False
        if self.shipment_ids and notice.shipment_id not in self.shipment_ids:
            return False
        # Milestone and reason filters narrow only the notices that carry one.
        if (
            self.milestones
            and notice.kind is NoticeKind.MILESTONE
            and notice.milestone not in self.milestones
        ):
            return False
        return not (
            self.exception_reasons
            and notice.kind in (NoticeKind.EXCEPTION_OPENED, NoticeKind.EXCEPTION_CLOSED)
            and notice.exception_reason not in self.exception_reasons
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row as the subscription's owner sees it."""

    id: str
    subscription_id: str
    kind: str
    shipment_id: str | None  # None: a test ping
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    notice_id: str = ""


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A claimed delivery: everything needed to send it without the database."""

    id: str
    url: str
    secret: str
    body: str
    attempts: int
    notice_id: str = ""


class OutboxSignal:
    """An in-process wake-up: `notify` after a commit that queued deliveries; `wait` returns
    when one came after the count a waiter last saw, or at the timeout (each waiter keeps its
    own count, so two dispatchers in one process never steal each other's wake-ups)."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def seen(self) -> int:
        """The count now (what a waiter passes to `wait`)."""
        with self._changed:
            return self._count

    def notify(self) -> None:
        """Wake every waiter."""
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Until the count passes `seen` or `timeout` seconds; the count then."""
        with self._changed:
            self._changed.wait_for(lambda: self._count != seen, timeout=max(0.0, timeout))
            return self._count


OUTBOX_SIGNAL = OutboxSignal()
_QUEUED_KEY, _HOOKED_KEY = "logistics.webhooks.queued", "logistics.webhooks.hooked"


def _after_commit(session: Session) -> None:
    if session.info.pop(_QUEUED_KEY, False):
        OUTBOX_SIGNAL.notify()


def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED_KEY, None)


def _wake_on_commit(session: Session) -> None:
    """Wake the senders when this session's transaction commits (NOTIFY on PostgreSQL, and
    `OUTBOX_SIGNAL` in this process); a rollback wakes nobody."""
    repo.notify_outbox(session, QUEUED)
    session.info[_QUEUED_KEY] = True
    if not session.info.get(_HOOKED_KEY):
        session.info[_HOOKED_KEY] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)


def next_due_at(session: Session) -> datetime | None:
    """When the soonest pending delivery is due (retries, leases running out), or None."""
    return repo.next_due(session)


def retry_policy() -> RetryPolicy:
    """The retry schedule configured in the settings."""
    settings = get_settings()
    base = settings.webhook_retry_base_seconds
    return RetryPolicy(
        base_s=base,
        cap_s=max(base, settings.webhook_retry_cap_seconds),
        max_attempts=settings.webhook_max_attempts,
    )


def _subscription(stored: StoredSubscription) -> Subscription:
    return Subscription(
        id=stored.id,
        owner_key_id=stored.owner_key_id,
        role=stored.role,
        shipper_id=stored.shipper_id,
        url=stored.url,
        shipment_ids=stored.shipment_ids,
        milestones=stored.milestones,
        exception_reasons=stored.exception_reasons,
        kinds=stored.kinds,
        active=stored.active,
        created_at=stored.created_at,
    )


def _delivery(row: OutboxEntry) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        kind=row.kind,
        shipment_id=row.shipment_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        notice_id=row.notice_id,
    )


def url_policy() -> UrlPolicy:
    """Which webhook URLs are accepted: LOGISTICS_WEBHOOK_ALLOW_HTTP and _ALLOW_HOSTS."""
    settings = get_settings()
    return UrlPolicy(
        allow_http=settings.webhook_allow_http,
        allowed=parse_allow_list(settings.webhook_allow_hosts),
    )


def _enum_values(
    field: str, values: Iterable[str], allowed: Iterable[str], problems: list[Problem]
) -> list[str]:
    known = list(allowed)
    chosen: list[str] = []
    for value in values:
        if value not in known:
            problems.append(
                Problem("body", 1, field, f"unknown value {value!r}; one of {', '.join(known)}")
            )
        elif value not in chosen:
            chosen.append(value)
    return chosen


def subscribe(
    session: Session,
    principal: Principal,
    *,
    url: str,
    shipment_ids: Sequence[str] = (),
    milestones: Sequence[str] = (),
    exception_reasons: Sequence[str] = (),
    kinds: Sequence[str] = (),
    now: datetime | None = None,
) -> tuple[str, Subscription]:
    """Create a subscription; return its signing secret (shown once) and the subscription."""
    if principal.role not in SUBSCRIBER_ROLES:
        raise PermissionDenied(f"role {principal.role.value} may not subscribe to webhooks")
    problems: list[Problem] = []
    url = url.strip()
    if (reason := url_problem(url, url_policy())) is not None:
        problems.append(Problem("body", 1, "url", reason))
    chosen_milestones = _enum_values("milestones", milestones, Milestone, problems)
    chosen_reasons = _enum_values("exception_reasons", exception_reasons, ExceptionReason, problems)
    chosen_kinds = _enum_values("kinds", kinds, NoticeKind, problems)
    chosen_ids = list(dict.fromkeys(s.strip() for s in shipment_ids))
    owners = repo.shippers_of(session, chosen_ids)
    for shipment_id in chosen_ids:
        # A shipper cannot tell another shipper's shipment from a missing one (as everywhere).
        if shipment_id not in owners or not principal.may_see_shipper(owners[shipment_id]):
            problems.append(Problem("body", 1, "shipment_ids", f"no shipment {shipment_id!r}"))
    if problems:
        raise ValidationFailed(problems, summary="webhook subscription refused")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    stored = StoredSubscription(
        id="whs_" + uuid.uuid4().hex[:20],
        owner_key_id=principal.key_id,
        role=principal.role,
        shipper_id=principal.shipper_id if principal.role is Role.SHIPPER else None,
        url=url,
        secret=secret,
        shipment_ids=tuple(chosen_ids),
        milestones=tuple(chosen_milestones),
        exception_reasons=tuple(chosen_reasons),
        kinds=tuple(chosen_kinds),
        active=True,
        created_at=now or datetime.now(UTC),
    )
    repo.add_subscription(session, stored)
    return secret, _subscription(stored)


def list_subscriptions(session: Session, principal: Principal) -> list[Subscription]:
    """The caller's active subscriptions (an admin sees everyone's)."""
    owner = None if principal.role is Role.ADMIN else principal.key_id
    return [_subscription(r) for r in repo.active_subscriptions(session, owner_key_id=owner)]


def _owned(session: Session, principal: Principal, subscription_id: str) -> StoredSubscription:
    row = repo.get_subscription(session, subscription_id)
    if (
        row is None
        or not row.active
        or (principal.role is not Role.ADMIN and row.owner_key_id != principal.key_id)
    ):
        raise NotFound(f"no webhook subscription {subscription_id!r}")
    return row


def get_subscription(session: Session, principal: Principal, subscription_id: str) -> Subscription:
    """One of the caller's active subscriptions, or NotFound."""
    return _subscription(_owned(session, principal, subscription_id))


def delete_subscription(
    session: Session, principal: Principal, subscription_id: str, *, now: datetime | None = None
) -> None:
    """Deactivate a subscription; its pending deliveries are given up (history is kept)."""
    row = _owned(session, principal, subscription_id)
    repo.deactivate_subscription(session, row.id, now or datetime.now(UTC))
    repo.fail_pending(session, row.id, "subscription deleted")


def list_deliveries(
    session: Session, principal: Principal, subscription_id: str, *, limit: int = 50
) -> list[Delivery]:
    """A subscription's newest deliveries: status, attempts, last answer or error."""
    row = _owned(session, principal, subscription_id)
    return [_delivery(r) for r in repo.recent_deliveries(session, row.id, limit)]


def send_test(
    session: Session, principal: Principal, subscription_id: str, *, now: datetime | None = None
) -> Delivery:
    """Queue one signed `webhook.test` notice to one of the caller's subscriptions.

    It goes through the outbox like every notice (signed with the subscription's secret, sent by
    the same senders with the same address checks and retries, listed among the deliveries), but
    is about no shipment and passes no filter. Each call queues a new notice (its own id).
    """
    row = _owned(session, principal, subscription_id)
    created = now or datetime.now(UTC)
    key = "ntc_" + uuid.uuid4().hex[:24]
    delivery = delivery_id(row.id, key)
    document = {
        "id": delivery,
        "notice_id": key,
        "type": TEST_KIND,
        "subscription_id": row.id,
        "created_at": created.isoformat(),
        "shipment_id": None,
        "shipper": row.shipper_id,
        "occurred_at": created.isoformat(),
        "milestone": None,
        "exception_reason": None,
        "data": {"message": "Test notice: your endpoint is reached and can check the signature."},
    }
    entry = OutboxEntry(
        id=delivery,
        notice_id=key,
        subscription_id=row.id,
        kind=TEST_KIND,
        shipment_id=None,
        body=json.dumps(document, separators=(",", ":")),
        status=PENDING,
        attempts=0,
        next_attempt_at=created,
        created_at=created,
    )
    if repo.add_outbox(session, [entry]):
        _wake_on_commit(session)
    return _delivery(entry)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _key_fields(notice: Notice) -> dict[str, Any]:
    """What identifies a notice: the change and the state it was computed from, never the time a
    refresh ran or a new exception row's id (two racing refreshes would not share those)."""
    data = notice.data
    if not notice.basis:  # a producer that names no state: the notice's whole content
        return {
            "occurred_at": notice.occurred_at,
            "milestone": notice.milestone,
            "exception_reason": notice.exception_reason,
            "data": dict(data),
        }
    if notice.kind is NoticeKind.EXCEPTION_CLOSED:
        return {"exception": data.get("id")}  # a stored exception closes once
    fields: dict[str, Any] = {"basis": notice.basis}
    if notice.kind is NoticeKind.MILESTONE:
        fields["milestone"] = notice.milestone
    elif notice.kind is NoticeKind.EXCEPTION_OPENED:
        fields.update(
            {k: data.get(k) for k in ("reason", "origin", "leg_index", "location", "mode")}
        )
    return fields  # an ETA change: one per state it was computed from


def notice_id(notice: Notice) -> str:
    """The notice's stable id (`ntc_…`): the same change from the same state has the same id."""
    key = {"kind": notice.kind.value, "shipment_id": notice.shipment_id, **_key_fields(notice)}
    text = json.dumps(key, default=_json_default, sort_keys=True, separators=(",", ":"))
    return "ntc_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def delivery_id(subscription_id: str, notice: str) -> str:
    """The delivery id (`whd_…`, the Webhook-Id header) of notice id `notice` to a subscription:
    derived from both, so it is stable as well."""
    return "whd_" + hashlib.sha256(f"{subscription_id}/{notice}".encode()).hexdigest()[:24]


def notice_body(
    delivery: str, subscription_id: str, notice: Notice, now: datetime, notice_key: str = ""
) -> str:
    """The JSON document a subscriber receives for `notice` (`notice_key`: its notice id)."""
    document = {
        "id": delivery,
        "notice_id": notice_key or notice_id(notice),
        "type": notice.kind.value,
        "subscription_id": subscription_id,
        "created_at": now.isoformat(),
        "shipment_id": notice.shipment_id,
        "shipper": notice.shipper,
        "occurred_at": notice.occurred_at.isoformat(),
        "milestone": notice.milestone,
        "exception_reason": notice.exception_reason,
        "data": dict(notice.data),
    }
    return json.dumps(document, default=_json_default, separators=(",", ":"))


def enqueue(session: Session, notices: Sequence[Notice], *, now: datetime | None = None) -> int:
    """Queue one delivery per (active subscription, matching notice); return how many were new.

    A notice already queued for a subscription (the same id: the same change computed from the
    same state, e.g. by two refreshes racing) is skipped by the database's unique constraint.
    Runs inside the caller's transaction (flushes, never commits).
    """
    if not notices:
        return 0
    subscriptions = [_subscription(r) for r in repo.active_subscriptions(session)]
    if not subscriptions:
        return 0
    created = now or datetime.now(UTC)
    rows: dict[str, OutboxEntry] = {}
    for notice in notices:
        key = notice_id(notice)
        for sub in subscriptions:
            if not sub.matches(notice):
                continue
            delivery = delivery_id(sub.id, key)
            rows[delivery] = OutboxEntry(
                id=delivery,
                notice_id=key,
                subscription_id=sub.id,
                kind=notice.kind.value,
                shipment_id=notice.shipment_id,
                body=notice_body(delivery, sub.id, notice, created, key),
                status=PENDING,
                attempts=0,
                next_attempt_at=created,
                created_at=created,
            )
    if not rows:
        return 0
    inserted = repo.add_outbox(session, list(rows.values()))
    if inserted:
        _wake_on_commit(session)
    return inserted


def claim_due(
    session: Session, now: datetime, limit: int, *, lease_s: float | None = None
) -> list[DueDelivery]:
    """Claim up to `limit` due deliveries for `lease_s` seconds (default
    LOGISTICS_WEBHOOK_LEASE_SECONDS); the caller commits the claim.

    Rows another transaction is claiming are skipped (PostgreSQL SKIP LOCKED). A sender that
    dies while sending leaves the row pending; it is due again once the lease runs out, so
    nothing is lost (and the receiver may see it twice, under the same ids: at-least-once).
    """
    lease = lease_s if lease_s is not None else get_settings().webhook_lease_seconds
    claimed: list[DueDelivery] = []
    lease_until = now + timedelta(seconds=lease)
    for outbox, sub in repo.due(session, now, limit):
        claimed.append(
            DueDelivery(
                outbox.id, sub.url, sub.secret, outbox.body, outbox.attempts, outbox.notice_id
            )
        )
    repo.lease(session, [d.id for d in claimed], lease_until)
    return claimed


def outbox_health(session: Session, now: datetime) -> tuple[int, int, datetime | None]:
    """Pending deliveries, how many are due now, and when the oldest pending one was queued."""
    return repo.outbox_health(session, now)


def record_result(
    session: Session,
    delivery_id: str,
    now: datetime,
    *,
    status_code: int | None,
    error: str | None = None,
    policy: RetryPolicy | None = None,
) -> str:
    """Record one attempt: delivered on a 2xx, else retry later or give up; return the status."""
    row = repo.get_delivery(session, delivery_id)
    if row is None:
        raise NotFound(f"no webhook delivery {delivery_id!r}")
    if row.status != PENDING:  # e.g. the subscription was deleted while this attempt ran
        return row.status
    policy = policy or retry_policy()
    attempts = row.attempts + 1
    if status_code is not None and 200 <= status_code < 300:
        repo.record_attempt(
            session,
            row.id,
            attempts=attempts,
            status=DELIVERED,
            last_status_code=status_code,
            last_error=None,
            delivered_at=now,
        )
        return DELIVERED
    message = (error or f"HTTP {status_code}")[:MAX_ERROR_LENGTH]
    next_at = policy.next_attempt_at(attempts, now)
    status = FAILED if next_at is None else PENDING
    repo.record_attempt(
        session,
        row.id,
        attempts=attempts,
        status=status,
        last_status_code=status_code,
        last_error=message,
        next_attempt_at=next_at,
    )
    if next_at is not None:
        repo.notify_outbox(session, RESCHEDULED)  # listeners re-read the soonest due time
    return status
