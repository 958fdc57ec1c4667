"""Places of the world: IATA airports and UN/LOCODEs to names, zones and positions."""

from __future__ import annotations

from logistics.tracking import places


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
