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


def lookup_over(ours: Sequence[Location], coordinates: Coordinates = world_position) -> PlaceLookup:
    """The place lookup over these locations (pure; see `location_lookup`)."""
    ids = {loc.id for loc in ours}
    by_unlocode: dict[str, list[Location]] = {}
    by_gln: dict[str, list[Location]] = {}
    for loc in sorted(ours, key=lambda x: x.id):
        if loc.unlocode:
            by_unlocode.setdefault(loc.unlocode, []).append(loc)
        if loc.gln:
            by_gln.setdefault(loc.gln, []).append(loc)
    cache: dict[tuple[str, Mode | None], str | None] = {}

    def find(code: str, mode: Mode | None) -> str | None:
        key = (code, mode)
        if key in cache:
            return cache[key]
        kinds = _KINDS_BY_MODE.get(mode) if mode else None
        text = code.strip().upper().replace(" ", "")
        found: str | None = None
        if text in by_unlocode:
            found = _pick(by_unlocode[text], kinds)
        elif code in ids or text in ids:
            found = code if code in ids else text
        elif by_gln and (gln := _gln_of(code)) in by_gln:
            found = _pick(by_gln[gln], None)
        else:
            position = coordinates(text)
            near = [
                (great_circle_km(position[0], position[1], loc.lat, loc.lon), loc.id)
                for loc in ours
                if position is not None and (kinds is None or loc.kind in kinds)
            ]
            close = sorted(d for d in near if d[0] <= RADIUS_KM)
            found = close[0][1] if close else None
        cache[key] = found
        return found

    return find


def location_lookup(session: Session, coordinates: Coordinates = world_position) -> PlaceLookup:
    """The adapters' place lookup: our location id standing for a code, cached per code and mode.

    In this order: a UN/LOCODE held by our locations (`unlocode`; of several, one whose kind fits
    the event's mode); one of our location ids; a GLN (as an SGLN URN, a GS1 Digital Link,
    `gln:<13 digits>` or bare) held by our locations (`gln`; an SGLN's extension is a spot inside
    that location); else the code's position (from `coordinates`: `geo:<lat>,<lon>` as the DCSA
    adapter writes a message's coordinates, an IATA airport, a UN/LOCODE through its airport or
    city) picks our nearest location within `RADIUS_KM` whose kind fits the
    event's mode (an airport for air, a rail terminal or border for rail, any kind otherwise).
    With none, None: the adapter keeps the code as written.
    """
    return lookup_over(location_repo.all_locations(session), coordinates)
