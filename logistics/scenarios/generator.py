"""Scenario generator: bundles in the shape of the Zhengzhou reference scenario, at any size."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from logistics.domain import Location, RoadLink, Scenario, Service, Shipment, Vehicle
from logistics.scenarios.network import (
    DESTINATIONS,
    ORIGIN_CLUSTERS,
    ROAD_LINKS,
    all_locations,
)
from logistics.scenarios.timetable import LINES, Line

REFERENCE_SHIPMENTS = 180
SHIPMENTS_PER_SCALE_STEP = 180


def _fixed(dt: datetime) -> datetime:
    """The same instant with a fixed UTC offset (what a CSV round trip gives back)."""
    offset = dt.utcoffset()
    assert offset is not None
    return dt.astimezone(timezone(offset))


def _local(day: date, hhmm: str, zone: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return _fixed(datetime.combine(day, time(hours, minutes), ZoneInfo(zone)))


def _services(
    lines: tuple[Line, ...], locs: dict[str, Location], start: date, days: int, scale: int
) -> list[Service]:
    """Each departure of the timetable, in `ceil(scale / 3)` copies 45 minutes apart, each copy
    with `scale / copies` times the line's capacity: capacity grows in step with demand."""
    copies = max(1, math.ceil(scale / 3))
    factor = scale / copies
    out: list[Service] = []
    for line in lines:
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day.isoweekday() not in line.days:
                continue
            for dep_no, hhmm in enumerate(line.departures):
                base = _local(day, hhmm, locs[line.origin].timezone)
                for copy in range(copies):
                    departure = base + timedelta(minutes=45 * copy)
                    arrival = departure + timedelta(minutes=line.transit_minutes)
                    arrival = _fixed(arrival.astimezone(ZoneInfo(locs[line.destination].timezone)))
                    suffix = f"-{dep_no + 1}" if len(line.departures) > 1 else ""
                    suffix += f"-{copy + 1}" if copies > 1 else ""
                    out.append(
                        Service(
                            f"{line.code}-{day:%Y%m%d}{suffix}",
                            line.mode,
                            line.carrier,
                            line.origin,
                            line.destination,
                            departure,
                            arrival,
                            line.cutoff_minutes,
                            round(line.capacity_kg * factor, 1),
                            round(line.capacity_m3 * factor, 1),
                            line.cost_per_kg,
                            line.capabilities,
                            line.emission_class,
                        )
                    )
    return out


# Truck types (REFERENCE-NETWORK 6.3): kg, m3, fixed CNY/shift, CNY/km, CNY/hour, km/h, class.
TRUCKS = {
    "V42": (1_800, 16, 200, 2.8, 45, 55, "truck_light"),
    "T96": (15_000, 55, 500, 4.5, 60, 60, "truck_medium"),
    "S13": (30_000, 85, 800, 6.0, 75, 65, "truck_heavy"),
}
# Zhengzhou depots: trucks per type per day (scaled with size); some carry dg or reefer.
HOME_FLEET = {"ZAEZ": {"V42": 4, "T96": 3, "S13": 1}, "ZZLP": {"S13": 2, "T96": 1}}
AWAY_FLEET = {"T96": 1, "S13": 1}


def _vehicle(
    depot: Location, kind: str, day: date, n: int, caps: frozenset[str], hours: tuple[str, str]
) -> Vehicle:
    kg, m3, fixed, per_km, per_hour, speed, cls = TRUCKS[kind]
    return Vehicle(
        f"{depot.id}-{kind}-{day:%m%d}-{n:02d}",
        f"{depot.id} trucking",
        depot.id,
        kg,
        m3,
        _local(day, hours[0], depot.timezone),
        _local(day, hours[1], depot.timezone),
        speed,
        per_km,
        per_hour,
        fixed,
        caps,
        cls,
    )


def _capabilities(n: int) -> frozenset[str]:
    return frozenset({"dg"}) if n % 3 == 1 else frozenset({"reefer"}) if n % 3 == 2 else frozenset()


def _vehicles(
    locs: dict[str, Location], services: list[Service], start: date, days: int, scale: int
) -> list[Vehicle]:
    out: list[Vehicle] = []
    for depot_id, fleet in HOME_FLEET.items():
        for offset in range(-1, days):
            day = start + timedelta(days=offset)
            for kind, count in fleet.items():
                for n in range(count * scale):
                    out.append(
                        _vehicle(locs[depot_id], kind, day, n, _capabilities(n), ("06:00", "22:00"))
                    )
    # Away depots: shifts on the days cargo becomes available at their gateway, and the day after.
    depot_of = {hub: depot for hub, (depot, _) in DESTINATIONS.items()}
    wanted: set[tuple[str, date]] = set()
    for svc in services:
        depot = depot_of.get(svc.destination)
        if depot is None:
            continue
        hub = locs[svc.destination]
        ready = svc.arrival + timedelta(minutes=hub.handling_minutes)
        local_day = ready.astimezone(ZoneInfo(hub.timezone)).date()
        wanted.update({(depot, local_day), (depot, local_day + timedelta(days=1))})
    for depot_id, day in sorted(wanted):
        for kind, count in AWAY_FLEET.items():
            for n in range(count * scale):
                out.append(
                    _vehicle(locs[depot_id], kind, day, n, _capabilities(n), ("06:00", "22:00"))
                )
    return out


def _pick_origin(rng: random.Random) -> tuple[str, Location]:
    cluster = rng.choices(ORIGIN_CLUSTERS, weights=[c.weight for c in ORIGIN_CLUSTERS])[0]
    return cluster.shipper, rng.choice(cluster.sites)


def _shipment(rng: random.Random, n: int, start: date, days: int) -> Shipment:
    shipper, origin = _pick_origin(rng)
    zone = ZoneInfo(origin.timezone)
    window_h = max(24, days * 24 - 30)
    quarter_hours = int(rng.uniform(0, window_h) * 4)
    ready = _fixed(
        datetime.combine(start, time(0, 0), zone) + timedelta(minutes=15 * quarter_hours)
    )
    kind = rng.random()
    requirements: frozenset[str] = frozenset()
    if kind < 0.55:  # air export to Europe or the US
        gateway = rng.choices(["LUX", "FRA", "ORD", "HAM", "DUI"], weights=[35, 25, 20, 10, 10])[0]
        weight = min(3000.0, max(50.0, rng.lognormvariate(math.log(300), 0.9)))
        density = rng.uniform(120, 300)
        due = ready + timedelta(hours=48 if rng.random() < 0.1 else rng.uniform(72, 120))
        tag = rng.random()
        requirements = (
            frozenset({"dg"})
            if tag < 0.05
            else frozenset({"reefer"})
            if tag < 0.10
            else frozenset()
        )
    elif kind < 0.75:  # rail to Hamburg or Duisburg: FCL or LCL
        gateway = rng.choice(["HAM", "DUI"])
        if rng.random() < 0.5:
            weight, density = rng.uniform(18_000, 24_000), rng.uniform(300, 400)
        else:
            weight, density = rng.uniform(2_000, 12_000), 250.0
        due = ready + timedelta(days=rng.uniform(22, 30))
    else:  # domestic: Shanghai, Shenzhen, or within Henan by truck
        gateway = rng.choice(["PVG", "SZX", "HENAN"])
        weight, density = rng.uniform(100, 6_000), rng.uniform(150, 300)
        due = ready + timedelta(days=rng.uniform(1.5, 3))
    if gateway == "HENAN":
        sites = [s for c in ORIGIN_CLUSTERS for s in c.sites if s.id != origin.id]
        destination = rng.choice(sites)
    else:
        destination = rng.choice(DESTINATIONS[gateway][1])
    due = due.replace(minute=0, second=0, microsecond=0)
    volume = round(max(0.1, weight / density), 2)
    weight = round(weight, 1)
    return Shipment(
        f"SH{n:05d}",
        shipper,
        origin.id,
        destination.id,
        weight,
        volume,
        max(1, math.ceil(weight / 150)),
        ready,
        _fixed(due.astimezone(ZoneInfo(destination.timezone))),
        requirements,
    )


def generate_scenario(
    *, shipments: int, seed: int, start: date = date(2026, 11, 30), days: int = 7
) -> Scenario:
    """A scenario of `shipments` shipments over `days` days from `start`; same seed, same scenario.

    Departures, service capacity and truck shifts grow with the shipment count, in steps of
    SHIPMENTS_PER_SCALE_STEP shipments, so capacity per shipment stays that of the reference.
    """
    if shipments < 1 or days < 1:
        raise ValueError("shipments and days must be at least 1")
    rng = random.Random(seed)
    scale = max(1, math.ceil(shipments / SHIPMENTS_PER_SCALE_STEP))
    locations = all_locations()
    locs = {loc.id: loc for loc in locations}
    services = _services(LINES, locs, start, days + 1, scale)
    vehicles = _vehicles(locs, services, start, days + 1, scale)
    items = [_shipment(rng, n + 1, start, days) for n in range(shipments)]
    links = tuple(RoadLink(a, b, km, minutes) for a, b, km, minutes in ROAD_LINKS)
    return Scenario(locations, tuple(services), tuple(vehicles), tuple(items), links)
