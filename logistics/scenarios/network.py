"""The Zhengzhou reference network as data (REFERENCE-NETWORK 6.1-6.3; values illustrative)."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain import Location, LocationKind

K = LocationKind


def _loc(
    id_: str,
    name: str,
    kind: LocationKind,
    lat: float,
    lon: float,
    tz: str,
    service: int,
    handling: int,
) -> Location:
    return Location(id_, name, kind, lat, lon, tz, service, handling)


SH, LU, BE, CH = "Asia/Shanghai", "Europe/Luxembourg", "Europe/Berlin", "America/Chicago"

# Hubs: handling_minutes is the release time before a truck may take cargo onward
# (CGO import release 6 h, rail release 24 h, cross-dock 2 h; REFERENCE-NETWORK 3.5).
HUBS = (
    _loc(
        "CGO",
        "Zhengzhou Xinzheng Intl Airport cargo terminal",
        K.AIRPORT,
        34.5197,
        113.8409,
        SH,
        30,
        360,
    ),
    _loc(
        "ZZLP",
        "Zhengzhou Intl Land Port (Putian rail container centre)",
        K.RAIL_TERMINAL,
        34.7680,
        113.8450,
        SH,
        30,
        1440,
    ),
    _loc(
        "ZAEZ",
        "Airport Economy Zone bonded cross-dock and truck depot",
        K.DEPOT,
        34.4100,
        113.8500,
        SH,
        20,
        120,
    ),
    _loc(
        "LUX",
        "Luxembourg Findel cargo centre (Cargolux hub)",
        K.AIRPORT,
        49.6233,
        6.2044,
        LU,
        30,
        360,
    ),
    _loc("FRA", "Frankfurt Airport CargoCity Sud", K.AIRPORT, 50.0379, 8.5622, BE, 30, 360),
    _loc("ORD", "Chicago O'Hare cargo area", K.AIRPORT, 41.9786, -87.9048, CH, 30, 480),
    _loc(
        "PVG",
        "Shanghai Pudong Intl Airport cargo terminal",
        K.AIRPORT,
        31.1443,
        121.8083,
        SH,
        30,
        180,
    ),
    _loc(
        "SZX",
        "Shenzhen Bao'an Intl Airport cargo terminal",
        K.AIRPORT,
        22.6393,
        113.8107,
        SH,
        30,
        180,
    ),
    _loc(
        "HAM", "Hamburg-Billwerder rail terminal", K.RAIL_TERMINAL, 53.5170, 10.0970, BE, 30, 1440
    ),
    _loc(
        "DUI",
        "Duisburg logport I (DIT) rail terminal",
        K.RAIL_TERMINAL,
        51.3880,
        6.7130,
        BE,
        30,
        1440,
    ),
)

# One truck depot in every region where cargo is delivered (ZAEZ and ZZLP serve Zhengzhou).
DEPOTS = (
    _loc("LUXD", "Bettembourg truck depot (Luxembourg)", K.DEPOT, 49.5180, 6.0940, LU, 20, 0),
    _loc("FRAD", "Kelsterbach truck depot (Frankfurt)", K.DEPOT, 50.0640, 8.5300, BE, 20, 0),
    _loc("ORDD", "Elk Grove Village truck depot (Chicago)", K.DEPOT, 42.0039, -87.9703, CH, 20, 0),
    _loc("HAMD", "Hamburg-Allermohe truck depot", K.DEPOT, 53.4900, 10.1300, BE, 20, 0),
    _loc("DUID", "Duisburg-Rheinhausen truck depot", K.DEPOT, 51.3700, 6.7000, BE, 20, 0),
    _loc("PVGD", "Pudong logistics park depot", K.DEPOT, 31.1800, 121.7600, SH, 20, 0),
    _loc("SZXD", "Bao'an logistics park depot", K.DEPOT, 22.6600, 113.8300, SH, 20, 0),
)


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of customer sites and the shipper that ships from it."""

    code: str
    shipper: str
    weight: float
    sites: tuple[Location, ...]


def _c(id_: str, name: str, lat: float, lon: float, tz: str = SH) -> Location:
    return _loc(id_, name, K.CUSTOMER, lat, lon, tz, 20, 0)


# Origin clusters around Zhengzhou with their share of shipments (REFERENCE-NETWORK 6.4).
ORIGIN_CLUSTERS = (
    Cluster(
        "FXZ",
        "SHP-FXZ",
        0.40,
        (
            _c("FXZ-1", "Electronics plant, airport zone north", 34.3950, 113.8050),
            _c("FXZ-2", "Electronics plant, airport zone south", 34.3700, 113.8200),
            _c("FXZ-3", "Phone assembly campus, Hangkong Gang", 34.4300, 113.7800),
            _c("FXZ-4", "Component supplier, Xinzheng", 34.3960, 113.7400),
        ),
    ),
    Cluster(
        "XUC",
        "SHP-XUC",
        0.20,
        (
            _c("XUC-1", "Hair-products factory, Xuchang east", 34.0357, 113.8523),
            _c("XUC-2", "Hair-products factory, Xuchang west", 34.0200, 113.7900),
            _c("XUC-3", "Wig exporter, Changge", 34.2170, 113.7700),
        ),
    ),
    Cluster(
        "LYA",
        "SHP-LYA",
        0.15,
        (
            _c("LYA-1", "Mining machinery plant, Luoyang", 34.6197, 112.4540),
            _c("LYA-2", "Bearing works, Luoyang", 34.6700, 112.3900),
            _c("LYA-3", "Glass plant, Yanshi", 34.7270, 112.7900),
        ),
    ),
    Cluster(
        "ZZC",
        "SHP-ZZC",
        0.15,
        (
            _c("ZZC-1", "City DC, Jingkai", 34.7466, 113.6253),
            _c("ZZC-2", "E-commerce DC, Zhongmou", 34.7190, 113.9760),
            _c("ZZC-3", "Pharma DC, Zhengdong", 34.7700, 113.7300),
        ),
    ),
    Cluster(
        "KFG",
        "SHP-KFG",
        0.10,
        (
            _c("KFG-1", "Kaifeng DC", 34.7970, 114.3074),
            _c("KFG-2", "Auto parts plant, Kaifeng", 34.8200, 114.3600),
        ),
    ),
)

# Destination customer sites near each gateway: (gateway hub, its depot, sites).
DESTINATIONS = {
    "LUX": (
        "LUXD",
        (
            _c("LU-1", "Importer, Luxembourg Cloche d'Or", 49.5830, 6.1190, LU),
            _c("LU-2", "Distributor, Contern", 49.5860, 6.2270, LU),
        ),
    ),
    "FRA": (
        "FRAD",
        (
            _c("FR-1", "Electronics distributor, Frankfurt-Ost", 50.1170, 8.7200, BE),
            _c("FR-2", "Retail DC, Raunheim", 50.0100, 8.4500, BE),
            _c("FR-3", "Pharma wholesaler, Offenbach", 50.1000, 8.7700, BE),
        ),
    ),
    "ORD": (
        "ORDD",
        (
            _c("US-1", "Electronics importer, Itasca", 41.9750, -88.0070, CH),
            _c("US-2", "Beauty products DC, Joliet", 41.5250, -88.0817, CH),
        ),
    ),
    "HAM": (
        "HAMD",
        (
            _c("HA-1", "Machinery importer, Hamburg-Harburg", 53.4600, 9.9800, BE),
            _c("HA-2", "Retail DC, Bremen", 53.0793, 8.8017, BE),
        ),
    ),
    "DUI": (
        "DUID",
        (
            _c("DU-1", "Industrial distributor, Duisburg-Hafen", 51.4500, 6.7500, BE),
            _c("DU-2", "Retail DC, Dortmund", 51.5136, 7.4653, BE),
        ),
    ),
    "PVG": (
        "PVGD",
        (
            _c("SH-1", "Electronics DC, Shanghai Waigaoqiao", 31.3500, 121.6000),
            _c("SH-2", "Retail DC, Kunshan", 31.3850, 120.9800),
        ),
    ),
    "SZX": (
        "SZXD",
        (
            _c("SZ-1", "Electronics DC, Shenzhen Longhua", 22.6580, 114.0300),
            _c("SZ-2", "Export consolidator, Dongguan", 22.9800, 113.7500),
        ),
    ),
}

ROAD_LINKS = (
    ("ZAEZ", "CGO", 15.0, 25.0),
    ("CGO", "ZAEZ", 15.0, 25.0),
    ("CGO", "ZZLP", 36.0, 45.0),
    ("ZZLP", "CGO", 36.0, 45.0),
    ("ZAEZ", "ZZLP", 50.0, 60.0),
    ("ZZLP", "ZAEZ", 50.0, 60.0),
)


def all_locations() -> tuple[Location, ...]:
    """Every location of the reference network."""
    customers = [s for c in ORIGIN_CLUSTERS for s in c.sites]
    customers += [s for _, sites in DESTINATIONS.values() for s in sites]
    return (*HUBS, *DEPOTS, *customers)
