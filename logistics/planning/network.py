"""The planning network: a scenario's services, shifts and roads indexed for fast search."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache

from logistics.domain import Scenario, Service, Shipment, Vehicle
from logistics.planning.costing import service_distance_km, service_factor_id
from logistics.planning.itinerary import Segment

ESTIMATE_SPEED_KMH = 60.0
REGION_KM = 250.0
HUB_REACH_KM = 350.0

_Row = tuple[datetime, datetime, datetime, int, Service]  # departure, cutoff, arrival, n, service
# a hub's first departures per lane after a time (departure, arrival, service), and the latest
# arrival among the lanes with that many departures
_Candidates = tuple[list[tuple[datetime, datetime, Service]], datetime]


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
        # Per hub and lane (destination, carrier, mode), in departure order: what `departures`
        # reads of each service (computed once), with the service's place in the hub's order.
        # A query bisects each lane instead of scanning every departure of the hub, which at
        # scale (many departures a day per lane) was most of the search's time.
        self._lanes: dict[str, list[tuple[list[datetime], list[_Row], timedelta]]] = {}
        for hub, services in self.by_origin.items():
            lanes: dict[tuple[str, str, str], list[_Row]] = defaultdict(list)
            for n, s in enumerate(services):
                lanes[(s.destination, s.carrier, s.mode.value)].append(
                    (s.departure, s.cutoff, s.arrival, n, s)
                )
            self._lanes[hub] = [
                ([row[0] for row in rows], rows, min(row[2] - row[0] for row in rows))
                for rows in lanes.values()
            ]
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
        # The truck estimates depend on a shipment only through which shift sizes (capacity and
        # capabilities) can carry it: its size class keys their cache, so shipments of one
        # class share them (about ten classes, where shipment ids are thousands).
        self._sizes = sorted(
            {(v.capacity_kg, v.capacity_m3, v.capabilities) for v in scenario.vehicles},
            key=lambda size: (size[0], size[1], sorted(size[2])),
        )
        self._size_class: dict[tuple[frozenset[str], float, float], tuple[bool, ...]] = {}
        # (size class, a, b, earliest) -> the earliest truck leg (None: no shift can do it)
        self._legs: dict[tuple[tuple[bool, ...], str, str, datetime], Segment | None] = {}
        self._emission: dict[str, tuple[float, float]] = {}  # service -> (km, g CO2e per tkm)
        self.service_time = {
            loc.id: timedelta(minutes=loc.service_minutes) for loc in scenario.locations
        }
        self.handling_time = {
            loc.id: timedelta(minutes=loc.handling_minutes) for loc in scenario.locations
        }
        # (hub, after, per lane) -> the departures `departures` gives before `until` is applied
        self._candidates: dict[tuple[str, datetime, int], _Candidates] = {}

    def departures(
        self, hub: str, after: datetime, until: datetime, per_lane: int
    ) -> list[Service]:
        """Services from `hub` with cutoff at or after `after`, arriving by `until`: on each lane
        (destination, carrier, mode) only the first `per_lane` departures — later ones on the
        same lane wait longer for the same price and rarely make a better itinerary."""
        if per_lane < 1:
            return []
        key = (hub, after, per_lane)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = self._first_per_lane(hub, after, per_lane)
        merged, full_lanes_arrive_by = found
        if full_lanes_arrive_by <= until:
            # every lane's first departures arrive by `until`: they are the answer, less those
            # on a lane with fewer departures that arrive too late
            return [svc for departure, arrival, svc in merged if arrival <= until]
        return self._scan(hub, after, until, per_lane)

    def _first_per_lane(self, hub: str, after: datetime, per_lane: int) -> _Candidates:
        """The first `per_lane` departures per lane with cutoff at or after `after` (in the
        hub's order), and the latest arrival among the lanes that have that many (the earliest
        time there is when none has)."""
        picked: list[tuple[int, datetime, datetime, Service]] = []
        latest: datetime | None = None
        for times, rows, _ in self._lanes.get(hub, ()):
            taken = 0
            for i in range(bisect_left(times, after), len(rows)):
                departure, cutoff, arrival, n, svc = rows[i]
                if cutoff < after:
                    continue
                picked.append((n, departure, arrival, svc))
                taken += 1
                if taken == per_lane:
                    break
            if taken == per_lane:
                last = max(p[2] for p in picked[-per_lane:])
                latest = last if latest is None else max(latest, last)
        picked.sort(key=lambda row: row[0])  # the hub's departure order, as one scan gave
        if latest is None:
            latest = datetime.min.replace(tzinfo=UTC)
        return [(d, a, svc) for _, d, a, svc in picked], latest

    def _scan(self, hub: str, after: datetime, until: datetime, per_lane: int) -> list[Service]:
        """`departures` lane by lane, for an `until` some lane's first departures miss."""
        picked: list[tuple[int, Service]] = []
        for times, rows, fastest in self._lanes.get(hub, ()):
            taken = 0
            leave_by = until - fastest  # a later departure on this lane arrives too late
            for i in range(bisect_left(times, after), len(rows)):
                departure, cutoff, arrival, n, svc = rows[i]
                if departure > leave_by:
                    break
                if cutoff < after or arrival > until:
                    continue
                picked.append((n, svc))
                taken += 1
                if taken == per_lane:
                    break
        picked.sort(key=lambda row: row[0])
        return [svc for _, svc in picked]

    def ready(self, sh: Shipment) -> datetime:
        """When a shipment can first be picked up or handed over: ready, and not before now."""
        return sh.ready_at if self.now is None else max(sh.ready_at, self.now)

    def arrival(self, svc: Service) -> datetime:
        """When a service's cargo is at its destination: the forecast if tracking gives one."""
        return max(svc.arrival, self.forecasts.get(svc.id, svc.arrival))

    def service_emission(self, svc: Service) -> tuple[float, float]:
        """A service's emission distance (km) and factor (g CO2e per tonne-km)."""
        found = self._emission.get(svc.id)
        if found is None:
            found = self._emission[svc.id] = (
                service_distance_km(self.scenario, svc),
                self.factors.get(service_factor_id(self.scenario, svc), 0.0),
            )
        return found

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

    def size_class(self, sh: Shipment) -> tuple[bool, ...]:
        """Which shift sizes (capacity kg, m3, capabilities) can carry the shipment."""
        what = (sh.requirements, sh.weight_kg, sh.volume_m3)
        found = self._size_class.get(what)
        if found is None:
            found = self._size_class[what] = tuple(
                sh.fits(caps) and sh.weight_kg <= kg and sh.volume_m3 <= m3
                for kg, m3, caps in self._sizes
            )
        return found

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
        key = (self.size_class(sh), a, b, earliest)
        if key in self._legs:
            leg = self._legs[key]
        else:
            leg = self._legs[key] = self._earliest_leg(sh, a, b, earliest)
        if leg is None or (latest_arrive is not None and leg.arrive > latest_arrive):
            return None
        return leg

    def _earliest_leg(self, sh: Shipment, a: str, b: str, earliest: datetime) -> Segment | None:
        """The leg a to b of the shift of a depot near a that arrives first (estimated)."""
        if self.truck_minutes(a, b, self._fastest) > self._longest_shift.total_seconds() / 60:
            return None  # no shift is long enough for the drive alone
        best = self._earliest_truck_arrival(sh, a, b, earliest, self.depots_near(a))
        if best is None:
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
