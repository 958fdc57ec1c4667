"""Disruptions and plan differences at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.params import Time
from logistics.domain import Disruption, DisruptionKind
from logistics.services.plan_diff import ShipmentChange

Id = Field(default=None, min_length=1, max_length=64, pattern=r"^[^\x00]*$")


class DisruptionIn(BaseModel):
    """A disruption to report. Which fields a kind needs: service_cancelled: service_id;
    service_delayed: service_id and new_departure and/or new_arrival; capacity_cut: service_id and
    capacity_kg and/or capacity_m3 (what is left); shift_lost: vehicle_id; hub_closed: location,
    starts_at and ends_at."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "service_cancelled", "service_id": "CV9751-20261130"},
                {
                    "kind": "hub_closed",
                    "location": "CGO",
                    "starts_at": "2026-11-30T00:00:00+08:00",
                    "ends_at": "2026-11-30T08:00:00+08:00",
                    "note": "flood: airport and access roads closed",
                },
            ]
        },
    )

    kind: DisruptionKind
    service_id: str | None = Id
    vehicle_id: str | None = Id
    location: str | None = Id
    starts_at: Time | None = None
    ends_at: Time | None = None
    new_departure: Time | None = None
    new_arrival: Time | None = None
    capacity_kg: float | None = Field(default=None, ge=0, le=1e9)
    capacity_m3: float | None = Field(default=None, ge=0, le=1e7)
    note: str = Field(default="", max_length=2000, pattern=r"^[^\x00]*$")


class DisruptionOut(BaseModel):
    """A stored disruption, in words too, with the shipments it touches."""

    id: str
    kind: DisruptionKind
    summary: str
    source: str
    reported_at: datetime
    resolved_at: datetime | None = None
    service_id: str | None = None
    vehicle_id: str | None = None
    location: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    new_departure: datetime | None = None
    new_arrival: datetime | None = None
    capacity_kg: float | None = None
    capacity_m3: float | None = None
    note: str = ""
    booked_shipments: list[str] | None = Field(
        default=None, description="Shipments booked on what it touches"
    )
    needing_replan: list[str] | None = Field(
        default=None, description="Of those, the ones that need a replan now"
    )

    @classmethod
    def of(
        cls,
        d: Disruption,
        *,
        resolved_at: datetime | None = None,
        booked: list[str] | None = None,
        needing: list[str] | None = None,
    ) -> DisruptionOut:
        """From the domain value."""
        return cls(
            id=d.id,
            kind=d.kind,
            summary=d.summary,
            source=d.source,
            reported_at=d.reported_at,
            resolved_at=resolved_at,
            service_id=d.service_id,
            vehicle_id=d.vehicle_id,
            location=d.location,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            new_departure=d.new_departure,
            new_arrival=d.new_arrival,
            capacity_kg=d.capacity_kg,
            capacity_m3=d.capacity_m3,
            note=d.note,
            booked_shipments=booked,
            needing_replan=needing,
        )


class DisruptionList(BaseModel):
    """The newest disruptions."""

    items: list[DisruptionOut]


class RecoveryRequest(BaseModel):
    """How to plan the recovery of a disruption's shipments."""

    model_config = ConfigDict(extra="forbid")

    objective: str = Field(
        default="balanced", description="cheapest | fastest | greenest | balanced"
    )
    time_limit_s: float = Field(default=30.0, gt=0, le=3600)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class ShipmentChangeOut(BaseModel):
    """One shipment's difference: old and new itinerary, ETA and cost change, and why."""

    shipment_id: str
    change: str = Field(description="unchanged | rebooked | newly_booked | unplanned")
    old_legs: list[dict[str, Any]]
    new_legs: list[dict[str, Any]]
    old_eta: datetime | None
    new_eta: datetime | None
    eta_change_minutes: int | None
    old_cost: float | None
    new_cost: float | None
    cost_change: float | None
    reason: str

    @classmethod
    def of(cls, c: ShipmentChange) -> ShipmentChangeOut:
        """From the service's value."""
        return cls(
            shipment_id=c.shipment_id,
            change=c.change,
            old_legs=list(c.old_legs),
            new_legs=list(c.new_legs),
            old_eta=c.old_eta,
            new_eta=c.new_eta,
            eta_change_minutes=c.eta_change_minutes,
            old_cost=c.old_cost,
            new_cost=c.new_cost,
            cost_change=c.cost_change,
            reason=c.reason,
        )


class PlanDiffOut(BaseModel):
    """A plan against the accepted bookings (or another plan), shipment by shipment."""

    plan_id: str
    against: str = Field(description="'bookings', or the id of the other plan")
    counts: dict[str, int]
    shipments: list[ShipmentChangeOut]
