"""Incumbent itineraries: a shipment's accepted itinerary, rebuilt to be kept when it still works."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from logistics.domain import Leg, Plan, Shipment, ShipmentPlanStatus
from logistics.planning.itinerary import Itinerary, Segment
from logistics.planning.itinerary_search import MAX_LATE, score_itinerary
from logistics.planning.network import Network
from logistics.planning.objectives import Objective

TRUCK = "truck:"


def itinerary_key(legs: Sequence[Leg]) -> tuple[str, ...]:
    """An itinerary's identity from its legs: service ids, and `truck:FROM>TO` for truck legs."""
    return tuple(
        leg.service_id if leg.service_id else f"{TRUCK}{leg.from_location}>{leg.to_location}"
        for leg in legs
    )


def incumbent_from_plan(plan: Plan) -> dict[str, tuple[str, ...]]:
    """The incumbent itinerary of every shipment a plan moves (to pass to the next plan)."""
    return {
        sp.shipment_id: itinerary_key(sp.legs)
        for sp in plan.shipments
        if sp.status is ShipmentPlanStatus.PLANNED
    }


def _at(t: datetime) -> str:
    return t.isoformat(timespec="minutes")


def rebuild(
    net: Network, sh: Shipment, key: Sequence[str], objective: Objective
) -> tuple[Itinerary | None, str]:
    """The incumbent as an itinerary with today's estimates, or None and why it no longer works
    (a service closed or gone, a connection the forecast misses, no truck shift in time)."""
    scenario = net.scenario
    segs: list[Segment] = []
    at, available = sh.origin, net.ready(sh)
    after_service = False
    for n, item in enumerate(key):
        if item.startswith(TRUCK):
            a, _, b = item.removeprefix(TRUCK).partition(">")
            if a != at or b not in scenario.location_by_id:
                return None, f"its truck leg {a}>{b} does not join its itinerary"
            nxt = scenario.service_by_id.get(key[n + 1]) if n + 1 < len(key) else None
            if nxt is not None:
                latest = nxt.cutoff - timedelta(
                    minutes=scenario.location_by_id[nxt.origin].service_minutes
                )
            else:
                latest = sh.due_at + MAX_LATE
            leg = net.truck_leg(sh, a, b, available, latest)
            if leg is None:
                return (
                    None,
                    f"no truck shift can drive {a}>{b} between {_at(available)} and {_at(latest)}",
                )
            segs.append(leg)
            at = b
            place = scenario.location_by_id[b]
            nxt_is_truck = n + 1 < len(key) and key[n + 1].startswith(TRUCK)
            available = leg.arrive + timedelta(
                minutes=place.service_minutes + (place.handling_minutes if nxt_is_truck else 0)
            )
            after_service = False
            continue
        svc = scenario.service_by_id.get(item)
        if svc is None:
            return None, f"{item} can no longer be booked (its cutoff has passed or it is gone)"
        if svc.origin != at:
            return None, f"{item} does not leave from {at}"
        if not sh.fits(svc.capabilities):
            return None, f"{item} lacks {sorted(sh.requirements - svc.capabilities)}"
        if available > svc.cutoff:
            basis = "by the forecast arrival" if after_service and segs else "at"
            return None, (
                f"the connection to {item} is missed: available {basis} {_at(available)}, "
                f"after its cutoff {_at(svc.cutoff)}"
            )
        segs.append(Segment(svc.origin, svc.destination, svc.departure, net.arrival(svc), svc))
        at = svc.destination
        arrival = net.arrival(svc)
        nxt_is_truck = n + 1 < len(key) and key[n + 1].startswith(TRUCK)
        available = arrival + timedelta(
            minutes=scenario.location_by_id[at].handling_minutes if nxt_is_truck else 0
        )
        after_service = True
    if not segs or at != sh.destination:
        return None, "its accepted itinerary does not reach the destination"
    return score_itinerary(net, sh, segs, objective), ""
