"""Master data as the API shows it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

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


class ShipmentIn(BaseModel):
    """A new shipment; the same fields and the same validation as a row of shipments.csv."""

    id: str = Field(examples=["SH90001"])
    shipper: str = Field(examples=["SHP-FXZ"])
    origin: str = Field(examples=["FXZ"])
    destination: str = Field(examples=["LUX"])
    weight_kg: float | str = Field(examples=[420.0])
    volume_m3: float | str = Field(examples=[2.5])
    pieces: int | str = Field(examples=[3])
    ready_at: str = Field(
        examples=["2026-11-30T08:00:00+08:00"], description="ISO 8601 with offset"
    )
    due_at: str = Field(examples=["2026-12-04T18:00:00+01:00"], description="ISO 8601 with offset")
    requirements: str | list[str] = Field(default="", examples=["dg;reefer"])

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
