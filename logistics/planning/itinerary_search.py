"""Stage A, part 1: feasible itineraries per shipment over the scheduled services (estimated times)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from logistics.domain import Scenario, Service, Shipment, UnplannedReason, Vehicle
from logistics.planning.costing import (
    co2_kg,
    service_distance_km,
    service_factor_id,
    service_leg_cost,
    vehicle_factor_id,
)
from logistics.planning.objectives import Objective

ESTIMATE_SPEED_KMH = 60.0
REGION_KM = 250.0
HUB_REACH_KM = 350.0
MAX_LATE = timedelta(days=3)
FIRST_SERVICES_PER_LANE = 4  # departures per lane considered after a shipment is ready
ONWARD_SERVICES_PER_LANE = 2


@dataclass(frozen=True, slots=True)
class Segment:
    """One leg of an itinerary: a fleet truck between two places, or a scheduled service."""

    from_location: str
    to_location: str
    depart: datetime
    arrive: datetime
    service: Service | None = None

    @property
    def is_truck(self) -> bool:
        """Whether a fleet truck carries this leg."""
        return self.service is None


@dataclass(frozen=True, slots=True)
class Itinerary:
    """A way to move one shipment, with estimated delivery, cost, CO2 and objective score."""

    shipment_id: str
    segments: tuple[Segment, ...]
    delivered_at: datetime
    cost: float
    co2_kg: float
    score: float  # the preset's measure (plus lateness at its price, when one is set)
    late_minutes: int = 0  # estimated minutes delivered after due

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of the itinerary: its services and truck legs."""
        return tuple(
            s.service.id if s.service else f"truck:{s.from_location}>{s.to_location}"
            for s in self.segments
        )

    def describe(self) -> str:
        """Readable summary such as `truck FXZ-1>CGO, CV9751-20261201, truck LUX>LU-1`."""
        return ", ".join(
            s.service.id if s.service else f"truck {s.from_location}>{s.to_location}"
            for s in self.segments
        )


class Network:
    """Precomputed indexes over a scenario for fast itinerary search.

    `now`: nothing is booked before it (a shipment is available from the later of its ready time
    and now; the scenario given should already hold only services and shifts bookable from now,
    see as_of.py). `forecasts`: service id -> forecast arrival (tracking), used instead of the
    scheduled arrival for what connects after that service.
    """

    def __init__(
        self,
        scenario: Scenario,
        factors: dict[str, float],
        *,
        now: datetime | None = None,
        forecasts: Mapping[str, datetime] | None = None,
    ) -> None:
        self.scenario = scenario
        self.factors = factors
        self.now = now
        self.forecasts = dict(forecasts or {})
        self.by_origin: dict[str, list[Service]] = defaultdict(list)
        for svc in sorted(scenario.services, key=lambda s: (s.departure, s.id)):
            self.by_origin[svc.origin].append(svc)
        self._departure_times = {
            hub: [s.departure for s in services] for hub, services in self.by_origin.items()
        }
        # (what `departures` reads of each service, computed once: it scans them very often)
        self._departure_rows = {
            hub: [
                (s.departure, s.cutoff, s.arrival, (s.destination, s.carrier, s.mode.value), s)
                for s in services
            ]
            for hub, services in self.by_origin.items()
        }
        self.hubs = sorted(self.by_origin)
        self.arrival_hubs = sorted({s.destination for s in scenario.services})
        # One shift per kind (depot, hours, speed, size, capabilities): identical shifts give the
        # same estimate, and a large fleet has many of them.
        self.vehicles_by_depot: dict[str, list[Vehicle]] = defaultdict(list)
        kinds: set[tuple[object, ...]] = set()
        for v in sorted(scenario.vehicles, key=lambda v: (v.available_from, v.id)):
            kind = (
                v.depot,
                v.available_from,
                v.available_until,
                v.speed_kmh,
                v.capacity_kg,
                v.capacity_m3,
                v.capabilities,
            )
            if kind not in kinds:
                kinds.add(kind)
                self.vehicles_by_depot[v.depot].append(v)
        self._longest_shift = max(
            (v.available_until - v.available_from for v in scenario.vehicles),
            default=timedelta(),
        )
        self._fastest = max((v.speed_kmh for v in scenario.vehicles), default=ESTIMATE_SPEED_KMH)
        self._shift_starts = {
            d: [v.available_from for v in vs] for d, vs in self.vehicles_by_depot.items()
        }
        self._earliest_arrival: dict[
            tuple[str, str, str, datetime, tuple[str, ...]], datetime | None
        ] = {}

    def departures(
        self, hub: str, after: datetime, until: datetime, per_lane: int
    ) -> list[Service]:
        """Services from `hub` with cutoff at or after `after`, arriving by `until`: on each lane
        (destination, carrier, mode) only the first `per_lane` departures — later ones on the
        same lane wait longer for the same price and rarely make a better itinerary."""
        rows = self._departure_rows.get(hub, [])
        start = bisect_left(self._departure_times.get(hub, []), after)
        taken: dict[tuple[str, str, str], int] = defaultdict(int)
        out: list[Service] = []
        for i in range(start, len(rows)):
            departure, cutoff, arrival, lane, svc = rows[i]
            if departure > until:
                break
            if cutoff < after or arrival > until:
                continue
            if taken[lane] < per_lane:
                taken[lane] += 1
                out.append(svc)
        return out

    def ready(self, sh: Shipment) -> datetime:
        """When a shipment can first be picked up or handed over: ready, and not before now."""
        return sh.ready_at if self.now is None else max(sh.ready_at, self.now)

    def arrival(self, svc: Service) -> datetime:
        """When a service's cargo is at its destination: the forecast if tracking gives one."""
        return max(svc.arrival, self.forecasts.get(svc.id, svc.arrival))

    @cache  # noqa: B019 (one Network per planning run)
    def road_km(self, a: str, b: str) -> float:
        """Road distance."""
        return self.scenario.road_distance_km(a, b)

    @cache  # noqa: B019
    def truck_minutes(self, a: str, b: str, speed_kmh: float = ESTIMATE_SPEED_KMH) -> int:
        """Truck minutes including the service time at the origin (at an estimated speed)."""
        if a == b:
            return 0
        svc = self.scenario.location_by_id[a].service_minutes
        return svc + self.scenario.road_duration_whole_minutes(a, b, speed_kmh)

    @cache  # noqa: B019
    def from_depot_minutes(self, depot: str, b: str, speed_kmh: float) -> int:
        """Truck minutes from a shift's depot to `b`: the drive only (a route pays no service
        time at its depot, as in the routing model)."""
        return self.scenario.road_duration_whole_minutes(depot, b, speed_kmh)

    @cache  # noqa: B019
    def depots_near(self, location: str) -> tuple[str, ...]:
        """Depots whose trucks serve a location: those within the regional radius, and farther
        depots with a shift long enough to drive there and back when they offer what no near
        depot does (every farther one where no depot is near; one with a capability such as dg
        or reefer that no near shift has), so no place or requirement a shift can reach is left
        without trucks."""
        near = tuple(d for d in self.vehicles_by_depot if self.road_km(d, location) <= REGION_KM)
        offered = {tag for d in near for v in self.vehicles_by_depot[d] for tag in v.capabilities}
        far = tuple(
            d
            for d in self.vehicles_by_depot
            if d not in near
            and (not near or any(v.capabilities - offered for v in self.vehicles_by_depot[d]))
            and self._reaches(d, location)
        )
        return near + far

    def _arrival(
        self, sh: Shipment, a: str, b: str, earliest: datetime, depots: tuple[str, ...]
    ) -> datetime | None:
        key = (sh.id, a, b, earliest, depots)
        if key not in self._earliest_arrival:
            self._earliest_arrival[key] = self._earliest_truck_arrival(sh, a, b, earliest, depots)
        return self._earliest_arrival[key]

    @cache  # noqa: B019
    def _drives(self, depot: str, a: str, b: str) -> bool:
        """Whether some shift of `depot` is long enough for depot -> a -> b -> depot at all."""
        for v in self.vehicles_by_depot[depot]:
            trip = (
                self.from_depot_minutes(depot, a, v.speed_kmh)
                + self.truck_minutes(a, b, v.speed_kmh)
                + self.truck_minutes(b, depot, v.speed_kmh)
            )
            if timedelta(minutes=trip) <= v.available_until - v.available_from:
                return True
        return False

    @cache  # noqa: B019
    def depots_reaching(self, location: str) -> tuple[str, ...]:
        """Every depot with a shift long enough to drive to `location` and back (the near ones
        first): where a driven route may take one more stop (insertion.py)."""
        near = self.depots_near(location)
        return near + tuple(
            d for d in self.vehicles_by_depot if d not in near and self._reaches(d, location)
        )

    def _reaches(self, depot: str, location: str) -> bool:
        """Whether some shift of `depot` can drive to `location` and back within its hours."""
        for v in self.vehicles_by_depot[depot]:
            there = self.from_depot_minutes(depot, location, v.speed_kmh)
            back = self.truck_minutes(location, depot, v.speed_kmh)
            if timedelta(minutes=there + back) <= v.available_until - v.available_from:
                return True
        return False

    @cache  # noqa: B019
    def capable_shifts(self, requirements: frozenset[str]) -> tuple[Vehicle, ...]:
        """Every truck shift (one per kind) whose capabilities cover `requirements`."""
        return tuple(
            v
            for vs in self.vehicles_by_depot.values()
            for v in vs
            if requirements <= v.capabilities
        )

    @cache  # noqa: B019
    def hubs_near(self, location: str, arriving: bool, wide: bool = False) -> tuple[str, ...]:
        """Service origins (or destinations) a truck can reach from (or to) `location`: within
        HUB_REACH_KM, or every one when `wide` (the truck legs' estimates then decide)."""
        hubs = self.arrival_hubs if arriving else self.hubs
        if wide:
            return tuple(hubs)
        return tuple(h for h in hubs if h == location or self.road_km(location, h) <= HUB_REACH_KM)

    def truck_leg(
        self, sh: Shipment, a: str, b: str, earliest: datetime, latest_arrive: datetime | None
    ) -> Segment | None:
        """A fleet truck leg from a to b leaving no earlier than `earliest`, if some shift can do it."""
        if self.truck_minutes(a, b, self._fastest) > self._longest_shift.total_seconds() / 60:
            return None  # no shift is long enough for the drive alone
        best = self._arrival(sh, a, b, earliest, self.depots_near(a))
        if best is None or (latest_arrive is not None and best > latest_arrive):
            return None
        travel = timedelta(minutes=self.truck_minutes(a, b))
        return Segment(a, b, best - travel, best)

    def _earliest_truck_arrival(
        self, sh: Shipment, a: str, b: str, earliest: datetime, depots: tuple[str, ...]
    ) -> datetime | None:
        """The earliest arrival at b of a suitable shift of `depots`, at its own speed."""
        best: datetime | None = None
        for depot in depots:
            if not self._drives(depot, a, b):
                continue
            shifts = self.vehicles_by_depot[depot]  # sorted by start
            first = bisect_left(self._shift_starts[depot], earliest - self._longest_shift)
            for v in shifts[first:]:
                if best is not None and v.available_from >= best:
                    break  # later shifts cannot arrive earlier
                if v.available_until < earliest or (
                    not sh.fits(v.capabilities)
                    or sh.weight_kg > v.capacity_kg
                    or sh.volume_m3 > v.capacity_m3
                ):
                    continue
                travel = timedelta(minutes=self.truck_minutes(a, b, v.speed_kmh))
                to_pickup = timedelta(minutes=self.from_depot_minutes(depot, a, v.speed_kmh))
                if best is not None and v.available_from + to_pickup + travel >= best:
                    continue
                # service at b, then the drive home (truck_minutes counts b's service once)
                back = timedelta(minutes=self.truck_minutes(b, depot, v.speed_kmh))
                arrive = max(earliest, v.available_from + to_pickup) + travel
                if arrive + back <= v.available_until and (best is None or arrive < best):
                    best = arrive
        return best


def rank(objective: Objective, it: Itinerary) -> tuple[object, ...]:
    """Sort key of a shipment's itineraries: on time first unless lateness has a price."""
    if objective.on_time_first:
        return (it.late_minutes > 0, it.late_minutes, it.score, it.key)
    return (it.score, it.key)


def _score(
    net: Network, sh: Shipment, segs: Sequence[Segment], objective: Objective
) -> tuple[float, float, float]:
    cost = 0.0
    co2 = 0.0
    for s in segs:
        if s.service is not None:
            cost += service_leg_cost(s.service, sh.weight_kg, sh.volume_m3)
            factor = net.factors.get(service_factor_id(net.scenario, s.service), 0.0)
            co2 += co2_kg(service_distance_km(net.scenario, s.service), sh.weight_kg, factor)
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
    hub_service = timedelta(minutes=net.scenario.location_by_id[svc.origin].service_minutes)
    leg = net.truck_leg(sh, sh.origin, svc.origin, net.ready(sh), handover_by - hub_service)
    return None if leg is None else [leg]


def _last_mile(net: Network, sh: Shipment, svc: Service) -> list[Segment] | None:
    if svc.destination == sh.destination:
        return []
    available = net.arrival(svc) + timedelta(
        minutes=net.scenario.location_by_id[svc.destination].handling_minutes
    )
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
    found: list[Itinerary] = []
    latest = sh.due_at + MAX_LATE
    lacking: list[Service] = []  # departures in reach without the shipment's requirements
    missed: list[tuple[Service, datetime | None]] = []  # (departure, earliest truck at its hub)
    no_mile: list[Service] = []  # services with no last-mile truck after them

    def add(segs: list[Segment]) -> None:
        it = score_itinerary(net, sh, segs, objective)
        if it.key not in forbidden:
            found.append(it)

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
    if not any(it.late_minutes == 0 for it in found):
        # Nothing on time through the near hubs: try every hub, a long first or last mile
        # included (the shifts' hours and the road time decide, as for direct trucking).
        explore(wide=True)
    found.sort(key=lambda it: rank(objective, it))
    unique: dict[tuple[str, ...], Itinerary] = {}
    for it in found:
        unique.setdefault(it.key, it)
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
