"""Scheduled departures: flights, trains and scheduled line-haul trucks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from logistics.domain.enums import Mode
from logistics.domain.validation import (
    require_aware,
    require_id,
    require_non_negative,
    require_positive,
    require_tags,
)
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Service:
    """One scheduled departure from origin to destination with a capacity and a price per kg."""

    id: str
    mode: Mode
    carrier: str
    origin: str
    destination: str
    departure: datetime
    arrival: datetime
    cutoff_minutes: int
    capacity_kg: float
    capacity_m3: float
    cost_per_kg: float
    capabilities: frozenset[str] = field(default_factory=frozenset)
    # Optional CSV column `emission_class`: which emission factor applies (see fixtures/emission_factors.csv);
    # empty means the planner derives it from mode, distance and capacity.
    emission_class: str = ""

    def __post_init__(self) -> None:
        require_id("service", self.id)
        if not isinstance(self.mode, Mode):
            raise DomainError(f"service {self.id}: mode must be a Mode")
        if self.origin == self.destination:
            raise DomainError(f"service {self.id}: origin and destination are both {self.origin}")
        require_aware(f"service {self.id}: departure", self.departure)
        require_aware(f"service {self.id}: arrival", self.arrival)
        if self.arrival <= self.departure:
            raise DomainError(f"service {self.id}: arrival is not after departure")
        require_non_negative(f"service {self.id}: cutoff_minutes", self.cutoff_minutes)
        require_positive(f"service {self.id}: capacity_kg", self.capacity_kg)
        require_positive(f"service {self.id}: capacity_m3", self.capacity_m3)
        require_non_negative(f"service {self.id}: cost_per_kg", self.cost_per_kg)
        require_tags(f"service {self.id}: capabilities", self.capabilities)

    @property
    def cutoff(self) -> datetime:
        """Latest hand-over time at the origin: departure minus cutoff."""
        return self.departure - timedelta(minutes=self.cutoff_minutes)

    @property
    def transit(self) -> timedelta:
        """Scheduled departure-to-arrival time."""
        return self.arrival - self.departure
