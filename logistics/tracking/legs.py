"""A shipment's planned legs as the projection sees them, and how events map onto them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from logistics.domain.enums import Mode
from logistics.domain.plan import ShipmentPlan
from logistics.domain.tracking import Milestone, TrackingEvent
from logistics.domain.validation import require_aware

DEPARTURE_SIDE = frozenset(
    {
        Milestone.PICKED_UP,
        Milestone.RECEIVED,
        Milestone.LOADED,
        Milestone.DEPARTED,
        Milestone.OUT_FOR_DELIVERY,
    }
)
ARRIVAL_SIDE = frozenset(
    {
        Milestone.ARRIVED,
        Milestone.UNLOADED,
        Milestone.TRANSFERRED,
        Milestone.AVAILABLE_FOR_PICKUP,
        Milestone.DELIVERED,
    }
)


@dataclass(frozen=True, slots=True)
class PlannedLeg:
    """One planned movement of the shipment, in leg order."""

    leg_index: int
    mode: Mode
    from_location: str
    to_location: str
    planned_depart: datetime
    planned_arrive: datetime
    service_id: str | None = None
    vehicle_id: str | None = None

    def __post_init__(self) -> None:
        require_aware("planned_depart", self.planned_depart)
        require_aware("planned_arrive", self.planned_arrive)


def legs_of(plan: ShipmentPlan) -> tuple[PlannedLeg, ...]:
    """The planned legs of a shipment plan."""
    return tuple(
        PlannedLeg(
            i,
            leg.mode,
            leg.from_location,
            leg.to_location,
            leg.depart,
            leg.arrive,
            leg.service_id,
            leg.vehicle_id,
        )
        for i, leg in enumerate(plan.legs)
    )


def _by_location(event: TrackingEvent, legs: Sequence[PlannedLeg]) -> list[PlannedLeg]:
    if event.location is None:
        return []
    starts = [leg for leg in legs if leg.from_location == event.location]
    ends = [leg for leg in legs if leg.to_location == event.location]
    if event.milestone in DEPARTURE_SIDE:
        return starts
    if event.milestone in ARRIVAL_SIDE:
        return ends
    return starts or ends  # border, customs, exceptions: before leaving, else on arrival


def _movement_legs(event: TrackingEvent, legs: Sequence[PlannedLeg]) -> list[PlannedLeg]:
    return [
        leg
        for leg in legs
        if (event.service_id and leg.service_id == event.service_id)
        or (event.vehicle_id and leg.vehicle_id == event.vehicle_id)
    ]


def belongs(event: TrackingEvent, legs: Sequence[PlannedLeg]) -> bool:
    """False for a movement event at a stop that is not this shipment's (e.g. another drop).

    A truck or train arriving or departing elsewhere on its route is about other shipments; an
    event without legs, location or movement, or a border / customs / exception event, belongs.
    """
    movement = _movement_legs(event, legs)
    if not movement or event.location is None:
        return True
    if event.milestone not in DEPARTURE_SIDE | ARRIVAL_SIDE:
        return True
    return bool(_by_location(event, movement))


def match_leg(event: TrackingEvent, legs: Sequence[PlannedLeg]) -> int | None:
    """Index of the leg an event belongs to: by service/vehicle, then location; None if none."""
    if not legs:
        return None
    movement = _movement_legs(event, legs)
    if event.milestone is Milestone.BOOKED:  # a booking confirmation names its movement, if any
        return min((leg.leg_index for leg in movement), default=None)
    located = _by_location(event, movement or legs)
    if located:
        return min(leg.leg_index for leg in located)
    if movement:
        return min(leg.leg_index for leg in movement)
    if event.milestone is Milestone.DELIVERED:
        return max(leg.leg_index for leg in legs)
    return None
