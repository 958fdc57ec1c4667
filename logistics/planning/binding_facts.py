"""The facts that bind a plan's choices: which capacity, which cutoff, which shift and whose.

Every unplanned reason and every rejected alternative in a plan states one of these facts, so
a coordinator sees why, not only that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from logistics.domain import Scenario, Shipment, Vehicle
from logistics.planning.itinerary import Itinerary
from logistics.planning.network import Network
from logistics.planning.objectives import Objective
from logistics.planning.routing import Route
from logistics.planning.truck_legs import RequestMap, TruckLeg, shipments_of

NAMES = 3  # shipment or shift ids named before "+N more"


def names(ids: Iterable[str]) -> str:
    """A short list of ids: the first few, then how many more."""
    items = sorted(ids)
    head = ", ".join(items[:NAMES])
    return head + (f" +{len(items) - NAMES} more" if len(items) > NAMES else "")


def _at(t: datetime) -> str:
    return t.isoformat(timespec="minutes")


@dataclass(slots=True)
class ServiceBook:
    """The room left on each service once the plan's shipments are on it, and who is on it."""

    scenario: Scenario
    load: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    riders: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def book(self, service_id: str, sh: Shipment) -> None:
        """Record a shipment on a service."""
        self.load[service_id][0] += sh.weight_kg
        self.load[service_id][1] += sh.volume_m3
        self.riders[service_id].append(sh.id)

    def short(self, it: Itinerary, sh: Shipment) -> str | None:
        """The first service of `it` without room for `sh`, stated with its room and riders."""
        for seg in it.segments:
            svc = seg.service
            if svc is None or sh.id in self.riders.get(svc.id, ()):
                continue
            kg, m3 = self.load.get(svc.id, (0.0, 0.0))
            left_kg, left_m3 = svc.capacity_kg - kg, svc.capacity_m3 - m3
            if left_kg < sh.weight_kg or left_m3 < sh.volume_m3:
                return (
                    f"{svc.id} has {max(0.0, left_kg):,.0f} kg / {max(0.0, left_m3):,.2f} m3 "
                    f"left of {svc.capacity_kg:,.0f} kg / {svc.capacity_m3:,.1f} m3 and it needs "
                    f"{sh.weight_kg:,.0f} kg / {sh.volume_m3:,.2f} m3 (booked by "
                    f"{names(self.riders.get(svc.id, ())) or 'shipments held from earlier plans'})"
                )
        return None


def rejection(
    sh: Shipment,
    chosen: Itinerary,
    other: Itinerary,
    *,
    preset: Objective,
    book: ServiceBook,
    forbidden: Iterable[tuple[str, ...]] = (),
    incumbent: tuple[str, ...] | None = None,
    status: str = "",
) -> str:
    """Why `other` was not chosen for `sh` instead of `chosen`: the binding fact."""
    if other.key in set(forbidden):
        return "no truck shift could serve its truck legs in time (tried by the routing)"
    full = book.short(other, sh)
    if full is not None:
        return full
    if preset.on_time_first and other.late_minutes > chosen.late_minutes:
        return (
            f"it would deliver {other.late_minutes / 60:.1f} h after due (estimated "
            f"{_at(other.delivered_at)}, due {_at(sh.due_at)}); on time ranks before "
            f"{preset.name}"
        )
    if incumbent is not None and chosen.key == incumbent and other.key != incumbent:
        return "the shipment keeps its accepted itinerary, which still works (change penalty)"
    if other.score > chosen.score or (other.score == chosen.score and other.key > chosen.key):
        dh = (other.delivered_at - chosen.delivered_at).total_seconds() / 3600
        price = (
            f" and {preset.lateness_price:g} CNY per late shipment-hour"
            if preset.lateness_price is not None
            else ""
        )
        return (
            f"scores {other.score - chosen.score:+,.0f} under '{preset.name}' "
            f"({preset.cost:g} x cost {other.cost - chosen.cost:+,.0f} CNY, "
            f"{preset.per_transit_hour:g}/h x transit {dh:+.1f} h, "
            f"{preset.per_co2_kg:g}/kg x CO2e {other.co2_kg - chosen.co2_kg:+,.1f} kg{price})"
        )
    return (
        "the service assignment kept the other choice: it stopped at its time limit "
        f"(status {status or 'unknown'}) without proving this one worse"
    )


def blocked(
    sh: Shipment,
    options: Sequence[Itinerary],
    book: ServiceBook,
    forbidden: Iterable[tuple[str, ...]] = (),
    status: str = "",
) -> str:
    """Why none of a shipment's itineraries is in the plan: each one's binding fact."""
    tried = set(forbidden)
    facts: list[str] = []
    for it in options[:NAMES]:
        if it.key in tried:
            fact = "no truck shift could serve its truck legs in time"
        else:
            fact = book.short(it, sh) or (
                "its services have room, but the service assignment did not reach it within "
                f"its time limit (status {status or 'unknown'})"
            )
        facts.append(f"{it.describe()}: {fact}")
    more = f" (+{len(options) - NAMES} more itineraries)" if len(options) > NAMES else ""
    return "; ".join(facts) + more


def lateness(
    sh: Shipment,
    chosen: Itinerary,
    options: Sequence[Itinerary],
    *,
    preset: Objective,
    book: ServiceBook,
    forbidden: Iterable[tuple[str, ...]] = (),
    incumbent: tuple[str, ...] | None = None,
    status: str = "",
) -> str:
    """Why a planned shipment is late: no on-time itinerary exists, or why the best one lost."""
    if chosen.late_minutes == 0:
        return (
            f"estimated on time (by {_at(chosen.delivered_at)}), but its trucks could only be "
            "routed later"
        )
    on_time = [o for o in options if o.late_minutes == 0]
    if not on_time:
        return (
            f"late: no itinerary found reaches {sh.destination} by {_at(sh.due_at)}; the "
            f"earliest is estimated at {_at(min(o.delivered_at for o in options))}"
        )
    best = on_time[0]
    why = rejection(
        sh,
        chosen,
        best,
        preset=preset,
        book=book,
        forbidden=forbidden,
        incumbent=incumbent,
        status=status,
    )
    return f"late: its best on-time itinerary ({best.describe()}) was not taken: {why}"


# One-entry caches: the repair round asks `shifts_taken` for every dropped leg over the same
# routes and fleet (each held here, so its identity is not reused while cached).
_CARRIED: list[tuple[tuple[Route, ...], dict[str, set[str]]]] = []
_FLEET: list[tuple[tuple[Vehicle, ...], dict[str, _DepotFleet]]] = []

# (capacity kg, capacity m3, capabilities, speed, available from, available until)
_Kind = tuple[float, float, frozenset[str], float, datetime, datetime]


@dataclass(frozen=True, slots=True)
class _DepotFleet:
    """A depot's shifts in the scenario's order, and their few distinct kinds."""

    ids: tuple[str, ...]
    kind_of: tuple[int, ...]  # per shift, its index in `kinds`
    kinds: tuple[_Kind, ...]


def _carried_by_shift(routes: Sequence[Route], requests: RequestMap) -> dict[str, set[str]]:
    """Shift id -> the shipment ids its route picks up (computed once per set of routes)."""
    entry = _CARRIED[0] if _CARRIED else None
    if entry is not None and len(entry[0]) == len(routes):
        held, carried = entry
        if all(a is b for a, b in zip(held, routes, strict=True)):
            return carried
    carried = {
        route.vehicle_id: shipments_of(
            requests, (rid for stop in route.stops for rid in stop.pickups)
        )
        for route in routes
    }
    _CARRIED[:] = [(tuple(routes), carried)]
    return carried


def _fleet_by_depot(vehicles: tuple[Vehicle, ...]) -> dict[str, _DepotFleet]:
    """Depot -> its shifts and their kinds (computed once per fleet: a large fleet has many
    identical shifts)."""
    entry = _FLEET[0] if _FLEET else None
    if entry is not None and entry[0] is vehicles:
        return entry[1]
    by_depot: dict[str, list[Vehicle]] = defaultdict(list)
    for v in vehicles:
        by_depot[v.depot].append(v)
    fleet: dict[str, _DepotFleet] = {}
    for depot, shifts in by_depot.items():
        index: dict[_Kind, int] = {}
        kind_of = tuple(
            index.setdefault(
                (
                    v.capacity_kg,
                    v.capacity_m3,
                    v.capabilities,
                    v.speed_kmh,
                    v.available_from,
                    v.available_until,
                ),
                len(index),
            )
            for v in shifts
        )
        fleet[depot] = _DepotFleet(tuple(v.id for v in shifts), kind_of, tuple(index))
    _FLEET[:] = [(vehicles, fleet)]
    return fleet


def shifts_taken(
    scenario: Scenario,
    net: Network,
    leg: TruckLeg,
    routes: Sequence[Route],
    requests: RequestMap,
) -> str:
    """Which truck shifts could carry a leg in its window, and whom each one carries instead."""
    sh = leg.shipment
    carried = _carried_by_shift(routes, requests)
    fleet = _fleet_by_depot(scenario.vehicles)
    suitable: list[str] = []
    for depot in net.depots_near(leg.from_location):
        shifts = fleet.get(depot)
        if shifts is None:
            continue
        times: dict[float, tuple[timedelta, timedelta]] = {}  # per speed, once per depot
        ok: list[bool] = []
        for kg, m3, caps, speed, start, end in shifts.kinds:
            if not (sh.fits(caps) and sh.weight_kg <= kg and sh.volume_m3 <= m3):
                ok.append(False)
                continue
            if speed not in times:
                times[speed] = (
                    timedelta(minutes=net.from_depot_minutes(depot, leg.from_location, speed)),
                    timedelta(minutes=net.truck_minutes(leg.from_location, leg.to_location, speed)),
                )
            to_pickup, drive = times[speed]
            drop = max(leg.earliest, start + to_pickup) + drive
            ok.append(drop <= leg.latest_drop and drop <= end)
        if all(ok):
            suitable += shifts.ids
        elif any(ok):
            suitable += [vid for vid, k in zip(shifts.ids, shifts.kind_of, strict=True) if ok[k]]
    window = f"{leg.from_location}>{leg.to_location} between {_at(leg.earliest)} and {_at(leg.latest_drop)}"
    if not suitable:
        return f"no truck shift can drive {window}"
    busy: list[str] = []
    free: list[str] = []
    for vid in suitable:
        load = carried.get(vid)
        (busy if load and (len(load) > 1 or sh.id not in load) else free).append(vid)
    text = f"leg {window}: {len(suitable)} shift(s) could drive it alone"
    if busy:
        taken = [f"{vid} carries {names(carried[vid] - {sh.id})}" for vid in busy[:NAMES]]
        text += f"; taken: {'; '.join(taken)}" + (" ..." if len(busy) > NAMES else "")
    if free:
        text += f"; free but not routed in time: {names(free)}"
    return text


def kept_or_changed(
    options: Mapping[str, Sequence[Itinerary]],
    chosen: Mapping[str, Itinerary],
    incumbent: Mapping[str, tuple[str, ...]],
    unusable: Mapping[str, str],
    preset: Objective,
    change_penalty: float | None = None,
) -> dict[str, tuple[str, str]]:
    """Per shipment with an incumbent: ('kept' | 'changed' | 'dropped', why)."""
    out: dict[str, tuple[str, str]] = {}
    for sid, key in incumbent.items():
        it = chosen.get(sid)
        if it is not None and it.key == key:
            out[sid] = ("kept", "its accepted itinerary still works")
            continue
        if sid in unusable:
            why = f"its accepted itinerary no longer works: {unusable[sid]}"
        elif not any(o.key == key for o in options.get(sid, ())):
            why = "its accepted itinerary was given up after the routing could not serve it"
        else:
            old = next(o for o in options[sid] if o.key == key)
            if it is not None and old.late_minutes > it.late_minutes and preset.on_time_first:
                why = (
                    f"its accepted itinerary would now deliver {old.late_minutes / 60:.1f} h "
                    "after due; the new one is earlier"
                )
            elif it is not None and change_penalty is not None and old.score > it.score:
                why = (
                    f"the new itinerary scores {it.score - old.score:+,.0f} under "
                    f"'{preset.name}', more than the change penalty of {change_penalty:g}"
                )
            else:
                why = "keeping it would leave another shipment unplanned or late"
        out[sid] = ("changed" if it is not None else "dropped", why)
    return out
