"""Webhook subscriptions and the outbox of deliveries (durable, so a restart loses nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class WebhookSubscriptionRow(Base):
    """A URL that receives tracking notices, owned by an API key and narrowed by filters.

    Filters are JSON lists (empty: no restriction). The secret is kept in clear because every
    delivery is signed with it; it is shown to the owner only once, at creation.
    """

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    shipper_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(128))
    shipment_ids: Mapped[str] = mapped_column(Text, default="[]")
    milestones: Mapped[str] = mapped_column(Text, default="[]")
    exception_reasons: Mapped[str] = mapped_column(Text, default="[]")
    kinds: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class WebhookOutboxRow(Base):
    """One notice for one subscription: pending until a 2xx answer, retried with backoff.

    A notice is queued once per subscription (the unique constraint on its stable id); the
    delivery id is derived from both, so it is stable too.
    """

    __tablename__ = "webhook_outbox"
    __table_args__ = (
        Index("ix_webhook_outbox_due", "status", "next_attempt_at"),
        UniqueConstraint(
            "subscription_id", "notice_id", name="uq_webhook_outbox_subscription_notice"
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the Webhook-Id header
    notice_id: Mapped[str] = mapped_column(String(40))  # the Webhook-Notice-Id header
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    shipment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: a ping
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
