"""A disruption: something that breaks bookings (a cancelled or delayed service, lost capacity,
a lost truck shift, a closed hub), reported by a coordinator or derived from a feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from logistics.domain.validation import require_aware
from logistics.errors import DomainError


class DisruptionKind(StrEnum):
    """What broke."""

    SERVICE_CANCELLED = "service_cancelled"
    SERVICE_DELAYED = "service_delayed"
    CAPACITY_CUT = "capacity_cut"
    SHIFT_LOST = "shift_lost"
    HUB_CLOSED = "hub_closed"


@dataclass(frozen=True, slots=True)
class Disruption:
    """One disruption and the facts each kind needs.

    - service_cancelled: `service_id`;
    - service_delayed: `service_id` and `new_departure` and/or `new_arrival`;
    - capacity_cut: `service_id` and the capacity left (`capacity_kg` and/or `capacity_m3`);
    - shift_lost: `vehicle_id` (a truck shift);
    - hub_closed: `location` and the window `starts_at` .. `ends_at` (e.g. a flood closing roads
      and the airport for hours): nothing departs from or arrives there inside it.
    """

    id: str
    kind: DisruptionKind
    reported_at: datetime
    source: str = "coordinator"
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

    def __post_init__(self) -> None:
        require_aware("reported_at", self.reported_at)
        for name in ("starts_at", "ends_at", "new_departure", "new_arrival"):
            value = getattr(self, name)
            if value is not None:
                require_aware(name, value)
        k = DisruptionKind
        if self.kind in (k.SERVICE_CANCELLED, k.SERVICE_DELAYED, k.CAPACITY_CUT) and not (
            self.service_id
        ):
            raise DomainError(f"a {self.kind.value} disruption needs service_id")
        if self.kind is k.SERVICE_DELAYED and self.new_departure is None and not self.new_arrival:
            raise DomainError("a service_delayed disruption needs new_departure or new_arrival")
        if (
            self.kind is k.SERVICE_DELAYED
            and self.new_departure is not None
            and self.new_arrival is not None
            and self.new_arrival <= self.new_departure
        ):
            raise DomainError(
                f"new_arrival {self.new_arrival.isoformat()} is not after "
                f"new_departure {self.new_departure.isoformat()}"
            )
        if self.kind is k.CAPACITY_CUT:
            if self.capacity_kg is None and self.capacity_m3 is None:
                raise DomainError("a capacity_cut disruption needs capacity_kg or capacity_m3")
            for name in ("capacity_kg", "capacity_m3"):
                value = getattr(self, name)
                if value is not None and value < 0:
                    raise DomainError(f"{name} {value} must not be negative")
        if self.kind is k.SHIFT_LOST and not self.vehicle_id:
            raise DomainError("a shift_lost disruption needs vehicle_id (the truck shift)")
        if self.kind is k.HUB_CLOSED:
            if not self.location or self.starts_at is None or self.ends_at is None:
                raise DomainError("a hub_closed disruption needs location, starts_at and ends_at")
            if self.ends_at <= self.starts_at:
                raise DomainError(
                    f"ends_at {self.ends_at.isoformat()} is not after "
                    f"starts_at {self.starts_at.isoformat()}"
                )

    @property
    def summary(self) -> str:
        """One plain sentence, e.g. 'flight CV9751-20261130 cancelled'."""
        k = DisruptionKind
        if self.kind is k.SERVICE_CANCELLED:
            return f"{self.service_id} cancelled"
        if self.kind is k.SERVICE_DELAYED:
            times = [
                f"{label} {t.isoformat()}"
                for label, t in (("departs", self.new_departure), ("arrives", self.new_arrival))
                if t is not None
            ]
            return f"{self.service_id} delayed: {', '.join(times)}"
        if self.kind is k.CAPACITY_CUT:
            left = [
                f"{v:g} {unit}"
                for v, unit in ((self.capacity_kg, "kg"), (self.capacity_m3, "m3"))
                if v is not None
            ]
            return f"{self.service_id} capacity cut to {' / '.join(left)}"
        if self.kind is k.SHIFT_LOST:
            return f"truck shift {self.vehicle_id} lost"
        assert self.starts_at is not None and self.ends_at is not None
        return (
            f"{self.location} closed from {self.starts_at.isoformat()} "
            f"to {self.ends_at.isoformat()}"
        )
