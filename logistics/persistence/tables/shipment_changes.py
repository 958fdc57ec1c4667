"""The history of each shipment's amendments and its cancellation: who, when, before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class ShipmentChangeRow(Base):
    """One change of a shipment: `amended` (fields before/after) or `cancelled` (with a reason)."""

    __tablename__ = "shipment_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    changed_by: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
