"""Stage B, part 1: truck legs split into independent subproblems by region and wave of shifts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.domain import Scenario, Vehicle
from logistics.planning.network import Network
from logistics.planning.truck_legs import TruckLeg

WAVE_GAP = timedelta(hours=6)  # shifts starting further apart than this are separate waves
WAVE_MARGIN = timedelta(minutes=30)
MAX_REQUESTS = 200  # larger subproblems find no first solution in a reasonable time
# The most shifts a subproblem is offered: the OR-Tools model (and a solver process's memory)
# grows with shifts x visits, and a wave of a 20,000-shipment plan has up to 1,232 shifts. A
# chunk's share of its wave above this keeps the shifts that suit its legs best; the others stay
# free for later rounds. (A tighter bound, max(8, requests / 2) or 1.5 x the shifts the placer
# booked, cost a 5,000 plan 800-1,400 planned shipments: routing needs more than the estimate.)
MAX_VEHICLES = 400
COVER = 2  # each leg is offered at least this many shifts that can carry it in time, if any
SHARED_TRIP = 0.5  # a shipment above this share of a truck's kg or m3 takes a trip of its own


@dataclass(frozen=True, slots=True)
class Subproblem:
    """One independent routing problem: a region's depots, one wave of its shifts, its legs."""

    depots: frozenset[str]
    vehicles: tuple[Vehicle, ...]
    legs: tuple[TruckLeg, ...]


def _depots(net: Network, leg: TruckLeg) -> tuple[str, ...]:
    """The depots whose shifts may carry a leg: those serving its pickup (Network.depots_near)."""
    return net.depots_near(leg.from_location)


def _components(net: Network, legs: Sequence[TruckLeg]) -> list[tuple[set[str], list[TruckLeg]]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    serving = {leg.request_id: _depots(net, leg) for leg in legs}
    for leg in legs:
        depots = serving[leg.request_id]
        for d in depots[1:]:
            parent[find(d)] = find(depots[0])
        for d in depots:
            find(d)
    groups: dict[str, tuple[set[str], list[TruckLeg]]] = {}
    for depot in parent:
        groups.setdefault(find(depot), (set(), []))[0].add(depot)
    for leg in legs:
        depots = serving[leg.request_id]
        if depots:
            groups[find(depots[0])][1].append(leg)
    return [g for g in groups.values() if g[1]]


def _waves(vehicles: Sequence[Vehicle]) -> list[list[Vehicle]]:
    """Shifts grouped into waves (a day's shifts): a gap of WAVE_GAP between starts splits them."""
    waves: list[list[Vehicle]] = []
    for v in sorted(vehicles, key=lambda v: (v.available_from, v.id)):
        if waves and v.available_from - waves[-1][-1].available_from < WAVE_GAP:
            waves[-1].append(v)
        else:
            waves.append([v])
    return waves


Kind = tuple[object, ...]  # shifts alike for routing: depot, hours, speed, size, costs


def _kind(v: Vehicle) -> Kind:
    return (
        v.depot,
        v.available_from,
        v.available_until,
        v.speed_kmh,
        v.capacity_kg,
        v.capacity_m3,
        v.capabilities,
        v.cost_per_km,
        v.cost_per_hour,
        v.fixed_cost,
    )


def vehicle_bound() -> int:
    """The most shifts a subproblem is offered."""
    return MAX_VEHICLES


class _Placer:
    """Places the legs of one region into waves, keeping an estimate of each shift's hours.

    A leg goes to the first wave with a suitable shift (capacity, capabilities) that can load it
    when ready, drive it and get back in time, and that still has the hours for its trip by that
    estimate; a leg no wave has hours for goes to the first wave that can drive it at all (else
    the first with a suitable shift, else the last). So when a day's few big trucks are taken,
    a big leg whose window runs into the next day goes to the next day's shifts.
    """

    def __init__(
        self, scenario: Scenario, net: Network, depots: set[str], waves: list[list[Vehicle]]
    ):
        self.scenario, self.net, self.depots, self.waves = scenario, net, depots, waves
        self.hours_left = {v.id: v.available_until - v.available_from for w in waves for v in w}
        self.fleet = [v for w in waves for v in w]
        self.bounds = [
            (min(v.available_from for v in w), max(v.available_until for v in w)) for w in waves
        ]
        self._trips: dict[tuple[object, ...], tuple[datetime, timedelta] | None] = {}
        # (keyed by the id of a wave or the fleet: lists this placer holds while it lives)
        self._suitable: dict[tuple[object, ...], list[Vehicle]] = {}
        self._sizes: dict[int, list[tuple[float, float, frozenset[str]]]] = {}
        self.booked: dict[str, str] = {}  # request id -> the shift its estimated hours are on

    def order(self, leg: TruckLeg) -> tuple[object, ...]:
        """Booking order: by day of the earliest pickup; on a day, the legs that only few shifts
        can carry (big or special shipments) first, then by earliest pickup."""
        few = len(self.suitable(leg, self.fleet)) * 3 < len(self.fleet)
        return (leg.earliest.date(), not few, leg.earliest, leg.request_id)

    def _trip(self, leg: TruckLeg, v: Vehicle) -> tuple[datetime, timedelta] | None:
        """When a shift `v` would drop the leg, and the hours its trip takes (None: cannot)."""
        key = (leg.request_id, v.depot, v.speed_kmh, v.available_from, v.available_until)
        if key not in self._trips:
            self._trips[key] = self._estimate(leg, v)
        return self._trips[key]

    def _estimate(self, leg: TruckLeg, v: Vehicle) -> tuple[datetime, timedelta] | None:
        net, speed = self.net, v.speed_kmh
        to_pickup = timedelta(minutes=net.from_depot_minutes(v.depot, leg.from_location, speed))
        drive = timedelta(minutes=net.truck_minutes(leg.from_location, leg.to_location, speed))
        back = timedelta(minutes=net.truck_minutes(leg.to_location, v.depot, speed))  # + service
        drop = max(leg.earliest, v.available_from + to_pickup) + drive
        if drop > leg.latest_drop or drop + back + WAVE_MARGIN > v.available_until:
            return None
        return drop, to_pickup + drive + back

    def suitable(self, leg: TruckLeg, wave: Sequence[Vehicle]) -> list[Vehicle]:
        """The shifts of `wave` (one of the placer's waves, or its fleet) that can carry the
        leg's shipment, in the wave's order (computed once per wave and set of fitting sizes:
        a fleet has few sizes, a plan many shipments)."""
        sh = leg.shipment
        sizes = self._sizes.get(id(wave))
        if sizes is None:
            sizes = self._sizes[id(wave)] = sorted(
                {(v.capacity_kg, v.capacity_m3, v.capabilities) for v in wave},
                key=lambda k: (k[0], k[1], sorted(k[2])),
            )
        fitting = tuple(
            sh.fits(caps) and sh.weight_kg <= kg and sh.volume_m3 <= m3 for kg, m3, caps in sizes
        )
        key = (id(wave), fitting)
        found = self._suitable.get(key)
        if found is None:
            ok = {size for size, fits in zip(sizes, fitting, strict=True) if fits}
            found = self._suitable[key] = [
                v for v in wave if (v.capacity_kg, v.capacity_m3, v.capabilities) in ok
            ]
        return found

    def ranked(self, leg: TruckLeg, kinds: dict[Kind, Vehicle]) -> list[Kind]:
        """The kinds of shift (given one shift of each) that can carry the leg and drop it in
        time by the estimate, cheapest estimated trip (fixed cost, hours, km) first."""
        sh = leg.shipment
        scored: list[tuple[float, int, Kind]] = []
        for n, (kind, v) in enumerate(kinds.items()):
            if not sh.fits(v.capabilities) or sh.weight_kg > v.capacity_kg:
                continue
            if sh.volume_m3 > v.capacity_m3:
                continue
            trip = self._trip(leg, v)
            if trip is None:
                continue
            hours = trip[1].total_seconds() / 3600
            cost = v.fixed_cost + hours * (v.cost_per_hour + v.cost_per_km * v.speed_kmh)
            scored.append((cost, n, kind))
        return [kind for _, _, kind in sorted(scored)]

    def place(self, leg: TruckLeg) -> int:
        """The wave index for `leg`, booking the estimated hours of its trip on one shift."""
        sh = leg.shipment
        fallback: int | None = None
        for i, wave in enumerate(self.waves):
            if self.bounds[i][1] < leg.earliest:
                continue  # over before the leg is ready
            if self.bounds[i][0] > leg.latest_drop:
                break  # this and later waves start after the leg must be dropped
            best: tuple[timedelta, str, timedelta] | None = None
            for v in self.suitable(leg, wave):
                trip = self._trip(leg, v)
                if trip is None:
                    continue
                share = max(sh.weight_kg / v.capacity_kg, sh.volume_m3 / v.capacity_m3)
                need = trip[1] if share > SHARED_TRIP else trip[1] * share
                left = self.hours_left[v.id]
                if left >= need and (best is None or (left, v.id) < (best[0], best[1])):
                    best = (left, v.id, need)  # best fit: the suitable shift with least room
            if best is not None:
                self.hours_left[best[1]] -= best[2]
                self.booked[leg.request_id] = best[1]
                return i
            if fallback is None and any(
                v.available_until >= leg.earliest and v.available_from <= leg.latest_drop
                for v in self.suitable(leg, wave)
            ):
                fallback = i
        if fallback is not None:
            return fallback
        return next(
            (i for i, w in enumerate(self.waves) if self.suitable(leg, w)), len(self.waves) - 1
        )


def subproblems(
    scenario: Scenario,
    net: Network,
    legs: Sequence[TruckLeg],
    vehicles: Sequence[Vehicle] | None = None,
) -> list[Subproblem]:
    """Split the truck legs by region (depots within reach) and by wave of shifts (time), over
    the truck shifts of `vehicles` (all of the scenario's by default).

    Legs are placed in order of their earliest pickup, those only few shifts can carry first;
    a shift belongs to one wave only, so subproblems never share a truck. Legs no wave can take
    stay in the region's last wave (and are dropped there with a reason if no shift can serve
    them).
    """
    pool = scenario.vehicles if vehicles is None else vehicles
    out: list[Subproblem] = []
    for depots, group in _components(net, legs):
        waves = _waves([v for v in pool if v.depot in depots])
        if not waves:
            out.append(Subproblem(frozenset(depots), (), tuple(group)))
            continue
        placer = _Placer(scenario, net, depots, waves)
        placed: list[list[TruckLeg]] = [[] for _ in waves]
        for leg in sorted(group, key=placer.order):
            placed[placer.place(leg)].append(leg)
        for wave, wave_legs in zip(waves, placed, strict=True):
            if wave_legs:
                out += _chunks(frozenset(depots), placer, wave, wave_legs)
    return out


def _chunks(
    depots: frozenset[str], placer: _Placer, wave: Sequence[Vehicle], legs: Sequence[TruckLeg]
) -> list[Subproblem]:
    """A wave's legs in chunks of at most MAX_REQUESTS (legs from the same place together), each
    with a share of the wave's shifts in proportion to its legs (dealt round-robin, so every chunk
    gets a mix of depots and truck types), at most `vehicle_bound()` of them."""
    if len(legs) <= MAX_REQUESTS:
        return [Subproblem(depots, tuple(_offer(placer, wave, legs)), tuple(legs))]
    ordered = sorted(legs, key=lambda leg: (leg.from_location, leg.to_location, leg.earliest))
    count = -(-len(ordered) // MAX_REQUESTS)
    size = -(-len(ordered) // count)
    groups = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    fleets: list[list[Vehicle]] = [[] for _ in groups]
    by_size = sorted(
        wave, key=lambda v: (-v.capacity_kg, -v.capacity_m3, v.depot, v.available_from, v.id)
    )
    for n, vehicle in enumerate(by_size):
        fleets[n % len(groups)].append(vehicle)
    return [
        Subproblem(depots, tuple(_offer(placer, fleet, group)), tuple(group))
        for fleet, group in zip(fleets, groups, strict=True)
    ]


def _offer(placer: _Placer, free: Sequence[Vehicle], legs: Sequence[TruckLeg]) -> list[Vehicle]:
    """The shifts of `free` offered to `legs` (all of them if within the bound; else in the
    order of `free`): first the shifts
    the placer booked the legs' hours on (its estimate of the fleet they need), then for each leg
    shifts of its cheapest suitable kinds until it has COVER that can carry it in time, then,
    up to the bound, one more shift of each leg's cheapest kind in turn. In the wave's order."""
    limit = vehicle_bound()
    if len(free) <= limit:
        return list(free)
    by_id = {v.id: v for v in free}
    pools: dict[Kind, list[Vehicle]] = {}
    for v in reversed(free):
        pools.setdefault(_kind(v), []).append(v)  # (popped from the end: the wave's order)
    offered: set[str] = set()
    per_kind: Counter[Kind] = Counter()

    def add(v: Vehicle) -> None:
        offered.add(v.id)
        per_kind[_kind(v)] += 1

    def take(kind: Kind) -> bool:
        pool = pools[kind]
        while pool:
            v = pool.pop()
            if v.id not in offered:
                add(v)
                return True
        return False

    for leg in legs:
        booked = by_id.get(placer.booked.get(leg.request_id, ""))
        if booked is not None and booked.id not in offered and len(offered) < limit:
            add(booked)
    kinds = {kind: pool[-1] for kind, pool in pools.items()}
    ranked = [placer.ranked(leg, kinds) for leg in legs]
    for kinds_of_leg in ranked:
        need = COVER - sum(per_kind[k] for k in kinds_of_leg)
        for kind in kinds_of_leg:
            if need <= 0 or len(offered) >= limit:
                break
            need -= take(kind)
    grew = True
    while grew and len(offered) < limit:
        grew = False
        for kinds_of_leg in ranked:
            if len(offered) >= limit:
                break
            grew = any(take(kind) for kind in kinds_of_leg) or grew
    return [v for v in free if v.id in offered]
