"""A feed's place codes (UN/LOCODE, IATA airport) resolved to the platform's own locations."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from logistics.domain.enums import LocationKind, Mode
from logistics.domain.geo import great_circle_km
from logistics.persistence.repositories import locations as location_repo
from logistics.tracking import places
from logistics.tracking.adapters._places import PlaceLookup

Coordinates = Callable[[str], tuple[float, float] | None]
"""A place code -> its latitude and longitude, or None when unknown."""


def world_position(code: str) -> tuple[float, float] | None:
    """Position of an IATA airport, or of a UN/LOCODE whose location part is one (places)."""
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


def location_lookup(session: Session, coordinates: Coordinates = world_position) -> PlaceLookup:
    """The adapters' place lookup: our location id standing for a code, cached per code and mode.

    A code that is one of our location ids is that location. Otherwise the code's position (from
    `coordinates`) picks our nearest location within `RADIUS_KM` whose kind fits the event's mode
    (an airport for air, a rail terminal or border for rail, any kind otherwise); with none, the
    code stays as the event's place.
    """
    ours = location_repo.all_locations(session)
    ids = {loc.id for loc in ours}
    cache: dict[tuple[str, Mode | None], str | None] = {}

    def find(code: str, mode: Mode | None) -> str | None:
        if code in ids:
            return code
        code = code.strip().upper().replace(" ", "")
        if code in ids:
            return code
        key = (code, mode)
        if key not in cache:
            position = coordinates(code)
            kinds = _KINDS_BY_MODE.get(mode) if mode else None
            near = [
                (great_circle_km(position[0], position[1], loc.lat, loc.lon), loc.id)
                for loc in ours
                if position is not None and (kinds is None or loc.kind in kinds)
            ]
            close = sorted(d for d in near if d[0] <= RADIUS_KM)
            cache[key] = close[0][1] if close else None
        return cache[key]

    return find
