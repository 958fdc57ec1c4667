"""The unified tracking event and its milestones (DESIGN 3.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from logistics.domain.enums import Mode
from logistics.domain.validation import require_aware
from logistics.errors import DomainError


class Milestone(StrEnum):
    """Where a consignment is in its journey; declaration order is journey order."""

    BOOKED = "BOOKED"
    PICKED_UP = "PICKED_UP"
    RECEIVED = "RECEIVED"
    LOADED = "LOADED"
    DEPARTED = "DEPARTED"
    BORDER_CROSSED = "BORDER_CROSSED"
    ARRIVED = "ARRIVED"
    UNLOADED = "UNLOADED"
    TRANSFERRED = "TRANSFERRED"
    CUSTOMS_HOLD = "CUSTOMS_HOLD"
    CUSTOMS_CLEARED = "CUSTOMS_CLEARED"
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    EXCEPTION = "EXCEPTION"
    CANCELLED = "CANCELLED"
    INFORMATIONAL = "INFORMATIONAL"
    """A status message with no cargo milestone (or an unknown code): stored and shown, never
    the shipment's status."""

    @property
    def rank(self) -> int:
        """Position in journey order."""
        return list(Milestone).index(self)


class TimeType(StrEnum):
    """Whether an event reports what happened, what is expected or what was planned."""

    ACTUAL = "ACTUAL"
    ESTIMATED = "ESTIMATED"
    PLANNED = "PLANNED"


class ExceptionReason(StrEnum):
    """Reason carried by an EXCEPTION event."""

    DELAY = "DELAY"
    MISSED_CONNECTION = "MISSED_CONNECTION"
    OFFLOADED = "OFFLOADED"
    DAMAGED = "DAMAGED"
    LOST = "LOST"
    CUSTOMS_INSPECTION = "CUSTOMS_INSPECTION"
    DWELL_EXCEEDED = "DWELL_EXCEEDED"
    TRACKING_LOST = "TRACKING_LOST"
    DISCREPANCY = "DISCREPANCY"
    DISRUPTED = "DISRUPTED"  # a booked movement is cancelled, delayed, cut or closed
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One normalised status event about a shipment, or about a service or vehicle (fanned out)."""

    event_id: str
    source: str
    milestone: Milestone
    time_type: TimeType
    event_time: datetime
    shipment_id: str | None = None
    service_id: str | None = None
    vehicle_id: str | None = None
    recorded_at: datetime | None = None
    received_at: datetime | None = None
    location: str | None = None
    mode: Mode | None = None
    reason: ExceptionReason | None = None
    retracts: str | None = None
    source_code: str | None = None
    raw_ref: str | None = None
    inferred: bool = False

    def __post_init__(self) -> None:
        if not self.event_id:
            raise DomainError("tracking event needs an event_id")
        if not self.source:
            raise DomainError(f"event {self.event_id}: source must not be empty")
        if not (self.shipment_id or self.service_id or self.vehicle_id):
            raise DomainError(
                f"event {self.event_id}: needs a subject (shipment_id, service_id or vehicle_id)"
            )
        require_aware(f"event {self.event_id}: event_time", self.event_time)
        if self.recorded_at is not None:
            require_aware(f"event {self.event_id}: recorded_at", self.recorded_at)
        if self.received_at is not None:
            require_aware(f"event {self.event_id}: received_at", self.received_at)
        if self.milestone is Milestone.EXCEPTION and self.reason is None:
            raise DomainError(f"event {self.event_id}: an EXCEPTION needs a reason")
