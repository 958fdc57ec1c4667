"""Trucks: one record is one truck shift at a depot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from logistics.domain.validation import (
    require_aware,
    require_id,
    require_non_negative,
    require_positive,
    require_tags,
)
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A truck shift: leaves its depot at or after `available_from`, back by `available_until`."""

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
    capabilities: frozenset[str] = field(default_factory=frozenset)
    # Optional CSV column `emission_class`: which emission factor applies (see fixtures/emission_factors.csv);
    # empty means the planner derives it from mode, distance and capacity.
    emission_class: str = ""

    def __post_init__(self) -> None:
        require_id("vehicle", self.id)
        require_positive(f"vehicle {self.id}: capacity_kg", self.capacity_kg)
        require_positive(f"vehicle {self.id}: capacity_m3", self.capacity_m3)
        require_aware(f"vehicle {self.id}: available_from", self.available_from)
        require_aware(f"vehicle {self.id}: available_until", self.available_until)
        if self.available_until <= self.available_from:
            raise DomainError(f"vehicle {self.id}: available_until is not after available_from")
        require_positive(f"vehicle {self.id}: speed_kmh", self.speed_kmh)
        require_non_negative(f"vehicle {self.id}: cost_per_km", self.cost_per_km)
        require_non_negative(f"vehicle {self.id}: cost_per_hour", self.cost_per_hour)
        require_non_negative(f"vehicle {self.id}: fixed_cost", self.fixed_cost)
        require_tags(f"vehicle {self.id}: capabilities", self.capabilities)
