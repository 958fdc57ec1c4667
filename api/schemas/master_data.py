"""Master data as the API shows it."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from api.schemas.params import ID_LENGTH, INT32_MAX
from logistics.domain import Location, Service, Shipment, Vehicle


class LocationOut(BaseModel):
    """A location (airport, rail terminal, hub, depot, customer)."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    timezone: str
    service_minutes: int
    handling_minutes: int
    unlocode: str | None = Field(default=None, description="UN/LOCODE carriers name it by")
    gln: str | None = Field(default=None, description="GS1 Global Location Number (13 digits)")

    @classmethod
    def of(cls, loc: Location) -> LocationOut:
        """Convert from the domain."""
        return cls(
            id=loc.id,
            name=loc.name,
            kind=loc.kind.value,
            lat=loc.lat,
            lon=loc.lon,
            timezone=loc.timezone,
            service_minutes=loc.service_minutes,
            handling_minutes=loc.handling_minutes,
            unlocode=loc.unlocode,
            gln=loc.gln,
        )


class ServiceOut(BaseModel):
    """A scheduled departure (flight, train, scheduled truck)."""

    id: str
    mode: str
    carrier: str
    origin: str
    destination: str
    departure: datetime
    arrival: datetime
    cutoff_minutes: int
    cutoff: datetime = Field(description="Latest hand-over time at the origin")
    capacity_kg: float
    capacity_m3: float
    cost_per_kg: float
    capabilities: list[str]

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        """Convert from the domain."""
        return cls(
            id=s.id,
            mode=s.mode.value,
            carrier=s.carrier,
            origin=s.origin,
            destination=s.destination,
            departure=s.departure,
            arrival=s.arrival,
            cutoff_minutes=s.cutoff_minutes,
            cutoff=s.cutoff,
            capacity_kg=s.capacity_kg,
            capacity_m3=s.capacity_m3,
            cost_per_kg=s.cost_per_kg,
            capabilities=sorted(s.capabilities),
        )


class VehicleOut(BaseModel):
    """A truck shift."""

    id: str
    carrier: str
    depot: str
    capacity_kg: float
    capacity_m3: float
    available_from: datetime
    available_until: datetime
    speed_kmh: float
    cost_per_km: float
    cost_per_hour: float
    fixed_cost: float
    capabilities: list[str]

    @classmethod
    def of(cls, v: Vehicle) -> VehicleOut:
        """Convert from the domain."""
        return cls(
            id=v.id,
            carrier=v.carrier,
            depot=v.depot,
            capacity_kg=v.capacity_kg,
            capacity_m3=v.capacity_m3,
            available_from=v.available_from,
            available_until=v.available_until,
            speed_kmh=v.speed_kmh,
            cost_per_km=v.cost_per_km,
            cost_per_hour=v.cost_per_hour,
            fixed_cost=v.fixed_cost,
            capabilities=sorted(v.capabilities),
        )


class ShipmentOut(BaseModel):
    """A consignment."""

    id: str
    shipper: str
    origin: str
    destination: str
    weight_kg: float
    volume_m3: float
    pieces: int
    ready_at: datetime
    due_at: datetime
    requirements: list[str]

    @classmethod
    def of(cls, s: Shipment) -> ShipmentOut:
        """Convert from the domain."""
        return cls(
            id=s.id,
            shipper=s.shipper,
            origin=s.origin,
            destination=s.destination,
            weight_kg=s.weight_kg,
            volume_m3=s.volume_m3,
            pieces=s.pieces,
            ready_at=s.ready_at,
            due_at=s.due_at,
            requirements=sorted(s.requirements),
        )


# Valid against the reference scenario `logistics demo` loads (tests post it to such a server).
SHIPMENT_EXAMPLE: dict[str, JsonValue] = {
    "id": "SH90001",
    "shipper": "SHP-FXZ",
    "origin": "FXZ-1",
    "destination": "LUX",
    "weight_kg": 420.0,
    "volume_m3": 2.5,
    "pieces": 3,
    "ready_at": "2026-11-30T08:00:00+08:00",
    "due_at": "2026-12-04T18:00:00+01:00",
    "requirements": "dg;reefer",
}


class ShipmentIn(BaseModel):
    """A new shipment; the same fields and the same validation as a row of shipments.csv."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, json_schema_extra={"examples": [SHIPMENT_EXAMPLE]}
    )

    id: str = Field(min_length=1, max_length=ID_LENGTH, examples=["SH90001"])
    shipper: str = Field(min_length=1, max_length=ID_LENGTH, examples=["SHP-FXZ"])
    origin: str = Field(min_length=1, max_length=ID_LENGTH, examples=["FXZ-1"])
    destination: str = Field(min_length=1, max_length=ID_LENGTH, examples=["LUX"])
    weight_kg: float | str = Field(examples=[420.0])
    volume_m3: float | str = Field(examples=[2.5])
    pieces: int | str = Field(examples=[3], description=f"1 to {INT32_MAX}")
    ready_at: str = Field(
        max_length=64,
        examples=["2026-11-30T08:00:00+08:00"],
        description="ISO 8601 with offset",
    )
    due_at: str = Field(
        max_length=64, examples=["2026-12-04T18:00:00+01:00"], description="ISO 8601 with offset"
    )
    requirements: (
        Annotated[str, Field(max_length=1000)]
        | Annotated[list[Annotated[str, Field(max_length=ID_LENGTH)]], Field(max_length=100)]
    ) = Field(
        default="",
        examples=["dg;reefer"],
        description="Capabilities the shipment needs, `;`-separated or a list",
    )

    @field_validator("weight_kg", "volume_m3")
    @classmethod
    def _finite(cls, value: float | str) -> float | str:
        try:
            number = float(value)
        except ValueError:
            return value  # not a number: the row validation says so, with its location
        if not math.isfinite(number):
            raise ValueError("must be a finite number")
        return value

    @field_validator("pieces")
    @classmethod
    def _fits(cls, value: int | str) -> int | str:
        try:
            number = int(value)
        except ValueError:
            return value
        if abs(number) > INT32_MAX:
            raise ValueError(f"must be at most {INT32_MAX}")
        return value

    def as_row(self) -> dict[str, object]:
        """The shipment as a shipments.csv row (column name to value)."""
        row = self.model_dump()
        if isinstance(self.requirements, list):
            row["requirements"] = ";".join(self.requirements)
        return row


class ShipmentsCreated(BaseModel):
    """What `POST /v1/shipments` stored."""

    created: int
    unchanged: int
    ids: list[str]
