"""Scenario fuzzer: seeded scenarios in shapes the generator never makes (pure, no I/O).

Up to six cities in central and eastern China, each with a depot, a hub and customer sites;
scheduled line-haul (road under 700 km, rail beyond) between every pair of hubs; truck shifts per
depot from 1 to 60; windows from loose to very tight; light, mixed or heavy cargo; dg and reefer
from rare to common; long road lanes (Zhengzhou–Shanghai is about 1,080 km by road). The same
shape and seed give the same scenario.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from logistics.domain import (
    Location,
    LocationKind,
    Mode,
    Scenario,
    Service,
    Shipment,
    Vehicle,
)

TZ = "Asia/Shanghai"
OFFSET = timezone(timedelta(hours=8))
START = datetime(2026, 12, 7, tzinfo=OFFSET)  # a Monday
DAYS = 3  # shipments become ready over these days; shifts and services run two more
# City code, name, latitude, longitude (Zhengzhou first: every shape has it).
CITIES = (
    ("ZZ", "Zhengzhou", 34.75, 113.62),
    ("SH", "Shanghai", 31.23, 121.47),
    ("WH", "Wuhan", 30.59, 114.30),
    ("XA", "Xi'an", 34.34, 108.94),
    ("BJ", "Beijing", 39.90, 116.40),
    ("NJ", "Nanjing", 32.06, 118.80),
)
# Truck types: kg, m3, fixed CNY per shift, CNY per km, CNY per hour, km/h.
TRUCKS = {
    "L": (1_800.0, 16.0, 200.0, 2.8, 45.0, 55.0),
    "M": (15_000.0, 55.0, 500.0, 4.5, 60.0, 60.0),
    "H": (30_000.0, 85.0, 800.0, 6.0, 75.0, 65.0),
}
# Minutes of slack a shipment's due time leaves over a direct drive, by window shape.
WINDOWS = {
    "loose": (24 * 60, 72 * 60),
    "normal": (6 * 60, 24 * 60),
    "tight": (60, 6 * 60),
    "very_tight": (15, 60),
}
MIXES = ("light", "mixed", "heavy")
RAIL_FROM_KM = 700.0


@dataclass(frozen=True, slots=True)
class Shape:
    """What a fuzzed scenario looks like; `size` shipments."""

    name: str
    size: int
    hubs: int = 2
    shifts_per_depot: int = 10
    windows: str = "normal"
    mix: str = "mixed"
    dg: float = 0.05
    reefer: float = 0.05
    long_lanes: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.hubs <= len(CITIES):
            raise ValueError(f"shape {self.name}: hubs must be 1 to {len(CITIES)}")
        if not 1 <= self.shifts_per_depot <= 60:
            raise ValueError(f"shape {self.name}: shifts_per_depot must be 1 to 60")
        if self.windows not in WINDOWS:
            raise ValueError(f"shape {self.name}: windows must be one of {sorted(WINDOWS)}")
        if self.mix not in MIXES:
            raise ValueError(f"shape {self.name}: mix must be one of {MIXES}")
        if not (0 <= self.dg <= 1 and 0 <= self.reefer <= 1 and self.dg + self.reefer <= 1):
            raise ValueError(f"shape {self.name}: dg and reefer are shares summing to at most 1")
        if self.size < 1:
            raise ValueError(f"shape {self.name}: size must be at least 1")


# The shapes the benchmark runs (at several sizes): each stresses one thing the generator keeps
# fixed. `with_size` sets the size.
SHAPES = (
    Shape("one-shift-depots", 1, hubs=3, shifts_per_depot=1),
    Shape("sixty-shift-depots", 1, hubs=2, shifts_per_depot=60),
    Shape("six-hubs-long-lanes", 1, hubs=6, shifts_per_depot=20, long_lanes=True),
    Shape("zhengzhou-shanghai", 1, hubs=2, shifts_per_depot=15, long_lanes=True),
    Shape("very-tight-windows", 1, hubs=3, shifts_per_depot=30, windows="very_tight"),
    Shape("loose-windows-light", 1, hubs=4, shifts_per_depot=8, windows="loose", mix="light"),
    Shape("heavy-mix", 1, hubs=3, shifts_per_depot=20, mix="heavy"),
    Shape("dg-reefer-common", 1, hubs=3, shifts_per_depot=20, dg=0.3, reefer=0.3),
    Shape("single-hub-local", 1, hubs=1, shifts_per_depot=12, windows="tight"),
)


def with_size(shape: Shape, size: int) -> Shape:
    """The shape at another size."""
    return Shape(
        shape.name,
        size,
        shape.hubs,
        shape.shifts_per_depot,
        shape.windows,
        shape.mix,
        shape.dg,
        shape.reefer,
        shape.long_lanes,
    )


def _road_km(a: Location, b: Location) -> float:
    """Great-circle distance x 1.3, as the scenario computes it without a listed link."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h)) * 1.3


def _near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point about `km` (at most) from (lat, lon)."""
    r = km * math.sqrt(rng.random()) / 111.0
    angle = rng.uniform(0, 2 * math.pi)
    return round(lat + r * math.sin(angle), 5), round(
        lon + r * math.cos(angle) / math.cos(math.radians(lat)), 5
    )


def _locations(
    rng: random.Random, shape: Shape
) -> tuple[list[Location], dict[str, list[Location]]]:
    out: list[Location] = []
    customers: dict[str, list[Location]] = {}
    per_city = max(3, min(40, math.ceil(shape.size / (3 * shape.hubs))))
    for code, name, lat, lon in CITIES[: shape.hubs]:
        kind = LocationKind.RAIL_TERMINAL if shape.long_lanes else LocationKind.ROAD_HUB
        hub_lat, hub_lon = _near(rng, lat, lon, 15)
        out.append(Location(f"{code}-HUB", f"{name} hub", kind, hub_lat, hub_lon, TZ, 20, 60))
        dep_lat, dep_lon = _near(rng, lat, lon, 20)
        out.append(
            Location(f"{code}-DEP", f"{name} depot", LocationKind.DEPOT, dep_lat, dep_lon, TZ, 15)
        )
        sites = []
        for n in range(per_city):
            c_lat, c_lon = _near(rng, lat, lon, 60)
            sites.append(
                Location(
                    f"{code}-C{n + 1:02d}",
                    f"{name} customer {n + 1}",
                    LocationKind.CUSTOMER,
                    c_lat,
                    c_lon,
                    TZ,
                    rng.choice((10, 15, 20, 30)),
                )
            )
        customers[code] = sites
        out += sites
    return out, customers


def _lanes(shape: Shape, hubs: dict[str, Location]) -> list[tuple[str, str]]:
    """City pairs shipments run between: within a city, and between cities (far ones only with
    long lanes)."""
    codes = list(hubs)
    pairs = [(a, a) for a in codes]
    for a in codes:
        for b in codes:
            if a != b and (shape.long_lanes or _road_km(hubs[a], hubs[b]) < RAIL_FROM_KM):
                pairs.append((a, b))
    return pairs


def _cargo(rng: random.Random, mix: str) -> tuple[float, float]:
    """Weight (kg) and volume (m3) of one shipment."""
    heavy = mix == "heavy" or (mix == "mixed" and rng.random() < 0.3)
    weight = (
        rng.uniform(5_000, 24_000)
        if heavy
        else min(3_000.0, max(30.0, rng.lognormvariate(math.log(300), 0.9)))
    )
    volume = max(0.1, weight / rng.uniform(150, 350))
    return round(weight, 1), round(min(volume, 80.0), 2)


def _shipments(
    rng: random.Random,
    shape: Shape,
    locs: dict[str, Location],
    customers: dict[str, list[Location]],
    lanes: list[tuple[str, str]],
) -> list[Shipment]:
    low, high = WINDOWS[shape.windows]
    out: list[Shipment] = []
    for n in range(shape.size):
        a, b = rng.choice(lanes)
        origin = rng.choice(customers[a])
        destination = rng.choice([c for c in customers[b] if c.id != origin.id])
        ready = START + timedelta(minutes=15 * rng.randrange(DAYS * 24 * 4))
        drive = _road_km(origin, destination) / 60.0 * 60.0
        due = ready + timedelta(
            minutes=origin.service_minutes + math.ceil(drive) + rng.uniform(low, high)
        )
        due = due.replace(second=0, microsecond=0) + timedelta(minutes=1)
        weight, volume = _cargo(rng, shape.mix)
        tag = rng.random()
        requirements = (
            frozenset({"dg"})
            if tag < shape.dg
            else frozenset({"reefer"})
            if tag < shape.dg + shape.reefer
            else frozenset()
        )
        out.append(
            Shipment(
                f"FZ{n + 1:05d}",
                f"shipper-{a.lower()}",
                origin.id,
                destination.id,
                weight,
                volume,
                max(1, math.ceil(weight / 150)),
                ready,
                due,
                requirements,
            )
        )
    return out


def _services(
    rng: random.Random, shape: Shape, hubs: dict[str, Location], shipments: list[Shipment]
) -> list[Service]:
    """Line-haul between every pair of hubs, 1-3 departures a day, sized to the lane's demand."""
    demand: dict[tuple[str, str], float] = {}
    for sh in shipments:
        a, b = sh.origin[:2], sh.destination[:2]
        if a != b:
            demand[(a, b)] = demand.get((a, b), 0.0) + sh.weight_kg
    out: list[Service] = []
    for a in hubs:
        for b in hubs:
            if a == b:
                continue
            km = _road_km(hubs[a], hubs[b])
            rail = km >= RAIL_FROM_KM
            per_day = rng.randint(1, 3)
            departures = per_day * (DAYS + 2)
            kg = max(8_000.0, 1.5 * demand.get((a, b), 0.0) / departures)
            transit = timedelta(minutes=round(km / (55.0 if rail else 70.0) * 60 + 60))
            caps = frozenset(c for c, p in (("dg", 0.5), ("reefer", 0.5)) if rng.random() < p) | (
                frozenset() if shape.dg + shape.reefer < 0.5 else frozenset({"dg", "reefer"})
            )
            for day in range(-1, DAYS + 1):
                for k in range(per_day):
                    hour = 8 + k * (12 // per_day) + rng.randint(0, 2)
                    depart = START + timedelta(days=day, hours=hour)
                    out.append(
                        Service(
                            f"{a}{b}-{day + 1}-{k + 1}",
                            Mode.RAIL if rail else Mode.ROAD,
                            "fuzz rail" if rail else "fuzz line-haul",
                            f"{a}-HUB",
                            f"{b}-HUB",
                            depart,
                            depart + transit,
                            120 if rail else 60,
                            round(kg, 1),
                            round(kg / 200.0, 1),
                            round(rng.uniform(0.15, 0.5), 3),
                            caps,
                        )
                    )
    return out


def _vehicles(rng: random.Random, shape: Shape, depots: list[Location]) -> list[Vehicle]:
    """`shifts_per_depot` shifts per depot, spread over the days, 10 to 16 hours long (24 h for a
    long-haul shift when lanes are long)."""
    out: list[Vehicle] = []
    days = DAYS + 1
    for depot in depots:
        for n in range(shape.shifts_per_depot):
            kind = rng.choices(("L", "M", "H"), weights=(1, 2, 1))[0]
            kg, m3, fixed, per_km, per_hour, speed = TRUCKS[kind]
            day = n % days if shape.shifts_per_depot >= days else rng.randrange(days)
            start = START + timedelta(days=day - 1 if n % 5 == 4 else day, hours=rng.randint(4, 9))
            hours = 24 if shape.long_lanes and n % 3 == 0 else rng.randint(10, 16)
            caps = frozenset(
                c
                for c, p in (("dg", max(0.2, shape.dg)), ("reefer", max(0.2, shape.reefer)))
                if rng.random() < p
            )
            out.append(
                Vehicle(
                    f"{depot.id}-{kind}{n + 1:02d}",
                    "fuzz trucking",
                    depot.id,
                    kg,
                    m3,
                    start,
                    start + timedelta(hours=hours),
                    speed,
                    per_km,
                    per_hour,
                    fixed,
                    caps,
                )
            )
    return out


def fuzz_scenario(shape: Shape, seed: int) -> Scenario:
    """The scenario of `shape` for `seed` (deterministic)."""
    rng = random.Random(f"{shape}|{seed}")
    locations, customers = _locations(rng, shape)
    locs = {loc.id: loc for loc in locations}
    hubs = {code: locs[f"{code}-HUB"] for code, *_ in CITIES[: shape.hubs]}
    shipments = _shipments(rng, shape, locs, customers, _lanes(shape, hubs))
    services = _services(rng, shape, hubs, shipments)
    depots = [loc for loc in locations if loc.kind is LocationKind.DEPOT]
    vehicles = _vehicles(rng, shape, depots)
    return Scenario(tuple(locations), tuple(services), tuple(vehicles), tuple(shipments))
