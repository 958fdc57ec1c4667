"""Weekly timetables of flights, trains and scheduled trucks (REFERENCE-NETWORK 6.2)."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain import Mode

ALL_DAYS = frozenset(range(1, 8))


@dataclass(frozen=True, slots=True)
class Line:
    """A scheduled line: which days (Mon=1) and local times it leaves, and its capacity and price."""

    code: str
    mode: Mode
    carrier: str
    origin: str
    destination: str
    days: frozenset[int]
    departures: tuple[str, ...]
    transit_minutes: int
    capacity_kg: float
    capacity_m3: float
    cutoff_minutes: int
    cost_per_kg: float
    capabilities: frozenset[str]
    emission_class: str


def _days(*days: int) -> frozenset[int]:
    return frozenset(days)


DG_REEFER = frozenset({"dg", "reefer"})
NONE: frozenset[str] = frozenset()
HOURLY_SHUTTLE = tuple(f"{h:02d}:00" for h in range(6, 23, 2))

# Truck trip prices are prorated per kg: trip price / capacity x 1.3 load-factor uplift.
LINES = (
    Line(
        "CV9751",
        Mode.AIR,
        "CV",
        "CGO",
        "LUX",
        _days(1, 2, 4, 5, 6),
        ("01:30",),
        690,
        110_000,
        690,
        300,
        26.0,
        DG_REEFER,
        "air_freighter_long",
    ),
    Line(
        "CV9753",
        Mode.AIR,
        "CV",
        "CGO",
        "LUX",
        _days(3, 7),
        ("03:00",),
        705,
        95_000,
        600,
        300,
        25.0,
        DG_REEFER,
        "air_freighter_long",
    ),
    Line(
        "LH8403",
        Mode.AIR,
        "LH",
        "CGO",
        "FRA",
        _days(2, 4, 6),
        ("02:00",),
        680,
        95_000,
        600,
        300,
        27.0,
        DG_REEFER,
        "air_freighter_long",
    ),
    # CGO-ANC-ORD with a 2 h technical stop in Anchorage is one service: cargo stays on board.
    Line(
        "CK0221",
        Mode.AIR,
        "CK",
        "CGO",
        "ORD",
        _days(1, 3, 5),
        ("22:00",),
        1050,
        100_000,
        690,
        300,
        34.0,
        DG_REEFER,
        "air_freighter_long",
    ),
    Line(
        "CV7301",
        Mode.AIR,
        "CV",
        "LUX",
        "ORD",
        _days(1, 2, 3, 4, 5, 6),
        ("12:00",),
        570,
        110_000,
        690,
        240,
        18.0,
        DG_REEFER,
        "air_freighter_long",
    ),
    Line(
        "MU5291",
        Mode.AIR,
        "MU",
        "CGO",
        "PVG",
        ALL_DAYS,
        ("08:30", "19:00"),
        120,
        12_000,
        70,
        180,
        3.2,
        frozenset({"reefer"}),
        "air_belly_short",
    ),
    Line(
        "O36921",
        Mode.AIR,
        "O3",
        "CGO",
        "SZX",
        ALL_DAYS,
        ("23:30",),
        165,
        22_000,
        140,
        180,
        4.0,
        DG_REEFER,
        "air_freighter_short",
    ),
    Line(
        "X9201",
        Mode.RAIL,
        "CRE",
        "ZZLP",
        "HAM",
        _days(2, 4, 6),
        ("18:00",),
        16 * 1440,
        1_032_000,
        2_881,
        2160,
        1.9,
        frozenset({"reefer"}),
        "rail_cn_eu",
    ),
    Line(
        "X8202",
        Mode.RAIL,
        "CRE",
        "ZZLP",
        "HAM",
        _days(1, 5),
        ("20:00",),
        15 * 1440,
        1_080_000,
        3_015,
        2160,
        1.95,
        frozenset({"reefer"}),
        "rail_cn_eu",
    ),
    Line(
        "X9301",
        Mode.RAIL,
        "CRE",
        "ZZLP",
        "DUI",
        _days(
            3,
        ),
        ("18:00",),
        17 * 1440,
        1_080_000,
        3_015,
        2160,
        2.0,
        frozenset({"reefer"}),
        "rail_cn_eu",
    ),
    Line(
        "RFS-LUXHAM",
        Mode.ROAD,
        "LUXTRANS",
        "LUX",
        "HAM",
        ALL_DAYS,
        ("10:00",),
        480,
        24_000,
        90,
        60,
        0.47,
        NONE,
        "truck_heavy",
    ),
    Line(
        "RFS-LUXDUI",
        Mode.ROAD,
        "LUXTRANS",
        "LUX",
        "DUI",
        ALL_DAYS,
        ("09:00",),
        240,
        24_000,
        90,
        60,
        0.25,
        NONE,
        "truck_heavy",
    ),
    Line(
        "RFS-LUXFRA",
        Mode.ROAD,
        "LUXTRANS",
        "LUX",
        "FRA",
        ALL_DAYS,
        ("08:00", "16:00"),
        210,
        24_000,
        90,
        60,
        0.23,
        NONE,
        "truck_heavy",
    ),
    Line(
        "RFS-PVGCGO",
        Mode.ROAD,
        "HNRFS",
        "PVG",
        "CGO",
        ALL_DAYS,
        ("12:00",),
        960,
        30_000,
        85,
        120,
        0.28,
        NONE,
        "truck_heavy",
    ),
    Line(
        "SHT-ZAEZCGO",
        Mode.ROAD,
        "ZAEZ",
        "ZAEZ",
        "CGO",
        ALL_DAYS,
        HOURLY_SHUTTLE,
        40,
        15_000,
        55,
        30,
        0.035,
        frozenset({"dg"}),
        "truck_medium",
    ),
    Line(
        "SHT-ZAEZZZLP",
        Mode.ROAD,
        "ZAEZ",
        "ZAEZ",
        "ZZLP",
        ALL_DAYS,
        ("06:00", "12:00", "18:00"),
        75,
        32_000,
        120,
        30,
        0.037,
        NONE,
        "truck_heavy",
    ),
)
