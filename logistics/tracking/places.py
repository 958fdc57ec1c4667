"""Places of the world by code: any IATA airport or UN/LOCODE to a name, time zone and position.

Pure lookups over packaged data, nothing is downloaded: IATA airport codes come from
`airportsdata` (name, city, country, IANA zone, latitude, longitude of ~7,900 airports). A
UN/LOCODE (`CNCGO`: ISO country + 3-character location) resolves through the same table when its
location part is the IATA code of an airport in that country, which is how UNECE assigns
location codes where an IATA code exists; a city whose UN/LOCODE differs from its airports'
codes (`USCHI` Chicago, `RUMOW` Moscow, ...) is in `CITY_AIRPORTS`. Otherwise, when the country
lies in one time zone, the place gets that zone without a position (e.g. any `DE...` code is in
Europe/Berlin) -- never for a country spanning several zones (`MULTI_ZONE_COUNTRIES`, and any
whose airports lie in more than one): there only the place itself can tell the offset. A code no
rule answers is unknown (None): callers keep the raw code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import airportsdata

_IATA = re.compile(r"^[A-Z]{3}$")
_LOCODE = re.compile(r"^([A-Z]{2})\s?([A-Z2-9]{3})$")


MULTI_ZONE_COUNTRIES = frozenset({"US", "RU", "CN", "BR", "AU", "CA", "MX", "KZ", "ID"})
"""Countries with several local times, whatever the airport table says (China's airports all
keep Beijing time, Xinjiang's Urumqi time does not): a code there gets no country-wide zone."""

CITY_AIRPORTS: dict[str, str] = {
    "USCHI": "ORD",  # Chicago
    "USNYC": "JFK",  # New York
    "USWAS": "IAD",  # Washington
    "USDTT": "DTW",  # Detroit
    "RUMOW": "SVO",  # Moscow
    "IDJKT": "CGK",  # Jakarta
    "JPTYO": "NRT",  # Tokyo
    "GBLON": "LHR",  # London
    "FRPAR": "CDG",  # Paris
    "ITMIL": "MXP",  # Milan
    "BRSAO": "GRU",  # Sao Paulo
    "CATOR": "YYZ",  # Toronto
    "CAMTR": "YUL",  # Montreal
    "CNBJS": "PEK",  # Beijing
    "KRSEL": "ICN",  # Seoul
    "SESTO": "ARN",  # Stockholm
}
"""UN/LOCODEs of cities whose location part is no airport code -> the city's main cargo airport
(its position and time zone stand for the city's)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: the code as asked, what it is, and what is known about it."""

    code: str
    kind: str  # "iata" (an airport) or "unlocode"
    name: str | None
    timezone: str | None
    country: str | None
    lat: float | None = None
    lon: float | None = None
    basis: str = ""  # how a UN/LOCODE was resolved: "iata", "city" or "country-zone"


DMS_AS_DECIMAL: dict[str, tuple[float, float]] = {
    "ANR": (51.1122, 4.2737),
    "BRU": (50.5405, 4.2904),
    "CRL": (50.2736, 4.271),
    "KJK": (50.4907, 3.1233),
    "LGG": (50.3811, 5.2634),
    "LUX": (49.3724, 6.1216),
    "OST": (51.1156, 2.5144),
}
"""Airports whose latitude and longitude `airportsdata` (20260905) gives in degrees, minutes and
seconds written as decimals: Brussels 50.5405, 4.2904 for 50°54'05", 4°29'04" (50.9014, 4.4844),
Luxembourg 49.3724, 6.1216 for 49°37'24", 6°12'16", Liège, Ostend, Antwerp, Charleroi, Wevelgem:
26-42 km off, enough to miss our own airport within the place radius. Read as such here; found by
checking the reference network's and the main cargo airports' positions against their published
reference points (`tests/tracking/test_places.py` keeps them there). Each is converted only while
the table still holds exactly these values, so a corrected release is taken as it is."""


def _from_dms(value: float) -> float:
    """`d.mmss` (degrees, minutes, seconds written as a decimal) as decimal degrees."""
    sign = -1.0 if value < 0 else 1.0
    digits = f"{abs(value):.4f}"
    degrees, fraction = digits.split(".")
    return sign * (int(degrees) + int(fraction[:2]) / 60 + int(fraction[2:]) / 3600)


@cache
def _airports() -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {
        code: dict(row) for code, row in airportsdata.load("IATA").items()
    }
    for code in DMS_AS_DECIMAL.keys() & rows.keys():
        row = rows[code]
        row["lat"], row["lon"] = corrected(code, float(row["lat"]), float(row["lon"]))
    return rows


def corrected(code: str, lat: float, lon: float) -> tuple[float, float]:
    """The airport's position as `airportsdata` gives it, read as degrees, minutes and seconds
    when it is one of `DMS_AS_DECIMAL` with exactly the values listed there."""
    if DMS_AS_DECIMAL.get(code) != (lat, lon):
        return lat, lon
    return _from_dms(lat), _from_dms(lon)


@cache
def _country_zones() -> dict[str, frozenset[str]]:
    zones: dict[str, set[str]] = {}
    for row in _airports().values():
        if row.get("country") and row.get("tz"):
            zones.setdefault(row["country"], set()).add(row["tz"])
    return {country: frozenset(found) for country, found in zones.items()}


def airport(code: str) -> Place | None:
    """The airport with this IATA code (three letters, any case), or None."""
    code = code.strip().upper()
    row = _airports().get(code) if _IATA.match(code) else None
    if row is None:
        return None
    name = row["name"] if not row.get("city") else f"{row['name']}, {row['city']}"
    return Place(
        code=code,
        kind="iata",
        name=name,
        timezone=row.get("tz") or None,
        country=row.get("country") or None,
        lat=float(row["lat"]),
        lon=float(row["lon"]),
    )


def unlocode(code: str) -> Place | None:
    """The place with this UN/LOCODE (`CNCGO` or `CN CGO`), or None when it cannot be placed."""
    match = _LOCODE.match(code.strip().upper())
    if not match:
        return None
    country, location = match.groups()
    canonical = country + location
    city = CITY_AIRPORTS.get(canonical)
    found = _airports().get(city or location)
    if found is not None and found.get("country") == country:
        name = found.get("city") or found.get("name") or None
        return Place(
            canonical,
            "unlocode",
            name,
            found.get("tz") or None,
            country,
            float(found["lat"]),
            float(found["lon"]),
            "city" if city else "iata",
        )
    zones = _country_zones().get(country, frozenset())
    if len(zones) == 1 and country not in MULTI_ZONE_COUNTRIES:
        return Place(canonical, "unlocode", None, next(iter(zones)), country, basis="country-zone")
    return None


def resolve(code: str | None) -> Place | None:
    """A three-letter code as an IATA airport, a five-character one as a UN/LOCODE."""
    if not code:
        return None
    text = code.strip().upper()
    if _IATA.match(text):
        return airport(text)
    return unlocode(text)


def timezone_of(code: str | None) -> str | None:
    """The IANA time zone of an airport or UN/LOCODE, or None when unknown."""
    place = resolve(code)
    return place.timezone if place else None
