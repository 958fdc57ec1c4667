"""Stage B, part 0: the truck legs of the chosen itineraries, with pickup and drop windows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.domain import Scenario, Shipment
from logistics.planning.itinerary import Itinerary

LATE_SLACK = timedelta(hours=6)


@dataclass(frozen=True, slots=True, order=True)
class TruckLegRef:
    """Which truck leg a routing request is: a shipment and the leg's index in its itinerary."""

    shipment_id: str
    index: int

    @property
    def request_id(self) -> str:
        """The routing request's id (the routing engine sees only this string): `SH00001#0`."""
        return f"{self.shipment_id}#{self.index}"


RequestMap = Mapping[str, TruckLegRef]  # routing request id -> the truck leg it is


@dataclass(frozen=True, slots=True)
class TruckLeg:
    """One truck leg of a chosen itinerary, with its pickup and drop windows."""

    shipment: Shipment
    leg_index: int
    from_location: str
    to_location: str
    earliest: datetime
    latest_drop: datetime

    @property
    def ref(self) -> TruckLegRef:
        """This leg's identity: its shipment and index."""
        return TruckLegRef(self.shipment.id, self.leg_index)

    @property
    def request_id(self) -> str:
        """This leg's routing request id."""
        return self.ref.request_id


def request_map(legs: Iterable[TruckLeg]) -> dict[str, TruckLegRef]:
    """Request id -> truck leg of the given legs (built once, then looked up, never parsed)."""
    return {leg.request_id: leg.ref for leg in legs}


def itinerary_refs(itineraries: Mapping[str, Itinerary]) -> dict[str, TruckLegRef]:
    """Request id -> truck leg of every truck leg of the given itineraries."""
    return {
        ref.request_id: ref
        for sid, it in itineraries.items()
        for ref in (TruckLegRef(sid, i) for i, seg in enumerate(it.segments) if seg.is_truck)
    }


def shipments_of(requests: RequestMap, request_ids: Iterable[str]) -> set[str]:
    """The shipments the given routing requests belong to."""
    return {requests[rid].shipment_id for rid in request_ids}


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
            out.append(TruckLeg(sh, i, seg.from_location, seg.to_location, earliest, latest))
    return out
