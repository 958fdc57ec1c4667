"""Locations, services, vehicles, shipments and road links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from logistics.persistence.base import Base, UtcDateTime


class LocationRow(Base):
    """A location."""

    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64))
    service_minutes: Mapped[int] = mapped_column(Integer)
    handling_minutes: Mapped[int] = mapped_column(Integer)
    unlocode: Mapped[str | None] = mapped_column(String(5), nullable=True)
    gln: Mapped[str | None] = mapped_column(String(13), nullable=True)


class ServiceRow(Base):
    """A scheduled departure."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), index=True)
    carrier: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    destination: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    departure: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    departure_offset_min: Mapped[int] = mapped_column(Integer)
    arrival: Mapped[datetime] = mapped_column(UtcDateTime)
    arrival_offset_min: Mapped[int] = mapped_column(Integer)
    cutoff_minutes: Mapped[int] = mapped_column(Integer)
    capacity_kg: Mapped[float] = mapped_column(Float)
    capacity_m3: Mapped[float] = mapped_column(Float)
    cost_per_kg: Mapped[float] = mapped_column(Float)
    capabilities: Mapped[str] = mapped_column(Text, default="")
    emission_class: Mapped[str] = mapped_column(String(64), default="")


class VehicleRow(Base):
    """A truck shift."""

    __tablename__ = "vehicles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    carrier: Mapped[str] = mapped_column(String(64), index=True)
    depot: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    capacity_kg: Mapped[float] = mapped_column(Float)
    capacity_m3: Mapped[float] = mapped_column(Float)
    available_from: Mapped[datetime] = mapped_column(UtcDateTime)
    available_from_offset_min: Mapped[int] = mapped_column(Integer)
    available_until: Mapped[datetime] = mapped_column(UtcDateTime)
    available_until_offset_min: Mapped[int] = mapped_column(Integer)
    speed_kmh: Mapped[float] = mapped_column(Float)
    cost_per_km: Mapped[float] = mapped_column(Float)
    cost_per_hour: Mapped[float] = mapped_column(Float)
    fixed_cost: Mapped[float] = mapped_column(Float)
    capabilities: Mapped[str] = mapped_column(Text, default="")
    emission_class: Mapped[str] = mapped_column(String(64), default="")


class ShipmentRow(Base):
    """A consignment."""

    __tablename__ = "shipments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shipper: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    destination: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    weight_kg: Mapped[float] = mapped_column(Float)
    volume_m3: Mapped[float] = mapped_column(Float)
    pieces: Mapped[int] = mapped_column(Integer)
    ready_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ready_at_offset_min: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    due_at_offset_min: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[str] = mapped_column(Text, default="")


class RoadLinkRow(Base):
    """A measured road distance between two locations."""

    __tablename__ = "road_links"

    origin: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    destination: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    distance_km: Mapped[float] = mapped_column(Float)
    duration_minutes: Mapped[float | None] = mapped_column(Float, nullable=True)
