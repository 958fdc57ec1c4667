"""Disruptions: cancelled, delayed or cut services, lost truck shifts, closed hubs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class DisruptionRow(Base):
    """One reported disruption (see logistics.domain.disruption); closed when `resolved_at` is set."""

    __tablename__ = "disruptions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    vehicle_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    location: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    new_departure: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    new_arrival: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    capacity_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    capacity_m3: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
