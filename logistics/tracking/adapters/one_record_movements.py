"""ONE Record transport movements: which flight an event concerns, and which pieces it carries.

An event about a `TransportMovement` (a flight) concerns every piece loaded on it. The payload
may carry that knowledge as ONE Record does: `Loading` actions (`loadedPieces`, `servedActivity`
= the movement) next to the events in a `@graph` or list, or nested in the movement (`actions`).
The pieces are looked up like any logistics object; when none is linked, the event is about the
flight itself, our service `<flight>-<YYYYMMDD>` (the booked shipments get it through their legs),
taken from `transportIdentifier` (`LH400/16OCT2023`, as the good-practice examples write it) and
the flight date there, else the movement's outbound `movementTimes`, else the event's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_IDENT = re.compile(
    r"^\s*([A-Z0-9]{2}[A-Z]?)\s*(\d{1,4}[A-Z]?)\s*(?:[/-]\s*(\d{1,2})([A-Z]{3})(\d{2}|\d{4})?)?\s*$"
)


def type_name(value: Any) -> str | None:
    """The local name of a JSON-LD `@type` (`cargo:Loading`, an IRI, or a list of them)."""
    if isinstance(value, list):
        names = [type_name(v) for v in value]
        return next((n for n in names if n), None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for sep in ("#", "/", ":"):
        text = text.rsplit(sep, 1)[-1]
    return text or None


def _iri(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("@id") or value.get("id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _walk(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _is_movement(obj: Any) -> bool:
    return isinstance(obj, Mapping) and (
        type_name(obj.get("@type")) == "TransportMovement" or "transportIdentifier" in obj
    )


def _loaded(obj: Mapping[str, Any]) -> list[str]:
    return [p for p in map(_iri, _listed(obj.get("loadedPieces"))) if p]


class Graph:
    """The objects of one payload: movements by IRI and the pieces loaded on each."""

    def __init__(self, records: Sequence[Any]) -> None:
        self._by_id: dict[str, Mapping[str, Any]] = {}
        self._loads: dict[str, list[str]] = {}
        for node in _walk(list(records)):
            iri = _iri(node)
            if iri and _is_movement(node):
                self._by_id.setdefault(iri, node)
            served = _iri(node.get("servedActivity"))
            if served and node.get("loadedPieces") is not None:
                self._loads.setdefault(served, []).extend(_loaded(node))

    def movement(self, obj: Any, iri: str | None) -> Mapping[str, Any] | None:
        """The TransportMovement an event's subject is, or None when it is another object."""
        known = self._by_id.get(iri or "")
        if _is_movement(obj):
            return {**(known or {}), **obj}
        if known is not None:
            return known
        if iri and iri in self._loads:
            return {"@id": iri}
        return None

    def pieces_on(self, movement: Mapping[str, Any], iri: str | None) -> list[str]:
        """Pieces loaded on the movement: Loading actions naming it, or nested in it."""
        pieces = list(self._loads.get(iri or "", []))
        for node in _walk(dict(movement)):
            if node is not movement and node.get("loadedPieces") is not None:
                pieces.extend(_loaded(node))
        return list(dict.fromkeys(pieces))


def _date_of(text: Any) -> str | None:
    if isinstance(text, Mapping):
        text = text.get("@value")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).strftime("%Y%m%d")
    except ValueError:
        return None


def service_of(movement: Mapping[str, Any], event: Mapping[str, Any]) -> str | None:
    """Our flight service id for a movement (`<carrier><number>-<YYYYMMDD>`), or None."""
    ident = movement.get("transportIdentifier")
    if isinstance(ident, Mapping):
        ident = ident.get("@value")
    match = _IDENT.match(ident.upper()) if isinstance(ident, str) else None
    if not match:
        return None
    flight = match.group(1) + match.group(2)
    day, month, year = match.group(3), match.group(4), match.group(5)
    if day and month in _MONTHS and year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return f"{flight}-{full:04d}{_MONTHS.index(month) + 1:02d}{int(day):02d}"
    for time in _listed(movement.get("movementTimes")):
        outbound = isinstance(time, Mapping) and "OUT" in str(time.get("direction", "")).upper()
        if outbound and (found := _date_of(time.get("movementTimestamp"))):
            return f"{flight}-{found}"
    found = _date_of(event.get("eventDate"))
    return f"{flight}-{found}" if found else None
