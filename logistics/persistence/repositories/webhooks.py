"""Webhook subscriptions and the delivery outbox; rows are handed out as `StoredSubscription` and
`OutboxEntry` values, and changed only by the writes here."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from logistics.domain import Role
from logistics.persistence.tables import (
    ApiKeyRow,
    ShipmentRow,
    WebhookOutboxRow,
    WebhookSubscriptionRow,
)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
OUTBOX_CHANNEL = "logistics_webhooks"  # NOTIFY on commit when deliveries are queued or rescheduled


@dataclass(frozen=True, slots=True)
class StoredSubscription:
    """A subscription with its secret and filters (empty: no restriction)."""

    id: str
    owner_key_id: str
    role: Role
    shipper_id: str | None
    url: str
    secret: str
    shipment_ids: tuple[str, ...]
    milestones: tuple[str, ...]
    exception_reasons: tuple[str, ...]
    kinds: tuple[str, ...]
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One queued delivery of a notice to a subscription."""

    id: str
    notice_id: str
    subscription_id: str
    kind: str
    shipment_id: str | None  # None: a notice about no shipment (a subscriber's test ping)
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error: str | None = None
    last_status_code: int | None = None
    delivered_at: datetime | None = None


def _subscription(row: WebhookSubscriptionRow) -> StoredSubscription:
    return StoredSubscription(
        id=row.id,
        owner_key_id=row.owner_key_id,
        role=Role(row.role),
        shipper_id=row.shipper_id,
        url=row.url,
        secret=row.secret,
        shipment_ids=tuple(json.loads(row.shipment_ids)),
        milestones=tuple(json.loads(row.milestones)),
        exception_reasons=tuple(json.loads(row.exception_reasons)),
        kinds=tuple(json.loads(row.kinds)),
        active=row.active,
        created_at=row.created_at,
        deactivated_at=row.deactivated_at,
    )


def _entry(row: WebhookOutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        notice_id=row.notice_id,
        subscription_id=row.subscription_id,
        kind=row.kind,
        shipment_id=row.shipment_id,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        last_error=row.last_error,
        last_status_code=row.last_status_code,
        delivered_at=row.delivered_at,
    )


def add_subscription(session: Session, subscription: StoredSubscription) -> None:
    """Store a new subscription."""
    session.add(
        WebhookSubscriptionRow(
            id=subscription.id,
            owner_key_id=subscription.owner_key_id,
            role=subscription.role.value,
            shipper_id=subscription.shipper_id,
            url=subscription.url,
            secret=subscription.secret,
            shipment_ids=json.dumps(list(subscription.shipment_ids)),
            milestones=json.dumps(list(subscription.milestones)),
            exception_reasons=json.dumps(list(subscription.exception_reasons)),
            kinds=json.dumps(list(subscription.kinds)),
            active=subscription.active,
            created_at=subscription.created_at,
            deactivated_at=subscription.deactivated_at,
        )
    )
    session.flush()


def get_subscription(session: Session, subscription_id: str) -> StoredSubscription | None:
    """A subscription by id (active or not)."""
    row = session.get(WebhookSubscriptionRow, subscription_id)
    return _subscription(row) if row is not None else None


def deactivate_subscription(session: Session, subscription_id: str, when: datetime) -> None:
    """Mark a subscription inactive from `when` (an inactive one keeps its first time)."""
    row = session.get(WebhookSubscriptionRow, subscription_id)
    if row is not None and row.active:
        row.active, row.deactivated_at = False, when
        session.flush()


def active_subscriptions(
    session: Session, *, owner_key_id: str | None = None
) -> list[StoredSubscription]:
    """Active subscriptions whose owner key is not revoked (optionally one owner's), oldest first."""
    query = (
        select(WebhookSubscriptionRow)
        .join(ApiKeyRow, ApiKeyRow.id == WebhookSubscriptionRow.owner_key_id)
        .where(WebhookSubscriptionRow.active.is_(True), ApiKeyRow.revoked_at.is_(None))
        .order_by(WebhookSubscriptionRow.created_at, WebhookSubscriptionRow.id)
    )
    if owner_key_id is not None:
        query = query.where(WebhookSubscriptionRow.owner_key_id == owner_key_id)
    return [_subscription(row) for row in session.scalars(query)]


def shippers_of(session: Session, shipment_ids: Iterable[str]) -> dict[str, str]:
    """Shipment id -> shipper for the stored shipments among `shipment_ids`."""
    ids = sorted(set(shipment_ids))
    if not ids:
        return {}
    query = select(ShipmentRow.id, ShipmentRow.shipper).where(ShipmentRow.id.in_(ids))
    return {shipment_id: shipper for shipment_id, shipper in session.execute(query)}


INSERT_CHUNK = 500  # rows per INSERT (SQLite's bound-parameter limit)


def _outbox_values(entry: OutboxEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "notice_id": entry.notice_id,
        "subscription_id": entry.subscription_id,
        "kind": entry.kind,
        "shipment_id": entry.shipment_id,
        "body": entry.body,
        "status": entry.status,
        "attempts": entry.attempts,
        "next_attempt_at": entry.next_attempt_at,
        "created_at": entry.created_at,
        "last_error": entry.last_error,
        "last_status_code": entry.last_status_code,
        "delivered_at": entry.delivered_at,
    }


def add_outbox(session: Session, entries: Sequence[OutboxEntry]) -> int:
    """Queue deliveries, skipping any whose (subscription, notice) or id is queued already
    (INSERT ... ON CONFLICT DO NOTHING); return how many were inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = 0
    for start in range(0, len(entries), INSERT_CHUNK):
        chunk = [_outbox_values(entry) for entry in entries[start : start + INSERT_CHUNK]]
        statement = (
            insert(WebhookOutboxRow)
            .values(chunk)
            .on_conflict_do_nothing()
            .returning(WebhookOutboxRow.id)
        )
        inserted += len(session.execute(statement).all())  # RETURNING names inserted rows only
    session.flush()
    return inserted


def fail_pending(session: Session, subscription_id: str, reason: str) -> int:
    """Give up every pending delivery of a subscription; return how many."""
    result = session.execute(
        update(WebhookOutboxRow)
        .where(
            WebhookOutboxRow.subscription_id == subscription_id,
            WebhookOutboxRow.status == PENDING,
        )
        .values(status=FAILED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def due(
    session: Session, now: datetime, limit: int
) -> list[tuple[OutboxEntry, StoredSubscription]]:
    """Pending deliveries whose time has come with their subscriptions, oldest due first, locked
    (PostgreSQL skips rows another dispatcher holds; SQLite serialises writers anyway)."""
    query = (
        select(WebhookOutboxRow, WebhookSubscriptionRow)
        .join(
            WebhookSubscriptionRow,
            WebhookSubscriptionRow.id == WebhookOutboxRow.subscription_id,
        )
        .where(WebhookOutboxRow.status == PENDING, WebhookOutboxRow.next_attempt_at <= now)
        .order_by(WebhookOutboxRow.next_attempt_at, WebhookOutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookOutboxRow)
    )
    return [(_entry(outbox), _subscription(sub)) for outbox, sub in session.execute(query).tuples()]


def lease(session: Session, delivery_ids: Collection[str], until: datetime) -> None:
    """Push the next attempt of these deliveries to `until` (a claim: due again only then)."""
    if not delivery_ids:
        return
    session.execute(
        update(WebhookOutboxRow)
        .where(WebhookOutboxRow.id.in_(sorted(delivery_ids)))
        .values(next_attempt_at=until)
    )
    session.flush()


def get_delivery(session: Session, delivery_id: str) -> OutboxEntry | None:
    """One outbox entry by id."""
    row = session.get(WebhookOutboxRow, delivery_id)
    return _entry(row) if row is not None else None


def record_attempt(
    session: Session,
    delivery_id: str,
    *,
    attempts: int,
    status: str,
    last_status_code: int | None,
    last_error: str | None,
    next_attempt_at: datetime | None = None,
    delivered_at: datetime | None = None,
) -> None:
    """Store the outcome of one attempt: its count, status and answer, and (when given) the
    retry time or the delivery time."""
    row = session.get(WebhookOutboxRow, delivery_id)
    if row is None:
        return
    row.attempts, row.status = attempts, status
    row.last_status_code, row.last_error = last_status_code, last_error
    if next_attempt_at is not None:
        row.next_attempt_at = next_attempt_at
    if delivered_at is not None:
        row.delivered_at = delivered_at
    session.flush()


def recent_deliveries(session: Session, subscription_id: str, limit: int) -> list[OutboxEntry]:
    """A subscription's newest outbox rows."""
    query = (
        select(WebhookOutboxRow)
        .where(WebhookOutboxRow.subscription_id == subscription_id)
        .order_by(WebhookOutboxRow.created_at.desc(), WebhookOutboxRow.id.desc())
        .limit(limit)
    )
    return [_entry(row) for row in session.scalars(query)]


def outbox_health(session: Session, now: datetime) -> tuple[int, int, datetime | None]:
    """Pending deliveries, how many of them are due now, and the oldest pending one's creation."""
    pending = WebhookOutboxRow.status == PENDING
    total, due, oldest = session.execute(
        select(
            func.count(),
            func.count().filter(WebhookOutboxRow.next_attempt_at <= now),
            func.min(WebhookOutboxRow.created_at),
        ).where(pending)
    ).one()
    return int(total), int(due), oldest


def notify_outbox(session: Session, payload: str) -> None:
    """On PostgreSQL, NOTIFY `OUTBOX_CHANNEL` with `payload` in this transaction: listeners hear
    it when (and only if) it commits (one per transaction and payload). Nothing elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": OUTBOX_CHANNEL, "payload": payload},
        )


def next_due(session: Session) -> datetime | None:
    """When the soonest pending delivery is due (a retry, a lease running out), or None."""
    return session.execute(
        select(func.min(WebhookOutboxRow.next_attempt_at)).where(WebhookOutboxRow.status == PENDING)
    ).scalar_one_or_none()
