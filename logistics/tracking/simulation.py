"""A simulated event stream for booked itineraries, as feeds would send it (pure; for the demo).

For a handful of shipments (air, rail and road) it produces what the truck telematics, the
airline (FSU-like), the rail operator and the delivery driver would report, leg by leg, at the
planned times with a few minutes of noise. One flight is delayed: first an estimate, then the
late departure and arrival. When a shipment on it has an onward service, the delay is made long
enough to miss that service's cutoff, so the connection breaks (the shipment then stops at the
hub, waiting for a replan); otherwise the delay makes the shipment late.

The events are cut into batches by event time, like a day of feeds arriving; inside a batch
the order is shuffled, some events arrive one batch late, and some are sent twice — so the
projection rules (order by event time, duplicates counted once) are visible.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from logistics.domain.enums import Mode
from logistics.tracking.legs import PlannedLeg

BATCHES = 6


@dataclass(frozen=True, slots=True)
class Batch:
    """Events as one delivery of feeds, and the simulated clock after it."""

    label: str
    clock: datetime
    events: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Stream:
    """The batches, the shipments followed, and the delayed flight."""

    batches: tuple[Batch, ...]
    shipments: tuple[str, ...]
    delayed_service: str | None
    broken_shipments: tuple[str, ...] = field(default_factory=tuple)


def _event(
    kind: str, n: int, milestone: str, when: datetime, location: str | None, **subject: Any
) -> dict[str, Any]:
    return {
        "event_id": f"DEMO-{kind}-{n:05d}",
        "source": f"demo-{kind}",
        "milestone": milestone,
        "time_type": subject.pop("time_type", "ACTUAL"),
        "event_time": when.isoformat(),
        "location": location,
        **subject,
    }


def _pick(itineraries: Mapping[str, Sequence[PlannedLeg]], rnd: random.Random) -> list[str]:
    by_kind: dict[str, list[str]] = {"air": [], "rail": [], "road": []}
    for sid, legs in sorted(itineraries.items()):
        modes = {leg.mode for leg in legs}
        kind = "air" if Mode.AIR in modes else "rail" if Mode.RAIL in modes else "road"
        by_kind[kind].append(sid)
    chosen: list[str] = []
    for kind, count in (("air", 4), ("rail", 3), ("road", 2)):
        pool = by_kind[kind]
        chosen += rnd.sample(pool, min(count, len(pool)))
    return sorted(chosen)


def _connection(
    itineraries: Mapping[str, Sequence[PlannedLeg]], cutoffs: Mapping[str, int]
) -> tuple[str, str, timedelta] | None:
    """A shipment with a flight followed by another service: (shipment, flight, delay to break it)."""
    for sid, legs in sorted(itineraries.items()):
        ordered = sorted(legs, key=lambda leg: leg.leg_index)
        for leg, nxt in pairwise(ordered):
            if leg.mode is Mode.AIR and leg.service_id and nxt.service_id:
                latest = nxt.planned_depart - timedelta(minutes=cutoffs.get(nxt.service_id, 0))
                return sid, leg.service_id, latest - leg.planned_arrive + timedelta(hours=2)
    return None


def simulate_stream(
    itineraries: Mapping[str, Sequence[PlannedLeg]],
    *,
    cutoffs: Mapping[str, int],
    seed: int = 7,
) -> Stream:
    """The demo's event stream for some of the booked shipments (see the module docstring)."""
    rnd = random.Random(seed)
    chosen = _pick(itineraries, rnd)
    connection = _connection(itineraries, cutoffs)
    if connection and connection[0] not in chosen:
        chosen = sorted([*chosen, connection[0]])
    delayed, delay = (connection[1], connection[2]) if connection else (None, timedelta(hours=9))
    if delayed is None:
        flights = [
            leg.service_id
            for sid in chosen
            for leg in itineraries[sid]
            if leg.mode is Mode.AIR and leg.service_id
        ]
        delayed = flights[0] if flights else None
    events: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()  # movement events are sent once per movement
    broken: list[str] = []
    counter = iter(range(1, 100_000))

    def noise() -> timedelta:
        return timedelta(minutes=rnd.randint(-8, 2))  # mostly early: the late flight is the story

    def movement(
        kind: str, milestone: str, when: datetime, where: str | None, **subject: Any
    ) -> None:
        subject_id = str(subject.get("service_id") or subject.get("vehicle_id"))
        key = (subject_id, f"{milestone}/{subject.get('time_type', 'ACTUAL')}", where or "")
        if key not in seen:
            seen.add(key)
            events.append(_event(kind, next(counter), milestone, when, where, **subject))

    for sid in chosen:
        legs = sorted(itineraries[sid], key=lambda leg: leg.leg_index)
        first = legs[0]
        events.append(
            _event(
                "portal",
                next(counter),
                "PICKED_UP",
                first.planned_depart - timedelta(minutes=15),
                first.from_location,
                shipment_id=sid,
                mode=first.mode.value,
            )
        )
        stop = False
        shift = timedelta()  # how late the shipment runs since the delayed flight
        for leg in legs:
            late = delay if leg.service_id == delayed else timedelta()
            shift = max(shift, late)
            depart, arrive = (
                leg.planned_depart + shift + noise(),
                leg.planned_arrive + shift + noise(),
            )
            if leg.service_id is None:
                movement(
                    "telematics",
                    "DEPARTED",
                    depart,
                    leg.from_location,
                    vehicle_id=leg.vehicle_id,
                    mode="road",
                )
                movement(
                    "telematics",
                    "ARRIVED",
                    arrive,
                    leg.to_location,
                    vehicle_id=leg.vehicle_id,
                    mode="road",
                )
                continue
            kind = (
                "airline"
                if leg.mode is Mode.AIR
                else "rail"
                if leg.mode is Mode.RAIL
                else "linehaul"
            )
            events.append(
                _event(
                    kind,
                    next(counter),
                    "RECEIVED",
                    leg.planned_depart - timedelta(hours=3),
                    leg.from_location,
                    shipment_id=sid,
                    mode=leg.mode.value,
                )
            )
            if late:
                movement(
                    kind,
                    "DEPARTED",
                    leg.planned_depart + late / 2,
                    leg.from_location,
                    service_id=leg.service_id,
                    mode=leg.mode.value,
                    time_type="ESTIMATED",
                    recorded_at=(leg.planned_depart - timedelta(hours=4)).isoformat(),
                )
            movement(
                kind,
                "DEPARTED",
                depart,
                leg.from_location,
                service_id=leg.service_id,
                mode=leg.mode.value,
            )
            if leg.mode is Mode.RAIL:
                movement(
                    kind,
                    "BORDER_CROSSED",
                    depart + (arrive - depart) / 3,
                    None,  # the train reports the border crossing without a network location
                    service_id=leg.service_id,
                    mode="rail",
                )
            movement(
                kind,
                "ARRIVED",
                arrive,
                leg.to_location,
                service_id=leg.service_id,
                mode=leg.mode.value,
            )
            if late and connection and sid == connection[0]:
                broken.append(sid)
                stop = True
                break
        if not stop:
            last = legs[-1]
            events.append(
                _event(
                    "driver",
                    next(counter),
                    "DELIVERED",
                    last.planned_arrive + shift + noise(),
                    last.to_location,
                    shipment_id=sid,
                    mode=last.mode.value,
                )
            )
    return Stream(_batches(events, rnd), tuple(chosen), delayed, tuple(broken))


def _when(event: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event.get("recorded_at") or event["event_time"]))


def _batches(events: list[dict[str, Any]], rnd: random.Random) -> tuple[Batch, ...]:
    ordered = sorted(events, key=lambda e: (_when(e), e["event_id"]))
    size = max(1, -(-len(ordered) // BATCHES))
    chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    out: list[Batch] = []
    carried: list[dict[str, Any]] = []
    for n, chunk in enumerate(chunks):
        body = carried + chunk
        carried = []
        if n + 1 < len(chunks):  # a few arrive one batch late
            late = rnd.sample(range(len(body)), k=min(2, len(body)))
            carried = [body[i] for i in late]
            body = [e for i, e in enumerate(body) if i not in late]
        if out:  # and a few are sent again
            body += rnd.sample(list(out[-1].events), k=min(2, len(out[-1].events)))
        rnd.shuffle(body)
        clock = max(_when(e) for e in chunk)
        out.append(Batch(f"feeds up to {clock.isoformat()}", clock, tuple(body)))
    return tuple(out)
