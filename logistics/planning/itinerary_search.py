"""Stage A, part 1: feasible itineraries per shipment over the scheduled services (estimated times)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from logistics.domain import Service, Shipment, UnplannedReason, Vehicle
from logistics.planning.costing import (
    co2_kg,
    service_leg_cost,
    vehicle_factor_id,
)
from logistics.planning.itinerary import Itinerary, Segment
from logistics.planning.network import HUB_REACH_KM, Network
from logistics.planning.objectives import Objective

MAX_LATE = timedelta(days=3)
FIRST_SERVICES_PER_LANE = 4  # departures per lane considered after a shipment is ready
ONWARD_SERVICES_PER_LANE = 2


def rank(objective: Objective, it: Itinerary) -> tuple[object, ...]:
    """Sort key of a shipment's itineraries: on time first unless lateness has a price."""
    return _rank(objective, it, it.key)


def _rank(objective: Objective, it: Itinerary, key: tuple[str, ...]) -> tuple[object, ...]:
    if objective.on_time_first:
        return (it.late_minutes > 0, it.late_minutes, it.score, key)
    return (it.score, key)


def _score(
    net: Network, sh: Shipment, segs: Sequence[Segment], objective: Objective
) -> tuple[float, float, float]:
    cost = 0.0
    co2 = 0.0
    for s in segs:
        if s.service is not None:
            cost += service_leg_cost(s.service, sh.weight_kg, sh.volume_m3)
            km, factor = net.service_emission(s.service)
            co2 += co2_kg(km, sh.weight_kg, factor)
        else:
            km = net.road_km(s.from_location, s.to_location)
            share = min(1.0, max(0.08, sh.weight_kg / 15000.0))
            cost += (4.5 * km * 2 + 300.0) * share
            co2 += co2_kg(km, sh.weight_kg, net.factors.get("truck_medium", 0.0))
    delivered = segs[-1].arrive
    late_h = max(0.0, (delivered - sh.due_at).total_seconds() / 3600)
    transit_h = (delivered - sh.ready_at).total_seconds() / 3600
    score = objective.measure(cost, transit_h, co2)
    if objective.lateness_price is not None:
        score += objective.lateness_price * late_h
    return cost, co2, score


def score_itinerary(
    net: Network, sh: Shipment, segs: Sequence[Segment], objective: Objective
) -> Itinerary:
    """An itinerary of these legs with its estimated delivery, cost, CO2, score and lateness."""
    it_cost, it_co2, score = _score(net, sh, segs, objective)
    late = max(0, int((segs[-1].arrive - sh.due_at).total_seconds() // 60))
    return Itinerary(sh.id, tuple(segs), segs[-1].arrive, it_cost, it_co2, score, late)


def _first_mile(net: Network, sh: Shipment, svc: Service) -> list[Segment] | None:
    handover_by = svc.cutoff
    if sh.origin == svc.origin:
        return [] if net.ready(sh) <= handover_by else None
    hub_service = net.service_time[svc.origin]
    leg = net.truck_leg(sh, sh.origin, svc.origin, net.ready(sh), handover_by - hub_service)
    return None if leg is None else [leg]


def _last_mile(net: Network, sh: Shipment, svc: Service) -> list[Segment] | None:
    if svc.destination == sh.destination:
        return []
    available = net.arrival(svc) + net.handling_time[svc.destination]
    leg = net.truck_leg(sh, svc.destination, sh.destination, available, sh.due_at + MAX_LATE)
    return None if leg is None else [leg]


def search(
    net: Network,
    sh: Shipment,
    objective: Objective,
    *,
    k: int = 5,
    forbidden: frozenset[tuple[str, ...]] = frozenset(),
) -> tuple[list[Itinerary], UnplannedReason, str]:
    """The best k itineraries of a shipment, or none with a reason code and a readable detail."""
    found: list[tuple[tuple[str, ...], Itinerary]] = []  # (key, itinerary)
    latest = sh.due_at + MAX_LATE
    lacking: list[Service] = []  # departures in reach without the shipment's requirements
    missed: list[tuple[Service, datetime | None]] = []  # (departure, earliest truck at its hub)
    no_mile: list[Service] = []  # services with no last-mile truck after them

    def add(segs: list[Segment]) -> None:
        it = score_itinerary(net, sh, segs, objective)
        key = it.key
        if key not in forbidden:
            found.append((key, it))

    # Direct trucking at any distance: the shifts' hours and the road time decide.
    leg = net.truck_leg(sh, sh.origin, sh.destination, net.ready(sh), latest)
    if leg is not None:
        add([leg])

    def explore(wide: bool) -> None:
        """Itineraries over services from hubs near the origin to hubs near the destination
        (every hub when `wide`)."""
        for hub in net.hubs_near(sh.origin, arriving=False, wide=wide):
            at_hub = net.ready(sh) + timedelta(minutes=net.truck_minutes(sh.origin, hub))
            for s1 in net.departures(hub, at_hub, latest, FIRST_SERVICES_PER_LANE):
                if not sh.fits(s1.capabilities):
                    lacking.append(s1)
                    continue
                first = _first_mile(net, sh, s1)
                if first is None:
                    if sh.origin != s1.origin:
                        arrive = net.truck_leg(sh, sh.origin, s1.origin, net.ready(sh), None)
                        missed.append((s1, None if arrive is None else arrive.arrive))
                    else:
                        missed.append((s1, net.ready(sh)))
                    continue
                tail_ok = s1.destination == sh.destination or s1.destination in net.hubs_near(
                    sh.destination, arriving=True, wide=wide
                )
                if tail_ok:
                    last = _last_mile(net, sh, s1)
                    if last is None:
                        no_mile.append(s1)
                    else:
                        add(
                            [
                                *first,
                                Segment(
                                    s1.origin, s1.destination, s1.departure, net.arrival(s1), s1
                                ),
                                *last,
                            ]
                        )
                for s2 in net.departures(
                    s1.destination, net.arrival(s1), latest, ONWARD_SERVICES_PER_LANE
                ):
                    if s2.destination == s1.origin:
                        continue
                    if not sh.fits(s2.capabilities):
                        continue
                    if s2.destination != sh.destination and s2.destination not in net.hubs_near(
                        sh.destination, arriving=True, wide=wide
                    ):
                        continue
                    last = _last_mile(net, sh, s2)
                    if last is None:
                        no_mile.append(s2)
                    else:
                        add(
                            [
                                *first,
                                Segment(
                                    s1.origin, s1.destination, s1.departure, net.arrival(s1), s1
                                ),
                                Segment(
                                    s2.origin, s2.destination, s2.departure, net.arrival(s2), s2
                                ),
                                *last,
                            ]
                        )

    explore(wide=False)
    if not any(it.late_minutes == 0 for _, it in found):
        # Nothing on time through the near hubs: try every hub, a long first or last mile
        # included (the shifts' hours and the road time decide, as for direct trucking).
        explore(wide=True)
    found.sort(key=lambda pair: _rank(objective, pair[1], pair[0]))
    unique: dict[tuple[str, ...], Itinerary] = {}
    for key, it in found:
        unique.setdefault(key, it)
    best = list(unique.values())[:k]
    if best:
        return best, UnplannedReason.NO_FEASIBLE_ITINERARY, ""
    return [], *_why_none(net, sh, latest, lacking, missed, no_mile)


def _at(t: datetime) -> str:
    return t.isoformat(timespec="minutes")


def _why_none(
    net: Network,
    sh: Shipment,
    latest: datetime,
    lacking: list[Service],
    missed: list[tuple[Service, datetime | None]],
    no_mile: list[Service],
) -> tuple[UnplannedReason, str]:
    """The reason a shipment has no itinerary, with the fact that binds."""
    km = net.road_km(sh.origin, sh.destination)
    direct = (
        f"no truck shift can drive it {sh.origin}->{sh.destination} ({km:,.0f} km) directly "
        f"and return within its hours between {_at(net.ready(sh))} and {_at(latest)}"
    )
    capable = net.capable_shifts(sh.requirements) if sh.requirements else ()
    if lacking and not missed and not no_mile:
        tags = sorted(sh.requirements)
        services = ", ".join(s.id for s in lacking[:3]) + (" ..." if len(lacking) > 3 else "")
        if not capable:
            return (
                UnplannedReason.REQUIREMENTS,
                f"no service or truck accepts requirements {tags}: the {len(lacking)} "
                f"departure(s) in reach lack them ({services}) and no truck shift has them",
            )
        return (
            UnplannedReason.REQUIREMENTS,
            f"no service in reach accepts {tags} ({services}); {direct} among the "
            f"{len(capable)} {'/'.join(tags)}-capable shift kind(s) "
            f"(e.g. {capable[0].id} at {capable[0].depot})",
        )
    if missed:
        svc, truck_at = missed[0]
        how = (
            f"the earliest it can be at {svc.origin} is {_at(truck_at)}"
            if truck_at is not None
            else f"no truck shift can bring it from {sh.origin} to {svc.origin} in time"
        )
        return (
            UnplannedReason.MISSED_CUTOFF,
            f"ready {_at(net.ready(sh))}: the first departure in reach, {svc.id}, closes at its "
            f"cutoff {_at(svc.cutoff)}; {how}; {direct}",
        )
    if no_mile:
        svc = no_mile[0]
        return (
            UnplannedReason.NO_VEHICLE,
            f"after {svc.id} arrives at {svc.destination} ({_at(net.arrival(svc))}) no truck "
            f"shift can take it to {sh.destination} by {_at(latest)}; {direct}",
        )
    hubs = ", ".join(net.hubs_near(sh.origin, arriving=False)) or "none"
    return (
        UnplannedReason.NO_FEASIBLE_ITINERARY,
        f"no departure from a hub in reach of {sh.origin} (within {HUB_REACH_KM:.0f} km: "
        f"{hubs}) connects to {sh.destination} between {_at(net.ready(sh))} and "
        f"{_at(latest)}; {direct}",
    )


def vehicle_factor(net: Network, vehicle: Vehicle) -> float:
    """g CO2e per tonne-km of a truck."""
    return net.factors.get(vehicle_factor_id(vehicle), 0.0)
