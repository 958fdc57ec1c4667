"""A plan feasible by construction, to measure the planner against: no solver, only greedy rules.

Shipments in order of ready time each take, if they can, a dedicated truck shift of their own
driving depot -> origin -> destination -> depot on time; else the first service between hubs with
room left that a dedicated first-mile shift reaches before its cutoff and a dedicated last-mile
shift delivers from on time; else they are unplanned. Every shift carries one leg at most, so
every route is a single pickup and drop. The plan is assembled by the planner's own
`assemble_plan`, so the checker judges it like any plan.

`construct` gives the parts (itinerary and dedicated routes per shipment) for the planner's
safety net (safety_net.py), optionally over only some shifts and the room a plan leaves.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from logistics.domain import (
    EmissionFactor,
    Plan,
    Scenario,
    Service,
    Shipment,
    ShipmentPlanStatus,
    SolverInfo,
    UnplannedReason,
    Vehicle,
)
from logistics.planning.costing import factor_table, truck_cost
from logistics.planning.itinerary import Itinerary, Segment
from logistics.planning.network import Network
from logistics.planning.plan_assembly import assemble_plan
from logistics.planning.routing import Route, RouteStop, RoutingSolution, SolverStats
from logistics.planning.shift_pool import ShiftPool, Size, View
from logistics.planning.truck_legs import TruckLegRef, itinerary_refs

NOT_CONSTRUCTED = "the constructed solution found no dedicated truck or service for it on time"
NOT_REACHED = "the constructed solution stopped at its time limit before reaching it"


@dataclass(frozen=True, slots=True)
class _Trip:
    """One dedicated truck trip: the shift, its route, and the leg's departure and arrival."""

    vehicle: Vehicle
    route: Route
    depart: datetime
    arrive: datetime


class _Builder:
    def __init__(
        self,
        scenario: Scenario,
        vehicles: Sequence[Vehicle],
        room: Mapping[str, tuple[float, float]],
        now: datetime | None,
        forecasts: Mapping[str, datetime],
    ) -> None:
        self.s = scenario
        self.now = now
        self.forecasts = forecasts
        self.free = ShiftPool(vehicles)
        self._sizes = {(v.capabilities, v.capacity_kg, v.capacity_m3) for v in vehicles}
        self._fits: dict[tuple[frozenset[str], float, float], frozenset[Size]] = {}
        self._able: dict[tuple[frozenset[Size], str, str], View] = {}
        self.room = {sid: list(r) for sid, r in room.items()}
        self.from_hub: dict[str, list[Service]] = {}
        for svc in sorted(scenario.services, key=lambda x: (x.departure, x.id)):
            self.from_hub.setdefault(svc.origin, []).append(svc)
        self.departures = {h: [x.departure for x in svcs] for h, svcs in self.from_hub.items()}
        # per hub, what `via_service` reads of each departure, computed once: the service, its
        # departure, arrival, hand-over time (cutoff less the hub's service time), destination
        # and when its cargo is available there
        self.rows: dict[str, list[_Row]]
        self.rows = {
            h: [
                (
                    x,
                    x.departure,
                    self.arrival(x),
                    x.cutoff - timedelta(minutes=scenario.location_by_id[h].service_minutes),
                    x.destination,
                    self.arrival(x)
                    + timedelta(minutes=scenario.location_by_id[x.destination].handling_minutes),
                )
                for x in svcs
            ]
            for h, svcs in self.from_hub.items()
        }
        # per hub and destination hub: the departures' places in the hub's order, and the
        # earliest availability at the destination from each place on
        self.groups: dict[str, dict[str, tuple[list[int], list[datetime]]]] = {}
        for h, rows in self.rows.items():
            places: dict[str, list[int]] = {}
            for n, row in enumerate(rows):
                places.setdefault(row[4], []).append(n)
            self.groups[h] = {}
            for hub_b, idx in places.items():
                tail = [rows[n][5] for n in idx]
                for j in range(len(tail) - 2, -1, -1):
                    tail[j] = min(tail[j], tail[j + 1])
                self.groups[h][hub_b] = (idx, tail)
        self._minutes: dict[tuple[str, str, float], timedelta] = {}
        self._km: dict[tuple[str, str], float] = {}
        self._service = {
            loc.id: timedelta(minutes=loc.service_minutes) for loc in scenario.locations
        }

    def ready(self, sh: Shipment) -> datetime:
        """When the shipment can first be picked up: ready, and not before now."""
        return sh.ready_at if self.now is None else max(sh.ready_at, self.now)

    def arrival(self, svc: Service) -> datetime:
        """A service's arrival: its forecast when tracking gives a later one."""
        return max(svc.arrival, self.forecasts.get(svc.id, svc.arrival))

    def minutes(self, a: str, b: str, speed_kmh: float) -> timedelta:
        key = (a, b, speed_kmh)
        found = self._minutes.get(key)
        if found is None:
            found = timedelta(minutes=self.s.road_duration_whole_minutes(a, b, speed_kmh))
            self._minutes[key] = found
        return found

    def km(self, a: str, b: str) -> float:
        found = self._km.get((a, b))
        if found is None:
            found = self._km[(a, b)] = self.s.road_distance_km(a, b)
        return found

    def service(self, loc: str) -> timedelta:
        return self._service[loc]

    def trip(
        self,
        v: Vehicle,
        sh: Shipment,
        rid: str,
        a: str,
        b: str,
        available: datetime,
        latest_arrive: datetime,
    ) -> _Trip | None:
        """`v` carrying `sh` from `a` (loaded from `available`) to `b` by `latest_arrive`."""
        if not sh.fits(v.capabilities) or sh.weight_kg > v.capacity_kg:
            return None
        if sh.volume_m3 > v.capacity_m3:
            return None
        # Leave the depot as late as the pickup allows (no wait), but not before the shift.
        to_a = self.minutes(v.depot, a, v.speed_kmh)
        begin = _ceil_minute(max(available, v.available_from + to_a))
        leave = max(v.available_from, begin - to_a)
        at_a = leave + to_a
        depart_a = begin + self.service(a)
        arrive_b = depart_a + self.minutes(a, b, v.speed_kmh)
        if arrive_b > latest_arrive:
            return None
        back = arrive_b + self.service(b) + self.minutes(b, v.depot, v.speed_kmh)
        if back > v.available_until:
            return None
        km = self.km(v.depot, a) + self.km(a, b) + self.km(b, v.depot)
        hours = (back - leave).total_seconds() / 3600
        stops = (
            RouteStop(0, v.depot, None, leave),
            RouteStop(1, a, at_a, depart_a, pickups=(rid,), load_kg=sh.weight_kg),
            RouteStop(2, b, arrive_b, arrive_b + self.service(b), drops=(rid,)),
            RouteStop(0, v.depot, back, None),
        )
        route = Route(
            v.id,
            stops,
            round(km * 1000),
            int((back - leave).total_seconds() // 60),
            round(truck_cost(v, km, hours), 4),
        )
        return _Trip(v, route, depart_a, arrive_b)

    def able(self, sh: Shipment, a: str, b: str) -> View:
        """The shift kinds that could ever carry `sh` from `a` to `b`: it fits them, and the
        drive depot -> a -> b -> depot with the service times fits in the shift (what `trip`
        checks first, and no wait can make shorter)."""
        size = (sh.requirements, sh.weight_kg, sh.volume_m3)
        fits = self._fits.get(size)
        if fits is None:
            fits = self._fits[size] = frozenset(
                (caps, kg, m3)
                for caps, kg, m3 in self._sizes
                if sh.fits(caps) and sh.weight_kg <= kg and sh.volume_m3 <= m3
            )
        key = (fits, a, b)
        found = self._able.get(key)
        if found is None:

            def drive(depot: str, speed_kmh: float) -> timedelta:
                return (
                    self.minutes(depot, a, speed_kmh)
                    + self.service(a)
                    + self.minutes(a, b, speed_kmh)
                    + self.service(b)
                    + self.minutes(b, depot, speed_kmh)
                )

            found = self._able[key] = self.free.view(fits, drive)
        return found

    def take(
        self, sh: Shipment, rid: str, a: str, b: str, ready: datetime, by: datetime
    ) -> _Trip | None:
        """The first free shift (by start, then id) that makes the trip; it is no longer free."""
        for start, shifts in self.free.starts(ready, self.able(sh, a, b)):
            if start > by:
                break  # the leg arrives after its shift starts: too late from here on
            for v in shifts:
                trip = self.trip(v, sh, rid, a, b, ready, by)
                if trip is not None:
                    self.free.take(v)
                    return trip
        return None

    def hubs_near(self, loc: str) -> list[str]:
        """Hubs with departures, nearest first."""
        return sorted(self.from_hub, key=lambda h: self.km(loc, h))

    def first_trips(
        self, sh: Shipment, rid: str, a: str, b: str, available: datetime
    ) -> list[_Trip]:
        """The trips `take` can give for `sh` from `a` to `b` as its deadline grows, while the
        free shifts stay the same: in the order `take` tries the shifts, each one that arrives
        earlier than every one before it (the last arrives earliest; none: no shift can). With
        a deadline, `take` gives the first of them that arrives by it."""
        found: list[_Trip] = []
        latest = datetime.max.replace(tzinfo=UTC)
        for start, shifts in self.free.starts(available, self.able(sh, a, b)):
            if found and start >= found[-1].arrive:
                break  # the leg arrives after its shift starts: no earlier than the last found
            for v in shifts:
                trip = self.trip(v, sh, rid, a, b, available, latest)
                if trip is not None and (not found or trip.arrive < found[-1].arrive):
                    found.append(trip)
        return found

    def via_service(self, sh: Shipment) -> tuple[list[Segment], list[_Trip]] | None:
        """First mile to a hub, the first service with room, last mile to the destination."""
        ready = self.ready(sh)
        # (what `take` would do, found once: the free shifts are the same for every service
        # tried below, so the first mile `take` gives by a hand-over is the first of
        # `first_trips` that arrives by it, and a last mile that failed from a hub with the
        # same shift taken for the first mile from an earlier time fails again, without
        # another scan of the fleet)
        failed_last: dict[tuple[str, str], datetime] = {}
        for hub in self.hubs_near(sh.origin)[:2]:
            firsts = self.first_trips(sh, TruckLegRef(sh.id, 0).request_id, sh.origin, hub, ready)
            if not firsts:
                continue
            first_by = firsts[-1].arrive
            start = bisect_right(self.departures.get(hub, []), ready)
            for svc, departure, arrival, handover, hub_b, available in self._open_rows(
                hub, start, firsts, failed_last
            ):
                if departure > sh.due_at:
                    break
                if arrival >= sh.due_at or not sh.fits(svc.capabilities):
                    continue
                kg, m3 = self.room.get(svc.id, (0.0, 0.0))
                if sh.weight_kg > kg or sh.volume_m3 > m3 or handover < first_by:
                    continue
                first = next(trip for trip in firsts if trip.arrive <= handover)
                key = (hub_b, first.vehicle.id)
                if key in failed_last and available >= failed_last[key]:
                    continue
                # The last-mile truck leaves the hub only after its service time there.
                self.free.take(first.vehicle)
                last = self.take(
                    sh,
                    TruckLegRef(sh.id, 2).request_id,
                    hub_b,
                    sh.destination,
                    available,
                    sh.due_at,
                )
                if last is None:
                    if key not in failed_last or available < failed_last[key]:
                        failed_last[key] = available
                    self.free.give_back(first.vehicle)
                    continue
                self.room[svc.id] = [kg - sh.weight_kg, m3 - sh.volume_m3]
                segments = [
                    Segment(sh.origin, hub, first.depart, first.arrive),
                    Segment(hub, hub_b, departure, arrival, svc),
                    Segment(hub_b, sh.destination, last.depart, last.arrive),
                ]
                return segments, [first, last]
        return None

    def _open_rows(
        self,
        hub: str,
        start: int,
        firsts: list[_Trip],
        failed_last: dict[tuple[str, str], datetime],
    ) -> Iterator[_Row]:
        """The hub's departures from place `start` on, in order, less those to a destination
        hub where `via_service` would skip every one left: a last mile from there failed
        with each first-mile shift of `firsts` (`failed_last`, read as it grows) from no later
        than the earliest availability still to come."""
        rows = self.rows[hub]
        groups = self.groups[hub]
        heap: list[tuple[int, int, str]] = []
        for hub_b, (idx, _) in groups.items():
            c = bisect_left(idx, start)
            if c < len(idx):
                heap.append((idx[c], c, hub_b))
        heapq.heapify(heap)
        vehicles = [trip.vehicle.id for trip in firsts]
        while heap:
            n, c, hub_b = heapq.heappop(heap)
            yield rows[n]
            idx, tail = groups[hub_b]
            c += 1
            if c == len(idx):
                continue
            failed = [failed_last.get((hub_b, v)) for v in vehicles]
            if all(t is not None and tail[c] >= t for t in failed):
                continue  # every departure left to hub_b would be skipped
            heapq.heappush(heap, (idx[c], c, hub_b))


_Row = tuple[Service, datetime, datetime, datetime, str, datetime]


def _ceil_minute(t: datetime) -> datetime:
    if t.second or t.microsecond:
        return t.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return t


@dataclass(slots=True)
class Construction:
    """The constructed choice: per shipment its itinerary and its dedicated truck routes, and
    why the others are left out."""

    chosen: dict[str, Itinerary] = field(default_factory=dict)
    routes: dict[str, tuple[Route, ...]] = field(default_factory=dict)
    reasons: dict[str, tuple[UnplannedReason, str]] = field(default_factory=dict)

    def solution(self) -> RoutingSolution:
        """Every dedicated route, as one routing solution."""
        routes = tuple(r for rs in self.routes.values() for r in rs)
        return RoutingSolution(
            routes,
            (),
            round(sum(r.cost for r in routes), 4),
            sum(r.distance_m for r in routes),
            SolverStats("constructed", 0.0, 0.0, 0),
        )


def construct(
    scenario: Scenario,
    *,
    shipments: Sequence[Shipment] | None = None,
    vehicles: Sequence[Vehicle] | None = None,
    room: Mapping[str, tuple[float, float]] | None = None,
    now: datetime | None = None,
    forecasts: Mapping[str, datetime] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Construction:
    """Dedicated trips by the greedy rules of this module, in order of ready time, for
    `shipments` (all) over the truck shifts `vehicles` (all) and the service room `room` (kg, m3
    per service id; every service's capacity). `now`: nothing before it; `forecasts`: a service's
    later forecast arrival. Once `stop()` says so, the shipments not reached are left out."""
    builder = _Builder(
        scenario,
        scenario.vehicles if vehicles is None else vehicles,
        room
        if room is not None
        else {svc.id: (svc.capacity_kg, svc.capacity_m3) for svc in scenario.services},
        now,
        forecasts or {},
    )
    out = Construction()
    todo = scenario.shipments if shipments is None else shipments
    for sh in sorted(todo, key=lambda x: (builder.ready(x), x.id)):
        if stop():
            out.reasons[sh.id] = (UnplannedReason.TIME_LIMIT, NOT_REACHED)
            continue
        ready = builder.ready(sh)
        direct = builder.take(
            sh, TruckLegRef(sh.id, 0).request_id, sh.origin, sh.destination, ready, sh.due_at
        )
        if direct is not None:
            segments = [Segment(sh.origin, sh.destination, direct.depart, direct.arrive)]
            trips = [direct]
        else:
            found = builder.via_service(sh)
            if found is None:
                out.reasons[sh.id] = (UnplannedReason.NO_VEHICLE, NOT_CONSTRUCTED)
                continue
            segments, trips = found
        out.routes[sh.id] = tuple(t.route for t in trips)
        cost = sum(t.route.cost for t in trips) + sum(
            s.service.cost_per_kg * sh.weight_kg for s in segments if s.service
        )
        out.chosen[sh.id] = Itinerary(
            sh.id, tuple(segments), segments[-1].arrive, round(cost, 2), 0.0, 0.0
        )
    return out


def constructed_plan(
    scenario: Scenario, *, factors: Sequence[EmissionFactor] = (), plan_id: str = "constructed"
) -> Plan:
    """The plan built by construction (see the module docstring), assembled and costed like the
    planner's; shipments it could not place are unplanned with `no_vehicle`."""
    built = construct(scenario)
    net = Network(scenario, factor_table(factors))
    return assemble_plan(
        scenario,
        net,
        {sid: [it] for sid, it in built.chosen.items()},
        built.chosen,
        [built.solution()],
        built.reasons,
        itinerary_refs(built.chosen),
        plan_id=plan_id,
        objective="balanced",  # how alternatives are described; the choice is not optimised
        solver=SolverInfo(status="constructed"),
    )


def on_time(plan: Plan) -> int:
    """How many shipments the plan delivers by their due time."""
    return sum(
        1
        for sp in plan.shipments
        if sp.status is ShipmentPlanStatus.PLANNED
        and sp.delivered_at is not None
        and sp.delivered_at <= sp.due_at
    )


def planned(plan: Plan) -> int:
    """How many shipments the plan moves."""
    return sum(1 for sp in plan.shipments if sp.status is ShipmentPlanStatus.PLANNED)


def total_cost(plan: Plan) -> float:
    """The plan's cost: its planned shipments' legs (trucks shared by tonne-km, services)."""
    return round(math.fsum(sp.cost for sp in plan.shipments), 2)
