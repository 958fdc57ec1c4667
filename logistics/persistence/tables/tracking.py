"""Tracking: raw messages as received, normalised append-only events, and booked legs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class RawMessageRow(Base):
    """A payload exactly as a feed delivered it."""

    __tablename__ = "raw_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class EventRow(Base):
    """A normalised tracking event (append-only; `seq` orders storage for pollers)."""

    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint("source", "event_id", name="uq_tracking_events_source_event"),
        # partial: most events are a shipment's and name neither; each entry costs every insert
        *(
            Index(
                f"ix_tracking_events_{column}",
                column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"),
            )
            for column in ("service_id", "vehicle_id")
        ),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(64))
    content_key: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)  # hashing.content_key
    shipment_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    service_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    vehicle_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    milestone: Mapped[str] = mapped_column(String(32))
    time_type: Mapped[str] = mapped_column(String(16))
    event_time: Mapped[datetime] = mapped_column(UtcDateTime)
    event_offset_min: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mode: Mapped[str | None] = mapped_column(String(8), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    retracts: Mapped[str | None] = mapped_column(String(128), nullable=True)
    source_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    raw_message_id: Mapped[int | None] = mapped_column(ForeignKey("raw_messages.id"), nullable=True)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    references: Mapped[str] = mapped_column(Text, default="{}")


class BookedLegRow(Base):
    """One leg of a shipment's active itinerary (written when a plan is accepted)."""

    __tablename__ = "booked_legs"

    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    leg_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))
    from_location: Mapped[str] = mapped_column(String(64))
    to_location: Mapped[str] = mapped_column(String(64))
    planned_depart: Mapped[datetime] = mapped_column(UtcDateTime)
    planned_arrive: Mapped[datetime] = mapped_column(UtcDateTime)
    service_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    vehicle_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)


class IdempotencyRow(Base):
    """The stored answer to a request sent with an Idempotency-Key, replayed on a retry."""

    __tablename__ = "idempotency_keys"

    api_key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
