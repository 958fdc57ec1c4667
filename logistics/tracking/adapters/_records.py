"""Per-record messages of the JSON adapters, with the record index and a code as data."""

from __future__ import annotations

import hashlib

from logistics.tracking.results import ResultBuilder


def index_of(record: str) -> int | None:
    """The 0-based index in a record name such as `index 3` or `event 3`; None for `payload`."""
    _, _, number = record.rpartition(" ")
    return int(number) if number.isdigit() else None


def warn(builder: ResultBuilder, record: str, reason: str, code: str) -> None:
    """A warning about `record` (its event, if any, is still produced)."""
    builder.warning(record, reason, index=index_of(record), code=code)


def refuse(builder: ResultBuilder, record: str, reason: str, code: str = "invalid_record") -> None:
    """`record` gave no event, for `reason`."""
    builder.error(record, reason, index=index_of(record), code=code)


MAX_EVENT_ID = 128
"""The longest event id storage keeps (`tracking_events.event_id`)."""


def bounded_id(event_id: str | None) -> str | None:
    """The source's event id, or for one longer than storage keeps (a long ONE Record IRI) a stable
    stand-in: its first 80 characters and 40 hex digits of its SHA-256, the same on every resend."""
    if event_id is None or len(event_id) <= MAX_EVENT_ID:
        return event_id
    digest = hashlib.sha256(event_id.encode()).hexdigest()[:40]
    return f"{event_id[:80]}#sha256:{digest}"
