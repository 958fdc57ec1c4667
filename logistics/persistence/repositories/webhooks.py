"""Webhook subscriptions and the delivery outbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from logistics.persistence.tables import (
    ApiKeyRow,
    ShipmentRow,
    WebhookOutboxRow,
    WebhookSubscriptionRow,
)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
OUTBOX_CHANNEL = "logistics_webhooks"  # NOTIFY on commit when deliveries are queued or rescheduled


def add_subscription(session: Session, row: WebhookSubscriptionRow) -> None:
    """Store a new subscription."""
    session.add(row)
    session.flush()


def get_subscription(session: Session, subscription_id: str) -> WebhookSubscriptionRow | None:
    """A subscription by id (active or not)."""
    return session.get(WebhookSubscriptionRow, subscription_id)


def active_subscriptions(
    session: Session, *, owner_key_id: str | None = None
) -> list[WebhookSubscriptionRow]:
    """Active subscriptions whose owner key is not revoked (optionally one owner's), oldest first."""
    query = (
        select(WebhookSubscriptionRow)
        .join(ApiKeyRow, ApiKeyRow.id == WebhookSubscriptionRow.owner_key_id)
        .where(WebhookSubscriptionRow.active.is_(True), ApiKeyRow.revoked_at.is_(None))
        .order_by(WebhookSubscriptionRow.created_at, WebhookSubscriptionRow.id)
    )
    if owner_key_id is not None:
        query = query.where(WebhookSubscriptionRow.owner_key_id == owner_key_id)
    return list(session.scalars(query))


def shippers_of(session: Session, shipment_ids: Iterable[str]) -> dict[str, str]:
    """Shipment id -> shipper for the stored shipments among `shipment_ids`."""
    ids = sorted(set(shipment_ids))
    if not ids:
        return {}
    query = select(ShipmentRow.id, ShipmentRow.shipper).where(ShipmentRow.id.in_(ids))
    return {shipment_id: shipper for shipment_id, shipper in session.execute(query)}


INSERT_CHUNK = 500  # rows per INSERT (SQLite's bound-parameter limit)


def add_outbox(session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Queue deliveries (column -> value each), skipping any whose (subscription, notice) or id
    is queued already (INSERT ... ON CONFLICT DO NOTHING); return how many were inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [dict(row) for row in rows[start : start + INSERT_CHUNK]]
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
) -> list[tuple[WebhookOutboxRow, WebhookSubscriptionRow]]:
    """Pending deliveries whose time has come, oldest due first, locked (PostgreSQL skips rows
    another dispatcher holds; SQLite serialises writers anyway)."""
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
    return [(outbox, sub) for outbox, sub in session.execute(query).tuples()]


def get_delivery(session: Session, delivery_id: str) -> WebhookOutboxRow | None:
    """One outbox row by id."""
    return session.get(WebhookOutboxRow, delivery_id)


def recent_deliveries(session: Session, subscription_id: str, limit: int) -> list[WebhookOutboxRow]:
    """A subscription's newest outbox rows."""
    query = (
        select(WebhookOutboxRow)
        .where(WebhookOutboxRow.subscription_id == subscription_id)
        .order_by(WebhookOutboxRow.created_at.desc(), WebhookOutboxRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


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
