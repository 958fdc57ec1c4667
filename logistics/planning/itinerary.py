"""Itineraries: the legs a shipment may take (fleet trucks and scheduled services), estimated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from logistics.domain import Service


@dataclass(frozen=True, slots=True)
class Segment:
    """One leg of an itinerary: a fleet truck between two places, or a scheduled service."""

    from_location: str
    to_location: str
    depart: datetime
    arrive: datetime
    service: Service | None = None

    @property
    def is_truck(self) -> bool:
        """Whether a fleet truck carries this leg."""
        return self.service is None


@dataclass(frozen=True, slots=True)
class Itinerary:
    """A way to move one shipment, with estimated delivery, cost, CO2 and objective score."""

    shipment_id: str
    segments: tuple[Segment, ...]
    delivered_at: datetime
    cost: float
    co2_kg: float
    score: float  # the preset's measure (plus lateness at its price, when one is set)
    late_minutes: int = 0  # estimated minutes delivered after due

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of the itinerary: its services and truck legs."""
        return tuple(
            s.service.id if s.service else f"truck:{s.from_location}>{s.to_location}"
            for s in self.segments
        )

    def describe(self) -> str:
        """Readable summary such as `truck FXZ-1>CGO, CV9751-20261201, truck LUX>LU-1`."""
        return ", ".join(
            s.service.id if s.service else f"truck {s.from_location}>{s.to_location}"
            for s in self.segments
        )
