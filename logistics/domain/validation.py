"""Small checks the domain dataclasses share in `__post_init__`."""

from __future__ import annotations

import math
import re
from datetime import datetime

from logistics.errors import DomainError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,63}$")


def require_id(kind: str, value: str) -> None:
    """Ids are 1-64 characters: letters, digits and `_ . : - /`, not starting with punctuation."""
    if not isinstance(value, str) or not _ID.match(value):
        raise DomainError(f"{kind} id {value!r} is not a valid id (1-64 letters, digits, _.:-/)")


def require_aware(name: str, value: datetime) -> None:
    """Datetimes must carry a UTC offset."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"{name} must be a time-zone aware datetime, got {value!r}")


def require_positive(name: str, value: float) -> None:
    """Strictly positive finite number."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise DomainError(f"{name} must be a positive number, got {value!r}")


def require_non_negative(name: str, value: float) -> None:
    """Zero or positive finite number."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise DomainError(f"{name} must be zero or positive, got {value!r}")


def require_tags(name: str, tags: frozenset[str]) -> None:
    """Capability and requirement tags are a frozenset of non-empty lowercase words."""
    if not isinstance(tags, frozenset):
        raise DomainError(f"{name} must be a frozenset of tags, got {type(tags).__name__}")
    for tag in tags:
        if not tag or tag != tag.strip() or ";" in tag:
            raise DomainError(f"{name} has an invalid tag {tag!r}")


def parse_tags(text: str | None) -> frozenset[str]:
    """Parse `dg;reefer` into a frozenset of lowercase tags (empty text means none)."""
    if not text:
        return frozenset()
    return frozenset(t.strip().lower() for t in text.split(";") if t.strip())


def format_tags(tags: frozenset[str]) -> str:
    """Render tags in a stable `;`-separated order."""
    return ";".join(sorted(tags))
