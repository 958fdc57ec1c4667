"""Which exceptions a shipment has open right now, derived from its projection and ETA (pure).

Derived (opened and closed automatically as events and time move on):

- `MISSED_CONNECTION`: the forecast finds the shipment at a hub after the next service's cutoff,
  or that service left without it (see `logistics.tracking.eta`); the shipment needs a replan;
- `DELAY`: the ETA is after the due time (plus a grace), or the shipment is past its due time
  undelivered with no ETA (the ETA itself is never before now, see `logistics.tracking.eta`);
- `DWELL_EXCEEDED`: the shipment arrived at a hub and has not left on its next leg by the later
  of that leg's planned departure and its arrival, plus a grace;
- `TRACKING_LOST`: a truck leg is under way (departed, not arrived) and its vehicle, which does
  send positions, has sent none for too long.

Reported: every ACTUAL `EXCEPTION` event in the timeline (FSU DIS, DCSA holds, a feed's own
exception) stays open until a later actual milestone shows the shipment moving again; damage and
discrepancy reports stay open. Once delivered, only those two stay open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone
from logistics.tracking.eta import Forecast
from logistics.tracking.legs import PlannedLeg
from logistics.tracking.timeline import LegStatus, Projection

STAY_OPEN = frozenset({ExceptionReason.DAMAGED, ExceptionReason.DISCREPANCY})
NEEDS_REPLAN = frozenset(
    {ExceptionReason.MISSED_CONNECTION, ExceptionReason.OFFLOADED, ExceptionReason.DISRUPTED}
)


@dataclass(frozen=True, slots=True)
class ExceptionRules:
    """Thresholds of the time-based rules, in minutes."""

    delay_grace_minutes: int = 0
    dwell_grace_minutes: int = 360
    tracking_lost_minutes: int = 60


@dataclass(frozen=True, slots=True)
class OpenException:
    """An exception that holds now; `key` identifies it across refreshes."""

    key: str
    reason: ExceptionReason
    origin: str  # derived | reported
    since: datetime
    detail: str
    leg_index: int | None = None
    location: str | None = None
    mode: Mode | None = None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _reported(projection: Projection, delivered: bool) -> list[OpenException]:
    found = []
    for entry in projection.exceptions:
        e = entry.event
        reason = e.reason or ExceptionReason.OTHER
        moved_on = any(
            t.event.milestone not in (Milestone.EXCEPTION, Milestone.INFORMATIONAL)
            and t.event.event_time > e.event_time
            for t in projection.timeline
        )
        if reason not in STAY_OPEN and (moved_on or delivered):
            continue
        found.append(
            OpenException(
                key=f"reported:{e.source}:{e.event_id}",
                reason=reason,
                origin="reported",
                since=e.event_time,
                detail=f"reported by {e.source}" + (f" ({e.source_code})" if e.source_code else ""),
                leg_index=entry.leg_index,
                location=e.location,
                mode=e.mode,
            )
        )
    return found


def _dwell(
    legs: Sequence[PlannedLeg], statuses: Mapping[int, LegStatus], now: datetime, grace: int
) -> list[OpenException]:
    found = []
    for leg, nxt in pairwise(legs):
        here, there = statuses.get(leg.leg_index), statuses.get(nxt.leg_index)
        arrived = here.actual_arrive if here else None
        if arrived is None or (there is not None and there.actual_depart is not None):
            continue
        limit = max(nxt.planned_depart, arrived) + timedelta(minutes=grace)
        if now > limit:
            found.append(
                OpenException(
                    key=f"DWELL_EXCEEDED:{nxt.leg_index}",
                    reason=ExceptionReason.DWELL_EXCEEDED,
                    origin="derived",
                    since=limit,
                    detail=f"at {leg.to_location} since {arrived.isoformat()}, "
                    f"{_minutes(now - arrived)} min; next leg planned {nxt.planned_depart.isoformat()}",
                    leg_index=nxt.leg_index,
                    location=leg.to_location,
                    mode=nxt.mode,
                )
            )
    return found


def _tracking_lost(
    legs: Sequence[PlannedLeg],
    statuses: Mapping[int, LegStatus],
    last_positions: Mapping[str, datetime],
    now: datetime,
    threshold: int,
) -> list[OpenException]:
    found = []
    for leg in legs:
        status = statuses.get(leg.leg_index)
        if leg.service_id is not None or leg.vehicle_id is None or status is None:
            continue
        if status.actual_depart is None or status.actual_arrive is not None:
            continue
        last = last_positions.get(leg.vehicle_id)
        if last is None:  # the vehicle sends no positions at all: nothing to lose
            continue
        seen = max(last, status.actual_depart)
        if now - seen > timedelta(minutes=threshold):
            found.append(
                OpenException(
                    key=f"TRACKING_LOST:{leg.leg_index}",
                    reason=ExceptionReason.TRACKING_LOST,
                    origin="derived",
                    since=seen + timedelta(minutes=threshold),
                    detail=f"no position from {leg.vehicle_id} since {seen.isoformat()}",
                    leg_index=leg.leg_index,
                    location=leg.from_location,
                    mode=leg.mode,
                )
            )
    return found


def open_exceptions(
    *,
    due_at: datetime,
    legs: Sequence[PlannedLeg],
    projection: Projection,
    forecast: Forecast,
    now: datetime,
    last_positions: Mapping[str, datetime] | None = None,
    rules: ExceptionRules | None = None,
) -> tuple[OpenException, ...]:
    """Every exception that holds at `now`, derived ones first, in a stable order."""
    rules = rules or ExceptionRules()
    delivered = projection.delivered_at is not None
    reported = _reported(projection, delivered)
    if delivered:
        return tuple(reported)
    ordered = sorted(legs, key=lambda leg: leg.leg_index)
    statuses = {s.leg_index: s for s in projection.legs}
    derived: list[OpenException] = []
    missed = forecast.missed
    if missed is not None:
        derived.append(
            OpenException(
                key=f"MISSED_CONNECTION:{missed.leg_index}",
                reason=ExceptionReason.MISSED_CONNECTION,
                origin="derived",
                since=min(now, missed.latest),
                detail=missed.detail,
                leg_index=missed.leg_index,
                location=missed.hub,
            )
        )
    grace = timedelta(minutes=rules.delay_grace_minutes)
    if forecast.eta is not None and forecast.eta > due_at + grace:
        derived.append(
            OpenException(
                key="DELAY",
                reason=ExceptionReason.DELAY,
                origin="derived",
                since=min(now, due_at + grace),
                detail=f"ETA {forecast.eta.isoformat()} is {_minutes(forecast.eta - due_at)} min "
                f"after due {due_at.isoformat()}",
            )
        )
    elif forecast.eta is None and now > due_at + grace:
        derived.append(
            OpenException(
                key="DELAY",
                reason=ExceptionReason.DELAY,
                origin="derived",
                since=due_at + grace,
                detail=f"not delivered, {_minutes(now - due_at)} min past due {due_at.isoformat()}; "
                "ETA unknown until a replan",
            )
        )
    derived += _dwell(ordered, statuses, now, rules.dwell_grace_minutes)
    derived += _tracking_lost(
        ordered, statuses, last_positions or {}, now, rules.tracking_lost_minutes
    )
    return tuple(derived + reported)


def needs_replan(exceptions: Sequence[OpenException]) -> bool:
    """True when an open exception means the accepted itinerary no longer holds."""
    return any(e.reason in NEEDS_REPLAN for e in exceptions)
