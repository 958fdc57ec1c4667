"""Where an event happened: a source's place code turned into one of our location ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from logistics.domain.enums import Mode

PlaceLookup = Callable[[str, Mode | None], str | None]
"""(code, mode of the event or None) -> our location id at that place, or None."""

Places = Mapping[str, str] | PlaceLookup | None
"""A table (code -> location id, as in the fixtures' contexts) or the service's lookup."""


def place_id(code: str | None, places: Places, mode: Mode | None = None) -> str | None:
    """Our location id for a place code when known, else the code itself (kept, up to 64 chars)."""
    if not code:
        return None
    found: str | None = None
    if callable(places):
        found = places(code, mode)
    elif places:
        found = places.get(code)
    return (found or code)[:64]
