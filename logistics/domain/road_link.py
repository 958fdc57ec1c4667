"""Road distance overrides from `distances.csv`."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain.validation import require_non_negative
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class RoadLink:
    """A measured road distance (and optionally duration) from one location to another."""

    origin: str
    destination: str
    distance_km: float
    duration_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.origin == self.destination:
            raise DomainError(
                f"road link {self.origin}->{self.destination} joins a place to itself"
            )
        require_non_negative(
            f"road link {self.origin}->{self.destination}: distance_km", self.distance_km
        )
        if self.duration_minutes is not None:
            require_non_negative(
                f"road link {self.origin}->{self.destination}: duration_minutes",
                self.duration_minutes,
            )
