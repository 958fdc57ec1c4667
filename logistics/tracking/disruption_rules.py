"""What a disruption does to one shipment's booked legs (pure).

- A delayed service becomes the service's estimate (`as_estimates`): the ETA rules then find the
  connections it breaks and the lateness it causes, like any other late movement.
- A cancelled service, a lost truck shift, a service cut below what is booked on it, a hub
  closed while a leg departs or arrives there, or a delayed service now landing after the truck
  booked to take the shipment on was to leave, opens a `DISRUPTED` exception on every leg it
  breaks that the shipment has not already travelled; the shipment needs a replan. Once it is
  rebooked around the disruption, the exception closes by itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from itertools import pairwise

from logistics.domain.disruption import Disruption, DisruptionKind
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.tracking.exception_rules import OpenException
from logistics.tracking.legs import PlannedLeg

SOURCE = "disruption"


def as_estimates(disruptions: Iterable[Disruption]) -> list[TrackingEvent]:
    """The new times of delayed services as ESTIMATED movement events."""
    out: list[TrackingEvent] = []
    for d in disruptions:
        if d.kind is not DisruptionKind.SERVICE_DELAYED:
            continue
        for suffix, milestone, when in (
            ("dep", Milestone.DEPARTED, d.new_departure),
            ("arr", Milestone.ARRIVED, d.new_arrival),
        ):
            if when is not None:
                out.append(
                    TrackingEvent(
                        event_id=f"{d.id}:{suffix}",
                        source=SOURCE,
                        milestone=milestone,
                        time_type=TimeType.ESTIMATED,
                        event_time=when,
                        service_id=d.service_id,
                        recorded_at=d.reported_at,
                        received_at=d.reported_at,
                    )
                )
    return out


def _within(when: datetime, d: Disruption) -> bool:
    return d.starts_at is not None and d.ends_at is not None and d.starts_at <= when < d.ends_at


def breaks(d: Disruption, leg: PlannedLeg, overbooked: Collection[str] = ()) -> bool:
    """Whether the disruption breaks this booked leg."""
    k = DisruptionKind
    if d.kind is k.SERVICE_CANCELLED:
        return leg.service_id == d.service_id
    if d.kind is k.CAPACITY_CUT:
        return leg.service_id == d.service_id and d.service_id in overbooked
    if d.kind is k.SHIFT_LOST:
        return leg.vehicle_id == d.vehicle_id
    if d.kind is k.HUB_CLOSED:
        return (leg.from_location == d.location and _within(leg.planned_depart, d)) or (
            leg.to_location == d.location and _within(leg.planned_arrive, d)
        )
    return False  # a delay works through the estimates


def _after_delay(d: Disruption, ordered: Sequence[PlannedLeg]) -> set[int]:
    """Truck legs a delayed service's new arrival comes too late for: the truck was booked to
    leave with the shipment before it lands (a following service is a connection, which the
    ETA rules judge with its cutoff)."""
    if d.kind is not DisruptionKind.SERVICE_DELAYED or d.new_arrival is None:
        return set()
    found: set[int] = set()
    for leg, nxt in pairwise(ordered):
        if (
            leg.service_id == d.service_id
            and nxt.service_id is None
            and d.new_arrival > nxt.planned_depart
        ):
            found.add(nxt.leg_index)
    return found


def disruption_exceptions(
    legs: Sequence[PlannedLeg],
    disruptions: Iterable[Disruption],
    *,
    travelled: Collection[int],
    overbooked: Collection[str] = (),
) -> list[OpenException]:
    """A DISRUPTED exception per broken leg not yet travelled (`travelled`: legs departed or done)."""
    found: list[OpenException] = []
    ordered = sorted(legs, key=lambda leg: leg.leg_index)
    for d in disruptions:
        late = _after_delay(d, ordered)
        for leg in ordered:
            if leg.leg_index in travelled:
                continue
            if not (breaks(d, leg, overbooked) or leg.leg_index in late):
                continue
            found.append(
                OpenException(
                    key=f"DISRUPTED:{d.id}:{leg.leg_index}",
                    reason=ExceptionReason.DISRUPTED,
                    origin="derived",
                    since=d.reported_at,
                    detail=f"{d.summary} (disruption {d.id})",
                    leg_index=leg.leg_index,
                    location=leg.from_location,
                    mode=leg.mode,
                )
            )
    return found
