"""Places of the world: IATA airports and UN/LOCODEs to names, zones and positions."""

from __future__ import annotations

import csv
from pathlib import Path

from logistics.domain.geo import great_circle_km
from logistics.tracking import places

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_iata_airport_has_name_zone_and_position() -> None:
    """CGO is Zhengzhou in Asia/Shanghai, with coordinates; lower case works too."""
    place = places.airport("cgo")
    assert place is not None and place.timezone == "Asia/Shanghai" and place.country == "CN"
    assert place.lat is not None and 34 < place.lat < 35 and "Zhengzhou" in (place.name or "")


def test_unlocode_resolves_through_its_iata_location_code_or_the_country_zone() -> None:
    """DEHAM is Hamburg's airport place; DEZZZ only knows Germany's single zone; USZZZ is unknown."""
    ham = places.resolve("DE HAM")
    assert ham is not None and ham.code == "DEHAM" and ham.basis == "iata" and ham.lat is not None
    germany = places.unlocode("DEZZZ")
    assert germany is not None and germany.timezone == "Europe/Berlin" and germany.lat is None
    assert places.unlocode("USZZZ") is None  # several zones: not guessed


def test_city_codes_go_through_their_airport_and_multi_zone_countries_get_no_guess() -> None:
    """USCHI and RUMOW are cities whose location part is no airport code: their main airport
    stands for them. In China (Beijing time at every airport, Urumqi time in Xinjiang), the US,
    Russia, Brazil, Australia, Canada, Mexico, Kazakhstan and Indonesia an unknown code gets no
    zone, while a known one keeps its own airport's zone."""
    chicago = places.resolve("USCHI")
    assert chicago is not None and chicago.basis == "city"
    assert chicago.timezone == "America/Chicago" and chicago.name == "Chicago"
    moscow = places.resolve("RUMOW")
    assert moscow is not None and moscow.timezone == "Europe/Moscow" and moscow.lat is not None
    for code in ("CNZGZ", "USZZZ", "RUZZZ", "BRZZZ", "AUZZZ", "CAZZZ", "MXZZZ", "KZZZZ", "IDZZZ"):
        assert places.resolve(code) is None, code
    zhengzhou = places.resolve("CNCGO")
    assert zhengzhou is not None and zhengzhou.timezone == "Asia/Shanghai"
    assert places.timezone_of("USLAX") == "America/Los_Angeles"


def test_unknown_and_malformed_codes_are_none() -> None:
    """Codes that are neither an airport nor a UN/LOCODE give None, not an exception."""
    assert places.resolve("ZZZ") is None and places.resolve("") is None
    assert places.resolve("12345") is None and places.timezone_of(None) is None


def _reference_points() -> list[tuple[str, float, float]]:
    path = FIXTURES / "places" / "airport_reference_points.csv"
    with path.open(newline="") as handle:
        return [(r["code"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)]


def test_airports_lie_at_their_published_reference_points() -> None:
    """Within 2 km: the reference network's airports, the main cargo hubs, and the Belgian and
    Luxembourg airports `airportsdata` gives in degrees-minutes-seconds written as decimals."""
    far = []
    for code, lat, lon in _reference_points():
        place = places.airport(code)
        assert place is not None and place.lat is not None and place.lon is not None, code
        distance = great_circle_km(place.lat, place.lon, lat, lon)
        if distance > 2.0:
            far.append(f"{code}: {distance:.1f} km from {lat}, {lon}")
    assert far == []


def test_degrees_minutes_seconds_are_read_only_while_the_table_holds_the_listed_values() -> None:
    """50.5405 is 50°54'05"; a release that corrects the value is taken as it is; others untouched."""
    lat, lon = places.corrected("BRU", 50.5405, 4.2904)
    assert abs(lat - 50.9014) < 1e-4 and abs(lon - 4.4844) < 1e-4
    assert places.corrected("BRU", 50.9014, 4.4844) == (50.9014, 4.4844)
    assert places.corrected("CGO", 34.5197, 113.841) == (34.5197, 113.841)
    west = places.corrected("XXX", -0.5405, -4.2904)
    assert west == (-0.5405, -4.2904)
