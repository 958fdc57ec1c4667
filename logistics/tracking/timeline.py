"""Projection of one shipment's events: timeline, status and per-leg times (pure).

Rules (DESIGN 3.5): duplicates (same source and event id, or same content hash) count once,
the first received copy winning; a retraction removes the event it names (and its content
duplicates) from the projection; of the versions of one source event (`versions`) only the
latest counts, and retracting its id retracts them all; a service or vehicle event that repeats
one the same source reported for the shipment itself (same milestone, time type, time and place)
counts once; the timeline holds ACTUAL events ordered by event time, then
leg order, then milestone order, never by arrival order; a truck or train event at a stop that
is not one of this shipment's leg ends is left out (it is about other shipments); DELIVERED is terminal unless retracted
(only a later EXCEPTION changes the status after it); an INFORMATIONAL event is on the
timeline but never the status; per leg and milestone the newest ESTIMATED
event (by recorded_at, then received_at, then id) is the open estimate until an ACTUAL event
for the same leg and milestone closes it. The result does not depend on the input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from logistics.domain.enums import Mode
from logistics.domain.tracking import Milestone, TimeType, TrackingEvent
from logistics.tracking.hashing import content_hash
from logistics.tracking.legs import PlannedLeg, belongs, match_leg
from logistics.tracking.versions import base_id, split_version

_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An effective event and the leg it was matched to (None: not tied to a leg)."""

    event: TrackingEvent
    leg_index: int | None


@dataclass(frozen=True, slots=True)
class LegStatus:
    """Planned, open estimated and actual departure and arrival of one leg."""

    leg_index: int
    mode: Mode
    from_location: str
    to_location: str
    service_id: str | None
    vehicle_id: str | None
    planned_depart: datetime
    planned_arrive: datetime
    estimated_depart: datetime | None
    estimated_arrive: datetime | None
    actual_depart: datetime | None
    actual_arrive: datetime | None


@dataclass(frozen=True, slots=True)
class Projection:
    """Everything derived from a shipment's events; rebuildable at any time."""

    timeline: tuple[TimelineEntry, ...]
    status: Milestone | None
    status_event_id: str | None
    delivered_at: datetime | None
    legs: tuple[LegStatus, ...]
    exceptions: tuple[TimelineEntry, ...]
    open_estimates: tuple[TimelineEntry, ...]
    planned: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class Deduplicated:
    """Events after duplicate removal, and what was dropped or retracted (for reporting)."""

    effective: tuple[TrackingEvent, ...]
    duplicates: tuple[TrackingEvent, ...]
    retractions: tuple[TrackingEvent, ...]
    retracted: tuple[TrackingEvent, ...]


def _received_key(event: TrackingEvent) -> tuple[bool, datetime, str, str]:
    received = event.received_at.astimezone(UTC) if event.received_at else _EARLIEST
    return (event.received_at is None, received, event.source, event.event_id)


def deduplicate(events: Iterable[TrackingEvent]) -> Deduplicated:
    """Drop duplicates (first received copy wins) and apply retractions."""
    kept: list[TrackingEvent] = []
    duplicates: list[TrackingEvent] = []
    alias: dict[tuple[str, str], int] = {}  # (source, id) of every copy -> index in kept
    by_hash: dict[str, int] = {}
    hashed = [(content_hash(e), e) for e in events]  # once per event: the sort key uses it too
    for digest, event in sorted(hashed, key=lambda pair: (*_received_key(pair[1]), pair[0])):
        key = (event.source, event.event_id)
        index = alias.get(key, by_hash.get(digest))
        if index is not None:
            duplicates.append(event)
            alias.setdefault(key, index)
            continue
        alias[key] = by_hash[digest] = len(kept)
        kept.append(event)
    retractions = [e for e in kept if e.retracts]
    removed: set[int] = _superseded(kept)
    for r in retractions:
        target = alias.get((r.source, r.retracts or ""))
        if target is None:  # a retraction may name another source's event id
            target = next((i for (_, eid), i in sorted(alias.items()) if eid == r.retracts), None)
        if target is not None and not kept[target].retracts:
            removed.add(target)
        removed.update(_versions_retracted(kept, r))
    effective = [e for i, e in enumerate(kept) if i not in removed and not e.retracts]
    return Deduplicated(
        effective=tuple(effective),
        duplicates=tuple(duplicates),
        retractions=tuple(retractions),
        retracted=tuple(kept[i] for i in sorted(removed)),
    )


def _versions_retracted(kept: Sequence[TrackingEvent], r: TrackingEvent) -> set[int]:
    """Versions of the id `r` retracts, up to the retraction's own version when it has one."""
    upto = split_version(r.event_id)
    found = set()
    for i, e in enumerate(kept):
        split = split_version(e.event_id)
        if e.source != r.source or e.retracts or not split or split[0] != r.retracts:
            continue
        if upto is None or split[1] <= upto[1]:
            found.add(i)
    return found


def _superseded(kept: Sequence[TrackingEvent]) -> set[int]:
    """Indices of events a later version of the same (source, event id) overrides (versions)."""
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for i, e in enumerate(kept):
        split = split_version(e.event_id)
        if split and not e.retracts:
            key = (e.source, split[0])
            if key not in latest or split[1] > latest[key][0]:
                latest[key] = (split[1], i)
    return {
        i
        for i, e in enumerate(kept)
        if not e.retracts
        and (e.source, base_id(e.event_id)) in latest
        and latest[(e.source, base_id(e.event_id))][1] != i
    }


def _fact(e: TrackingEvent) -> tuple[str, Milestone, TimeType, datetime, str | None]:
    return (e.source, e.milestone, e.time_type, e.event_time.astimezone(UTC), e.location)


def _without_fanned_copies(events: Sequence[TrackingEvent]) -> list[TrackingEvent]:
    """Drop a service or vehicle event that repeats one the same source reported for the
    shipment itself (a flight event sent to its loaded pieces' shipments and to the flight)."""
    own = {_fact(e) for e in events if e.shipment_id}
    return [e for e in events if e.shipment_id or _fact(e) not in own]


def _time_key(entry: TimelineEntry) -> tuple[datetime, int, int, str, str]:
    e = entry.event
    leg = -1 if entry.leg_index is None else entry.leg_index
    return (e.event_time.astimezone(UTC), leg, e.milestone.rank, e.source, e.event_id)


def _newest_key(entry: TimelineEntry) -> tuple[datetime, datetime, str, str]:
    e = entry.event
    recorded = (e.recorded_at or e.received_at or _EARLIEST).astimezone(UTC)
    received = (e.received_at or _EARLIEST).astimezone(UTC)
    return (recorded, received, e.source, e.event_id)


def _slot(entry: TimelineEntry) -> tuple[int, Milestone, str]:
    leg = -1 if entry.leg_index is None else entry.leg_index
    location = entry.event.location if entry.leg_index is None else ""
    return (leg, entry.event.milestone, location or "")


def _newest_per_slot(
    entries: Iterable[TimelineEntry],
) -> dict[tuple[int, Milestone, str], TimelineEntry]:
    newest: dict[tuple[int, Milestone, str], TimelineEntry] = {}
    for entry in entries:
        slot = _slot(entry)
        if slot not in newest or _newest_key(entry) > _newest_key(newest[slot]):
            newest[slot] = entry
    return newest


def _status(
    shown: Sequence[TimelineEntry],
) -> tuple[Milestone | None, str | None, datetime | None]:
    timeline = [t for t in shown if t.event.milestone is not Milestone.INFORMATIONAL]
    delivered = [t for t in timeline if t.event.milestone is Milestone.DELIVERED]
    if delivered:
        first = delivered[0]
        later_exceptions = [
            t
            for t in timeline
            if t.event.milestone is Milestone.EXCEPTION
            and t.event.event_time > first.event.event_time
        ]
        last = later_exceptions[-1] if later_exceptions else first
        return last.event.milestone, last.event.event_id, first.event.event_time
    if not timeline:
        return None, None, None
    return timeline[-1].event.milestone, timeline[-1].event.event_id, None


def _actual_time(
    entries: Sequence[TimelineEntry], milestones: Sequence[Milestone]
) -> datetime | None:
    for milestone in milestones:  # reported beats inferred, then the earliest report
        found = [t.event for t in entries if t.event.milestone is milestone]
        if found:
            return min(found, key=lambda e: (e.inferred, e.event_time.astimezone(UTC))).event_time
    return None


def _leg_status(
    leg: PlannedLeg, actual: Sequence[TimelineEntry], estimates: Sequence[TimelineEntry]
) -> LegStatus:
    mine = [t for t in actual if t.leg_index == leg.leg_index]
    open_est = {
        t.event.milestone: t.event.event_time for t in estimates if t.leg_index == leg.leg_index
    }
    arrive_est = open_est.get(Milestone.ARRIVED) or open_est.get(Milestone.DELIVERED)
    return LegStatus(
        leg_index=leg.leg_index,
        mode=leg.mode,
        from_location=leg.from_location,
        to_location=leg.to_location,
        service_id=leg.service_id,
        vehicle_id=leg.vehicle_id,
        planned_depart=leg.planned_depart,
        planned_arrive=leg.planned_arrive,
        estimated_depart=open_est.get(Milestone.DEPARTED),
        estimated_arrive=arrive_est,
        # a pickup or a start of delivery is the truck leaving with the shipment
        actual_depart=_actual_time(
            mine, (Milestone.DEPARTED, Milestone.PICKED_UP, Milestone.OUT_FOR_DELIVERY)
        ),
        actual_arrive=_actual_time(mine, (Milestone.ARRIVED, Milestone.DELIVERED)),
    )


def project(events: Iterable[TrackingEvent], legs: Sequence[PlannedLeg] = ()) -> Projection:
    """Project one shipment's events (any order, duplicates, retractions) onto its legs."""
    ordered_legs = sorted(legs, key=lambda leg: leg.leg_index)
    entries = [
        TimelineEntry(e, match_leg(e, ordered_legs))
        for e in _without_fanned_copies(deduplicate(events).effective)
        if belongs(e, ordered_legs)
    ]
    actual = sorted((t for t in entries if t.event.time_type is TimeType.ACTUAL), key=_time_key)
    closed = {_slot(t) for t in actual}
    # an ARRIVED actual also answers a DELIVERED estimate of the same leg, and vice versa
    closed |= {
        (s[0], m, s[2])
        for s in list(closed)
        for m in (Milestone.ARRIVED, Milestone.DELIVERED)
        if s[1] in (Milestone.ARRIVED, Milestone.DELIVERED) and s[0] >= 0
    }
    estimated = _newest_per_slot(t for t in entries if t.event.time_type is TimeType.ESTIMATED)
    open_estimates = sorted((t for s, t in estimated.items() if s not in closed), key=_time_key)
    planned = sorted(
        _newest_per_slot(t for t in entries if t.event.time_type is TimeType.PLANNED).values(),
        key=_time_key,
    )
    status, status_event_id, delivered_at = _status(actual)
    return Projection(
        timeline=tuple(actual),
        status=status,
        status_event_id=status_event_id,
        delivered_at=delivered_at,
        legs=tuple(_leg_status(leg, actual, open_estimates) for leg in ordered_legs),
        exceptions=tuple(t for t in actual if t.event.milestone is Milestone.EXCEPTION),
        open_estimates=tuple(open_estimates),
        planned=tuple(planned),
    )
