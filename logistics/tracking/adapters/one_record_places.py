"""ONE Record event places: a Location's code or, failing that, its `geolocation`.

A `Location` (ontology 3.x: `https://onerecord.iata.org/ns/cargo#Location`) may carry a
`geolocation`, a `Geolocation` with `latitude` and `longitude` in decimal degrees (xsd:double;
senders write numbers, numeric strings or typed literals `{"@type": "xsd:double", "@value": ...}`,
unwrapped before this module sees them) and an `elevation` that plays no part here. The position
is written `geo:<lat>,<lon>` as the DCSA adapter writes its coordinates, so the service's place
lookup finds our nearest location of a kind fitting air (an airport) within its radius.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from logistics.domain.enums import Mode
from logistics.tracking.adapters._common import RecordError
from logistics.tracking.adapters._places import Places, place_id


def _degrees(value: Any, name: str, limit: float) -> float | None:
    """A geolocation's latitude or longitude in degrees: a number, a numeric string or a typed
    literal (unwrapped before); None when absent, RecordError when unreadable or out of range."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError(f"geolocation {name} {value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer of 400 digits is no float
        raise RecordError(f"geolocation {name} is outside -{limit:g}..{limit:g}") from None
    except ValueError:
        raise RecordError(f"geolocation {name} {value!r} is not a number") from None
    if not -limit <= number <= limit:  # NaN fails the comparison too
        raise RecordError(f"geolocation {name} {value!r} is outside -{limit:g}..{limit:g}")
    return number


def position_of(value: Any) -> str | None:
    """`geo:<lat>,<lon>` of a Location's `geolocation` (a Geolocation with `latitude` and
    `longitude`; `elevation` plays no part); None without one, RecordError when unreadable."""
    if isinstance(value, list):
        value = value[0] if value else None
    where = (
        value.get("geolocation") or value.get("geoLocation") if isinstance(value, Mapping) else None
    )
    if isinstance(where, list):
        where = where[0] if where else None
    if not isinstance(where, Mapping):
        return None
    lat = _degrees(where.get("latitude"), "latitude", 90.0)
    lon = _degrees(where.get("longitude"), "longitude", 180.0)
    if lat is None or lon is None:
        if lat is not None or lon is not None:
            raise RecordError("geolocation has only one of latitude and longitude")
        return None
    return f"geo:{lat:.5f},{lon:.5f}"


def _known(code: str | None, locations: Places) -> str | None:
    """Our location a table or lookup gives for a code, or None (never the code itself)."""
    if not code:
        return None
    if callable(locations):
        return locations(code, Mode.AIR)
    return locations.get(code) if locations else None


def placed(code: str | None, position: str | None, locations: Places) -> str | None:
    """Our location named by the code, else the one at the position, else the code as written
    (else, with no code at all, the position as `geo:<lat>,<lon>`)."""
    found = _known(code, locations) or _known(position, locations)
    if found:
        return found[:64]
    return place_id(code or position, None, Mode.AIR)
