"""The planning network: a scenario's services, shifts and roads indexed for fast search."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache

from logistics.domain import Scenario, Service, Shipment, Vehicle
from logistics.planning.itinerary import Segment

ESTIMATE_SPEED_KMH = 60.0
REGION_KM = 250.0
HUB_REACH_KM = 350.0


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
