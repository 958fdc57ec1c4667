"""ONE Record event places: a Location's geolocation read in every spelling, used only when no
code of ours names the place; an unreadable one is ignored with a warning, never a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from logistics.domain.enums import Mode
from logistics.tracking.adapters._common import RecordError
from logistics.tracking.adapters.one_record import parse_one_record
from logistics.tracking.adapters.one_record_places import placed, position_of

from ._golden import FEEDS

GEOLOCATIONS = FEEDS / "places" / "one_record_geolocations.jsonld"
WAYBILL = "https://1r.carrier.example/logistics-objects/wb-160-12345675"
SUBJECTS = {f"logistics_object:{WAYBILL}": "SH00001"}


@pytest.mark.parametrize(
    "geolocation",
    [
        {"latitude": 50.0441, "longitude": 8.5701},
        {"latitude": "50.0441", "longitude": " 8.5701 "},
        {"latitude": ["50.0441"], "longitude": [8.5701], "elevation": {"numericalValue": 111}},
    ],
)
def test_a_geolocation_is_read_as_numbers_or_numeric_strings(geolocation: Any) -> None:
    """Numbers, numeric strings (typed literals arrive unwrapped) and one-item lists alike."""
    assert position_of({"geolocation": geolocation}) == "geo:50.04410,8.57010"
    assert position_of([{"geoLocation": geolocation}]) == "geo:50.04410,8.57010"


@pytest.mark.parametrize(
    ("geolocation", "problem"),
    [
        ({"latitude": "fifty", "longitude": 8.5}, "latitude 'fifty' is not a number"),
        ({"latitude": 91, "longitude": 8.5}, "latitude 91 is outside -90..90"),
        ({"latitude": 50.0, "longitude": "NaN"}, "longitude 'NaN' is outside -180..180"),
        ({"latitude": True, "longitude": 8.5}, "latitude True is not a number"),
        ({"latitude": 10**400, "longitude": 8.5}, "latitude is outside -90..90"),
        ({"latitude": 50.0}, "only one of latitude and longitude"),
    ],
)
def test_an_unreadable_geolocation_names_its_problem(geolocation: Any, problem: str) -> None:
    """Words, out-of-range or NaN degrees, booleans, an integer no float holds and a lone
    coordinate are named."""
    with pytest.raises(RecordError, match=problem):
        position_of({"geolocation": geolocation})


def test_no_geolocation_or_an_empty_template_gives_no_position() -> None:
    """A link, a Location without geolocation, or empty strings (templates) give None."""
    assert position_of("https://1r.example/locations/FRA") is None
    assert position_of({"locationName": "Frankfurt"}) is None
    assert position_of({"geolocation": {"latitude": "", "longitude": ""}}) is None


def test_a_code_of_ours_comes_first_then_the_position_then_the_code_as_written() -> None:
    """Asked as air places: the code, then `geo:<lat>,<lon>`; nothing found keeps the code,
    and with no code the position."""
    asked: list[tuple[str, Mode | None]] = []

    def find(code: str, mode: Mode | None) -> str | None:
        asked.append((code, mode))
        return {"ORD": "AP-CHI-ORD", "geo:50.04410,8.57010": "AP-FRA-SUED"}.get(code)

    assert placed("ORD", "geo:50.04410,8.57010", find) == "AP-CHI-ORD"
    assert placed("Gate 31", "geo:50.04410,8.57010", find) == "AP-FRA-SUED"
    assert placed("Gate 31", "geo:1.00000,2.00000", find) == "Gate 31"
    assert placed(None, "geo:1.00000,2.00000", find) == "geo:1.00000,2.00000"
    assert placed(None, None, find) is None
    assert {mode for _, mode in asked} == {Mode.AIR}


def test_the_fixture_events_are_placed_and_bad_geolocations_only_warned() -> None:
    """With a table of our places: every event is produced; the two unreadable geolocations are
    warnings (`bad_geolocation`) naming their record, not refusals."""
    table = {
        "geo:50.04410,8.57010": "AP-FRA-SUED",
        "geo:51.43020,12.22210": "AP-LEJ-HUB",
        "ORD": "AP-CHI-ORD",
        "FRA": "AP-FRA-SUED",
    }
    result = parse_one_record(GEOLOCATIONS.read_bytes(), subjects=SUBJECTS, locations=table)
    assert [e.event.location for e in result.events] == [
        "AP-FRA-SUED",
        "AP-LEJ-HUB",
        "AP-CHI-ORD",
        "Aschaffenburg road feeder station",
        "geo:-1.31920,36.92780",
        "Frankfurt shed 7",
        "AP-FRA-SUED",
    ]
    assert result.errors == ()
    assert [(m.record, m.code) for m in result.messages] == [
        ("index 5", "bad_geolocation"),
        ("index 6", "bad_geolocation"),
    ]


def test_without_places_the_geolocation_changes_nothing_but_a_codeless_location() -> None:
    """No lookup given (as the golden files run): codes and names stay as before; only a
    Location with nothing but a geolocation is kept as its position."""
    result = parse_one_record(GEOLOCATIONS.read_bytes(), subjects=SUBJECTS)
    assert [e.event.location for e in result.events] == [
        "CargoCity Sued gate 31",
        "Leipzig hub apron 4",
        "ORD",
        "Aschaffenburg road feeder station",
        "geo:-1.31920,36.92780",
        "Frankfurt shed 7",
        "FRA",
    ]
