"""Stage B, part 0: the truck legs of the chosen itineraries, with pickup and drop windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.domain import Scenario, Shipment
from logistics.planning.itinerary import Itinerary

LATE_SLACK = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class TruckLeg:
    """One truck leg of a chosen itinerary, with its pickup and drop windows."""

    request_id: str
    shipment: Shipment
    leg_index: int
    from_location: str
    to_location: str
    earliest: datetime
    latest_drop: datetime


def truck_legs(
    scenario: Scenario,
    itineraries: Mapping[str, Itinerary],
    *,
    now: datetime | None = None,
    forecasts: Mapping[str, datetime] | None = None,
) -> list[TruckLeg]:
    """Every truck leg of the chosen itineraries with windows from ready times, cutoffs and due dates.

    No leg is picked up before `now`; after a service, a leg starts from its forecast arrival
    (`forecasts`: service id -> arrival) when later than the scheduled one.
    """
    forecasts = forecasts or {}
    out: list[TruckLeg] = []
    for sid, it in itineraries.items():
        sh = scenario.shipment_by_id[sid]
        segs = it.segments
        for i, seg in enumerate(segs):
            if not seg.is_truck:
                continue
            if i == 0:
                earliest = sh.ready_at
            else:
                prev = segs[i - 1].service
                assert prev is not None
                arrival = max(prev.arrival, forecasts.get(prev.id, prev.arrival))
                earliest = arrival + timedelta(
                    minutes=scenario.location_by_id[prev.destination].handling_minutes
                )
            if i + 1 < len(segs):
                nxt = segs[i + 1].service
                assert nxt is not None
                latest = nxt.cutoff - timedelta(
                    minutes=scenario.location_by_id[nxt.origin].service_minutes
                )
            elif it.late_minutes == 0:
                # on time in the assignment: the routing keeps it on time or gives it back
                # (a dropped leg is repaired with another itinerary, never delivered late silently)
                latest = sh.due_at
            else:
                latest = max(sh.due_at, it.delivered_at + LATE_SLACK)
            if now is not None:
                earliest = max(earliest, now)
            out.append(
                TruckLeg(f"{sid}#{i}", sh, i, seg.from_location, seg.to_location, earliest, latest)
            )
    return out
