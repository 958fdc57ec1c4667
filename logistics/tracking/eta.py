"""ETA: the accepted itinerary shifted by what has actually happened (pure).

Leg by leg, in leg order:

- a leg's departure is its actual departure, else its open estimate; without either, a scheduled
  service (flight, train, line-haul) keeps its schedule, while a truck leg leaves no earlier than
  planned and no earlier than the shipment is available at its origin plus the stop's service
  minutes (DESIGN 3.2) — so a late arrival upstream propagates through truck legs;
- its arrival is the actual arrival, else the open estimate, else departure + planned duration;
- after a truck leg the shipment is handed over at arrival + service minutes; after a service leg
  it is at the hub at arrival; a following truck may take it `handling_minutes` later;
- a following service needs the hand-over (truck) or the arrival (service) no later than its
  departure minus its cutoff. When the expected time is later and nothing shows the shipment
  travelled on that service (no shipment-level actual event on that leg), the connection is
  missed: the rest of the itinerary no longer holds, the ETA is unknown until a replan.

Now (`now`): a leg after the last one the shipment is known to be on or through, and not
reported departed, leaves at `now` at the earliest; an arrival not reported leaves its expected
time at `now` at the earliest. So an undelivered shipment's ETA is never before now: time moving
on without news makes the forecast later, never stale (basis `overdue`).

The ETA is the delivery time when delivered, else the expected arrival of the last leg.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from logistics.tracking.legs import PlannedLeg
from logistics.tracking.timeline import LegStatus


class Basis(StrEnum):
    """Where an expected time comes from."""

    ACTUAL = "actual"
    ESTIMATED = "estimated"
    PLANNED = "planned"
    PROPAGATED = "propagated"
    OVERDUE = "overdue"  # the expected time has passed without a report: now at the earliest


@dataclass(frozen=True, slots=True)
class StopTiming:
    """A location's minutes to load or unload a truck, and to hand a shipment on at a hub."""

    service_minutes: int = 0
    handling_minutes: int = 0


@dataclass(frozen=True, slots=True)
class LegForecast:
    """Expected departure and arrival of one leg and what each is based on."""

    leg_index: int
    depart: datetime
    arrive: datetime
    depart_basis: Basis
    arrive_basis: Basis


@dataclass(frozen=True, slots=True)
class MissedConnection:
    """The shipment cannot make the service of leg `leg_index` at `hub`."""

    leg_index: int
    service_id: str | None
    hub: str
    available_at: datetime
    latest: datetime

    @property
    def detail(self) -> str:
        """Readable explanation."""
        late = int((self.available_at - self.latest).total_seconds() // 60)
        return (
            f"expected at {self.hub} {self.available_at.isoformat()}, {late} min after the cutoff "
            f"{self.latest.isoformat()} of {self.service_id or 'the next service'}"
        )


@dataclass(frozen=True, slots=True)
class Forecast:
    """Per-leg expectations up to the end of the itinerary or a missed connection, and the ETA."""

    legs: tuple[LegForecast, ...]
    eta: datetime | None
    missed: MissedConnection | None


def _departure(
    leg: PlannedLeg, status: LegStatus | None, available: datetime | None, timing: StopTiming
) -> tuple[datetime, Basis]:
    if status and status.actual_depart:
        return status.actual_depart, Basis.ACTUAL
    if status and status.estimated_depart:
        return status.estimated_depart, Basis.ESTIMATED
    if leg.service_id is None and available is not None:
        ready = available + timedelta(minutes=timing.service_minutes)
        if ready > leg.planned_depart:
            return ready, Basis.PROPAGATED
    return leg.planned_depart, Basis.PLANNED


def _arrival(
    leg: PlannedLeg, status: LegStatus | None, depart: datetime, depart_basis: Basis
) -> tuple[datetime, Basis]:
    if status and status.actual_arrive:
        return status.actual_arrive, Basis.ACTUAL
    if status and status.estimated_arrive:
        return status.estimated_arrive, Basis.ESTIMATED
    if depart_basis is Basis.PLANNED:
        return leg.planned_arrive, Basis.PLANNED
    return depart + (leg.planned_arrive - leg.planned_depart), Basis.PROPAGATED


def _not_before(
    time: datetime, basis: Basis, now: datetime | None, reported: bool
) -> tuple[datetime, Basis]:
    if reported or now is None or time >= now:
        return time, basis
    return now, Basis.OVERDUE


def _last_known(statuses: Mapping[int, LegStatus], known_legs: Collection[int]) -> int:
    seen = [i for i, s in statuses.items() if s.actual_depart or s.actual_arrive]
    return max([*seen, *known_legs], default=-1)


def forecast(
    legs: Sequence[PlannedLeg],
    statuses: Sequence[LegStatus],
    *,
    timing: Mapping[str, StopTiming],
    cutoffs: Mapping[str, int],
    confirmed_legs: Collection[int] = (),
    delivered_at: datetime | None = None,
    now: datetime | None = None,
) -> Forecast:
    """Expected times of every leg and the ETA (see the module docstring for the rules).

    `cutoffs` maps service ids to cutoff minutes; `confirmed_legs` are legs the shipment itself
    was seen on (own or confirmed evidence, `logistics.tracking.evidence`).
    """
    by_index = {s.leg_index: s for s in statuses}
    ordered = sorted(legs, key=lambda leg: leg.leg_index)
    out: list[LegForecast] = []
    available: datetime | None = None  # when the shipment is ready for a truck at the next origin
    handed_over: datetime | None = None  # when it is ready for a service at the next origin
    through = _last_known(by_index, confirmed_legs) if delivered_at is None else len(ordered)
    clock = None if delivered_at is not None else now
    for leg in ordered:
        status = by_index.get(leg.leg_index)
        here = timing.get(leg.from_location, StopTiming())
        depart, depart_basis = _departure(leg, status, available, here)
        done = leg.leg_index < through
        depart, depart_basis = _not_before(
            depart, depart_basis, clock, done or depart_basis is Basis.ACTUAL
        )
        if leg.service_id is not None and handed_over is not None:
            latest = depart - timedelta(minutes=cutoffs.get(leg.service_id, 0))
            if handed_over > latest and leg.leg_index not in confirmed_legs:
                missed = MissedConnection(
                    leg.leg_index, leg.service_id, leg.from_location, handed_over, latest
                )
                return Forecast(tuple(out), delivered_at, missed)
        arrive, arrive_basis = _arrival(leg, status, depart, depart_basis)
        arrive, arrive_basis = _not_before(
            arrive, arrive_basis, clock, done or arrive_basis is Basis.ACTUAL
        )
        out.append(LegForecast(leg.leg_index, depart, arrive, depart_basis, arrive_basis))
        there = timing.get(leg.to_location, StopTiming())
        if leg.service_id is None:
            handed_over = arrive + timedelta(minutes=there.service_minutes)
        else:
            handed_over = arrive
        available = handed_over + timedelta(minutes=there.handling_minutes)
    if delivered_at is not None:
        return Forecast(tuple(out), delivered_at, None)
    return Forecast(tuple(out), out[-1].arrive if out else None, None)
