"""Plans: which legs each shipment takes, how trucks run, and what it costs (DESIGN 3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from logistics.domain.enums import Mode
from logistics.domain.plan_kpis import PlanKpis
from logistics.domain.solver_info import SolverInfo
from logistics.domain.validation import require_aware
from logistics.errors import DomainError


class ShipmentPlanStatus(StrEnum):
    """Whether the plan moves a shipment."""

    PLANNED = "planned"
    UNPLANNED = "unplanned"


class UnplannedReason(StrEnum):
    """Why a shipment is left out of a plan."""

    NO_FEASIBLE_ITINERARY = "no_feasible_itinerary"
    CAPACITY = "capacity"
    MISSED_CUTOFF = "missed_cutoff"
    NO_VEHICLE = "no_vehicle"
    REQUIREMENTS = "requirements"
    LATE = "late"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True, slots=True)
class Leg:
    """One movement of a shipment: on a scheduled service, or on a truck of the fleet."""

    mode: Mode
    from_location: str
    to_location: str
    depart: datetime
    arrive: datetime
    service_id: str | None = None
    vehicle_id: str | None = None
    cost: float = 0.0
    co2_kg: float = 0.0
    distance_km: float = 0.0

    def __post_init__(self) -> None:
        if (self.service_id is None) == (self.vehicle_id is None):
            raise DomainError("a leg names exactly one of service_id and vehicle_id")
        require_aware("leg depart", self.depart)
        require_aware("leg arrive", self.arrive)
        if self.arrive < self.depart:
            raise DomainError(
                f"leg {self.from_location}->{self.to_location} arrives before it departs"
            )


@dataclass(frozen=True, slots=True)
class Alternative:
    """The best rejected itinerary of a shipment, as differences against the chosen one."""

    description: str
    delta_cost: float
    delta_transit_minutes: float
    delta_co2_kg: float
    reason: str = ""  # the binding fact it was rejected for (capacity, cutoff, shift, measure)


class Change(StrEnum):
    """A shipment's plan against its incumbent (accepted) itinerary, when it has one."""

    KEPT = "kept"
    CHANGED = "changed"
    DROPPED = "dropped"  # planned before, unplanned now


@dataclass(frozen=True, slots=True)
class ShipmentPlan:
    """The plan for one shipment: its legs, or the reason it is left out."""

    shipment_id: str
    status: ShipmentPlanStatus
    due_at: datetime
    legs: tuple[Leg, ...] = ()
    delivered_at: datetime | None = None
    cost: float = 0.0
    co2_kg: float = 0.0
    reason: UnplannedReason | None = None
    detail: str = ""
    alternative: Alternative | None = None
    change: Change | None = None  # against the incumbent; None when it had none
    change_reason: str = ""

    def __post_init__(self) -> None:
        if self.status is ShipmentPlanStatus.PLANNED:
            if not self.legs or self.delivered_at is None:
                raise DomainError(
                    f"planned shipment {self.shipment_id} needs legs and delivered_at"
                )
            for a, b in zip(self.legs, self.legs[1:], strict=False):
                if a.to_location != b.from_location:
                    raise DomainError(f"shipment {self.shipment_id}: legs do not join up")
        elif self.reason is None:
            raise DomainError(f"unplanned shipment {self.shipment_id} needs a reason")

    @property
    def late_minutes(self) -> int:
        """Minutes delivered after due (0 when on time or unplanned)."""
        if self.delivered_at is None:
            return 0
        return max(0, int((self.delivered_at - self.due_at).total_seconds() // 60))

    @property
    def on_time(self) -> bool:
        """Delivered no later than due."""
        return self.delivered_at is not None and self.delivered_at <= self.due_at


@dataclass(frozen=True, slots=True)
class VehicleStop:
    """A stop on a truck route; `arrive` is None at the start, `depart` None at the end."""

    location: str
    arrive: datetime | None
    depart: datetime | None
    pickup: tuple[str, ...] = ()
    dropoff: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.arrive is not None:
            require_aware("stop arrive", self.arrive)
        if self.depart is not None:
            require_aware("stop depart", self.depart)
        if self.arrive is not None and self.depart is not None and self.depart < self.arrive:
            raise DomainError(f"stop at {self.location} departs before it arrives")


@dataclass(frozen=True, slots=True)
class VehicleRoute:
    """One truck's route from its depot through its stops and back."""

    vehicle_id: str
    stops: tuple[VehicleStop, ...]
    distance_km: float
    cost: float

    def __post_init__(self) -> None:
        if len(self.stops) < 2:
            raise DomainError(f"route of {self.vehicle_id} needs at least its start and end stops")


@dataclass(frozen=True, slots=True)
class ServiceLoad:
    """Booked load on one scheduled service against its capacity."""

    service_id: str
    load_kg: float
    load_m3: float
    utilization: float


@dataclass(frozen=True, slots=True)
class Plan:
    """A recommended plan: every input shipment once, the trucks that carry something, the loads."""

    plan_id: str
    objective: str
    shipments: tuple[ShipmentPlan, ...]
    vehicles: tuple[VehicleRoute, ...] = ()
    services: tuple[ServiceLoad, ...] = ()
    kpis: PlanKpis | None = None  # None: a plan document that carries none (written by hand)
    solver: SolverInfo | None = None
    status: str = "done"

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for sp in self.shipments:
            if sp.shipment_id in seen:
                raise DomainError(f"plan {self.plan_id}: shipment {sp.shipment_id} appears twice")
            seen.add(sp.shipment_id)
