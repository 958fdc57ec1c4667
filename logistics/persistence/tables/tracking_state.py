"""Tracking projections kept in the database: per-shipment state, exceptions, vehicle positions.

All three are derived from stored events and positions and can be rebuilt at any time
(`logistics tracking rebuild`); only closed exceptions keep history that a rebuild does not
recreate (a rebuild closes what is no longer open and opens what is).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class ShipmentStateRow(Base):
    """A booked shipment's current status, ETA and replanning need (one row per shipment)."""

    __tablename__ = "shipment_tracking_state"

    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    eta: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    needs_replan: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    last_event_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    refreshed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ExceptionRow(Base):
    """An exception of one shipment: opened and closed automatically by the projection."""

    __tablename__ = "tracking_exceptions"
    __table_args__ = (Index("ix_tracking_exceptions_open", "shipment_id", "closed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(32), index=True)
    origin: Mapped[str] = mapped_column(String(16))  # derived | reported
    leg_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mode: Mapped[str | None] = mapped_column(String(8), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class PositionRow(Base):
    """One GPS fix of a vehicle (stored as a position, never as a timeline event)."""

    __tablename__ = "vehicle_positions"
    __table_args__ = (
        UniqueConstraint("vehicle_id", "time", name="uq_vehicle_positions_vehicle_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    vehicle_id: Mapped[str] = mapped_column(String(64), index=True)
    time: Mapped[datetime] = mapped_column(UtcDateTime)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ShipmentReferenceRow(Base):
    """A source's reference linked to a shipment: waybill, container, booking, IRI, GS1 key."""

    __tablename__ = "shipment_references"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # see shipment_references.KINDS
    value: Mapped[str] = mapped_column(String(512), primary_key=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
