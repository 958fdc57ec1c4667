"""Shipments (consignments) to move from an origin to a destination."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from logistics.domain.validation import (
    require_aware,
    require_id,
    require_positive,
    require_tags,
)
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Shipment:
    """A consignment of a shipper, available at `ready_at`, due at its destination by `due_at`."""

    id: str
    shipper: str
    origin: str
    destination: str
    weight_kg: float
    volume_m3: float
    pieces: int
    ready_at: datetime
    due_at: datetime
    requirements: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        require_id("shipment", self.id)
        require_id(f"shipment {self.id}: shipper", self.shipper)
        if self.origin == self.destination:
            raise DomainError(f"shipment {self.id}: origin and destination are both {self.origin}")
        require_positive(f"shipment {self.id}: weight_kg", self.weight_kg)
        require_positive(f"shipment {self.id}: volume_m3", self.volume_m3)
        if not isinstance(self.pieces, int) or self.pieces < 1:
            raise DomainError(f"shipment {self.id}: pieces must be a positive integer")
        require_aware(f"shipment {self.id}: ready_at", self.ready_at)
        require_aware(f"shipment {self.id}: due_at", self.due_at)
        if self.due_at <= self.ready_at:
            raise DomainError(f"shipment {self.id}: due_at is not after ready_at")
        require_tags(f"shipment {self.id}: requirements", self.requirements)

    def fits(self, capabilities: frozenset[str]) -> bool:
        """Whether a service or vehicle with these capabilities may carry this shipment."""
        return self.requirements <= capabilities
