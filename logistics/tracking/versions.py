"""Versions of one source event: a later version supersedes the earlier ones (DCSA T&T 3.0).

DCSA Track & Trace 3.0 says an event overrides any other with the same `eventID` and an earlier
`eventUpdatedDateTime`. Each version is stored under its own id, `<eventID>~v<UTC update time>`,
so a resend of the same version is a duplicate while a corrected one is new; the timeline keeps
only the latest version of each (source, eventID), and a retraction of the `eventID` retracts
every version.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

_MARK = "~v"
_VERSIONED = re.compile(r"^(?P<base>.+)~v(?P<version>\d{8}T\d{6}\.\d{6}Z)$")
_STAMP = "%Y%m%dT%H%M%S.%fZ"
MAX_ID = 128
"""The longest event id storage keeps (`tracking_events.event_id`)."""
_SUFFIX = len(_MARK) + 23


def versioned_id(base: str, updated: datetime) -> str:
    """The id of the version of `base` last updated at `updated` (an aware time)."""
    if len(base) > MAX_ID - _SUFFIX:  # a long id keeps a stable stand-in, the same on every resend
        digest = hashlib.sha256(base.encode()).hexdigest()[:40]
        base = f"{base[: MAX_ID - _SUFFIX - 48]}#sha256:{digest}"
    return f"{base}{_MARK}{updated.astimezone(UTC).strftime(_STAMP)}"


def split_version(event_id: str) -> tuple[str, str] | None:
    """(base id, version stamp) of a versioned id; None for an id without a version."""
    match = _VERSIONED.match(event_id)
    return (match.group("base"), match.group("version")) if match else None


def base_id(event_id: str) -> str:
    """The id a version belongs to (the id itself when it has no version)."""
    split = split_version(event_id)
    return split[0] if split else event_id
