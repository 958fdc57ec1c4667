"""A feed's place codes (UN/LOCODE, IATA airport, GLN / SGLN) resolved to the platform's own
locations."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from logistics.domain import Location
from logistics.domain.enums import LocationKind, Mode
from logistics.domain.geo import great_circle_km
from logistics.persistence.repositories import locations as location_repo
from logistics.tracking import places
from logistics.tracking.adapters._places import PlaceLookup
from logistics.tracking.adapters.gs1_locations import parse_gln

Coordinates = Callable[[str], tuple[float, float] | None]
"""A place code -> its latitude and longitude, or None when unknown."""


def world_position(code: str) -> tuple[float, float] | None:
    """Position of `geo:<lat>,<lon>` (as adapters write a message's coordinates), of an IATA
    airport, or of a UN/LOCODE built on one or on a city's airport (places)."""
    if code[:4].lower() == "geo:":
        lat, _, lon = code[4:].partition(",")
        try:
            at = float(lat), float(lon)
        except ValueError:
            return None
        return at if -90.0 <= at[0] <= 90.0 and -180.0 <= at[1] <= 180.0 else None
    place = places.resolve(code)
    if place is None or place.lat is None or place.lon is None:
        return None
    return place.lat, place.lon


RADIUS_KM = 30.0
"""How far one of our locations may be from a code's position to stand for it."""

_KINDS_BY_MODE: dict[Mode, frozenset[LocationKind]] = {
    Mode.AIR: frozenset({LocationKind.AIRPORT}),
    Mode.RAIL: frozenset({LocationKind.RAIL_TERMINAL, LocationKind.RAIL_BORDER}),
}


def _gln_of(code: str) -> str | None:
    """The 13-digit GLN a code names (SGLN URN, Digital Link, `gln:<digits>[.ext]`, 13 digits)."""
    text = code.strip()
    if text[:4].lower() == "gln:":
        text = text[4:].split(".", 1)[0]
    try:
        found = parse_gln(text)
    except ValueError:
        return None
    return found.gln if found else None


def _pick(found: Sequence[Location], kinds: frozenset[LocationKind] | None) -> str:
    """Of locations sharing a code, the first (by id) whose kind fits the event's mode."""
    fitting = [loc for loc in found if kinds is None or loc.kind in kinds]
    return (fitting or list(found))[0].id


def _airports_held(ours: Sequence[Location], coordinates: Coordinates) -> dict[str, list[Location]]:
    """IATA code -> our locations whose UN/LOCODE names that airport (built on its code, or a
    city's airport) and which lie within `RADIUS_KM` of it: a UN/LOCODE whose location part
    merely spells an airport's code elsewhere in the country (`CNSHA` held by a terminal at
    Pudong, 45 km from Hongqiao SHA) names no airport of ours."""
    held: dict[str, list[Location]] = {}
    for loc in ours:
        place = places.unlocode(loc.unlocode) if loc.unlocode else None
        if place is None or place.basis not in ("iata", "city"):
            continue
        code = places.CITY_AIRPORTS.get(place.code) or place.code[2:]
        at = coordinates(code)
        if at is not None and great_circle_km(at[0], at[1], loc.lat, loc.lon) <= RADIUS_KM:
            held.setdefault(code, []).append(loc)
    return held


def lookup_over(ours: Sequence[Location], coordinates: Coordinates = world_position) -> PlaceLookup:
    """The place lookup over these locations (pure; see `location_lookup`)."""
    by_id = {loc.id: loc for loc in ours}
    by_unlocode: dict[str, list[Location]] = {}
    by_gln: dict[str, list[Location]] = {}
    for loc in sorted(ours, key=lambda x: x.id):
        if loc.unlocode:
            by_unlocode.setdefault(loc.unlocode, []).append(loc)
        if loc.gln:
            by_gln.setdefault(loc.gln, []).append(loc)
    by_airport = _airports_held(sorted(ours, key=lambda x: x.id), coordinates)
    cache: dict[tuple[str, Mode | None], str | None] = {}

    def nearest(
        position: tuple[float, float] | None, kinds: frozenset[LocationKind] | None
    ) -> str | None:
        if position is None:
            return None
        near = [
            (great_circle_km(position[0], position[1], loc.lat, loc.lon), loc.id)
            for loc in ours
            if kinds is None or loc.kind in kinds
        ]
        close = sorted(d for d in near if d[0] <= RADIUS_KM)
        return close[0][1] if close else None

    def find(code: str, mode: Mode | None) -> str | None:
        key = (code, mode)
        if key in cache:
            return cache[key]
        kinds = _KINDS_BY_MODE.get(mode) if mode else None
        text = code.strip().upper().replace(" ", "")
        own = code if code in by_id else text if text in by_id else None
        found: str | None = None
        if text in by_unlocode:
            found = _pick(by_unlocode[text], kinds)
        elif own is not None and (kinds is None or by_id[own].kind in kinds):
            found = own
        elif by_gln and (gln := _gln_of(code)) in by_gln:
            found = _pick(by_gln[gln], None)
        else:
            held = [loc for loc in by_airport.get(text, ()) if kinds is None or loc.kind in kinds]
            # an id of another kind (our rail terminal `HAM` for Hamburg airport) only when no
            # location of the event's kind stands for the code
            found = held[0].id if held else nearest(coordinates(text), kinds) or own
        cache[key] = found
        return found

    return find


def location_lookup(session: Session, coordinates: Coordinates = world_position) -> PlaceLookup:
    """The adapters' place lookup: our location id standing for a code, cached per code and mode.

    In this order: a UN/LOCODE held by our locations (`unlocode`; of several, one whose kind fits
    the event's mode); one of our location ids (of a kind fitting the mode); a GLN (as an SGLN
    URN, a GS1 Digital Link, `gln:<13 digits>` or bare) held by our locations (`gln`; an SGLN's
    extension is a spot inside that location); an IATA airport code (a Cargo-IMP / XFSU station)
    whose airport one of our locations names by its UN/LOCODE (`CNCGO` for CGO, `USCHI` for ORD)
    and lies within `RADIUS_KM` of; else the code's position (from `coordinates`:
    `geo:<lat>,<lon>` as the DCSA and ONE Record adapters write a message's coordinates, an IATA
    airport, a UN/LOCODE through its airport or city) picks our nearest location within
    `RADIUS_KM` whose kind fits the event's mode (an airport for air, a rail terminal or border
    for rail, any kind otherwise); else one of our ids of another kind. With none, None: the
    adapter keeps the code as written.
    """
    return lookup_over(location_repo.all_locations(session), coordinates)
