"""Field parsers for bundle CSV cells: each returns a value or raises FieldError with a fix hint."""

from __future__ import annotations

import math
from datetime import datetime

from logistics.domain.location_codes import normalise_gln, normalise_unlocode
from logistics.domain.tags import KNOWN_TAGS, unknown_tag_message
from logistics.domain.validation import parse_tags
from logistics.errors import DomainError

# What the database holds: PostgreSQL INTEGER columns, and times that still have a year once moved
# to UTC (year 1 at +14:00 or year 9999 at -12:00 would not).
WHOLE_MAX = 2**31 - 1
EARLIEST_YEAR = 1970
LATEST_YEAR = 9998


class FieldError(ValueError):
    """A cell could not be read; the message says what is wrong and how to fix it."""


def text(raw: str) -> str:
    """A required non-empty text cell."""
    value = raw.strip()
    if not value:
        raise FieldError("is empty; a value is required")
    return value


def optional_text(raw: str) -> str:
    """An optional text cell (may be empty)."""
    return raw.strip()


def optional_unlocode(raw: str) -> str | None:
    """An optional UN/LOCODE (`DEHAM` or `DE HAM`), None when empty."""
    if not raw.strip():
        return None
    try:
        return normalise_unlocode(raw, "")
    except DomainError as exc:
        raise FieldError(f"{str(exc).strip()}; write it like DEHAM") from exc


def optional_gln(raw: str) -> str | None:
    """An optional GS1 GLN (13 digits, valid mod-10 check digit), None when empty."""
    if not raw.strip():
        return None
    try:
        return normalise_gln(raw, "")
    except DomainError as exc:
        raise FieldError(f"{str(exc).strip()}; check the GLN against its source") from exc


def number(raw: str) -> float:
    """A finite decimal number."""
    value = raw.strip()
    if not value:
        raise FieldError("is empty; a number is required")
    try:
        parsed = float(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a number; write it like 12.5") from None
    if not math.isfinite(parsed):
        raise FieldError(f"{value!r} is not a finite number")
    return parsed


def positive(raw: str) -> float:
    """A number greater than zero."""
    parsed = number(raw)
    if parsed <= 0:
        raise FieldError(f"{raw.strip()} must be greater than zero")
    return parsed


def non_negative(raw: str) -> float:
    """A number of zero or more."""
    parsed = number(raw)
    if parsed < 0:
        raise FieldError(f"{raw.strip()} must not be negative")
    return parsed


def whole(raw: str, *, minimum: int = 0) -> int:
    """A whole number of at least `minimum`."""
    parsed = number(raw)
    if parsed != int(parsed):
        raise FieldError(f"{raw.strip()} must be a whole number")
    if parsed < minimum:
        raise FieldError(f"{raw.strip()} must be at least {minimum}")
    if parsed > WHOLE_MAX:
        raise FieldError(f"{raw.strip()} is too large; at most {WHOLE_MAX}")
    return int(parsed)


def minutes_or_default(raw: str, default: int) -> int:
    """Whole minutes of zero or more; empty means `default`."""
    return default if not raw.strip() else whole(raw, minimum=0)


def latitude(raw: str) -> float:
    """Latitude in degrees, -90..90."""
    parsed = number(raw)
    if not -90 <= parsed <= 90:
        raise FieldError(f"{raw.strip()} is outside -90..90")
    return parsed


def longitude(raw: str) -> float:
    """Longitude in degrees, -180..180."""
    parsed = number(raw)
    if not -180 <= parsed <= 180:
        raise FieldError(f"{raw.strip()} is outside -180..180")
    return parsed


def aware_time(raw: str) -> datetime:
    """An ISO 8601 time with a UTC offset."""
    value = raw.strip()
    if not value:
        raise FieldError("is empty; a time like 2026-11-30T08:00:00+08:00 is required")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(
            f"{value!r} is not an ISO 8601 time; write it like 2026-11-30T08:00:00+08:00"
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FieldError(f"{value} has no UTC offset; write it like {value}+08:00")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise FieldError(
            f"{value} is out of range; times from {EARLIEST_YEAR} to {LATEST_YEAR} are accepted"
        )
    return parsed


def tags(raw: str) -> frozenset[str]:
    """`;`-separated known tags such as `dg;reefer`, any case (empty means none)."""
    parsed = parse_tags(raw)
    for tag in sorted(parsed):
        if not tag.replace("_", "").replace("-", "").isalnum():
            raise FieldError(f"tag {tag!r} must be letters, digits, _ or -")
        if tag not in KNOWN_TAGS:
            raise FieldError(f"has {unknown_tag_message(tag)}")
    return parsed


def boolean(raw: str) -> bool:
    """true/false (also yes/no, 1/0)."""
    value = raw.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0"):
        return False
    raise FieldError(f"{raw.strip()!r} must be true or false")
