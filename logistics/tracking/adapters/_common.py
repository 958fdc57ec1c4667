"""Helpers every adapter shares: decoding, strict time parsing, building events safely."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from logistics.domain.tracking import TrackingEvent
from logistics.errors import DomainError
from logistics.tracking.hashing import content_hash
from logistics.tracking.limits import bad_time, storable
from logistics.tracking.results import ResultBuilder, SourceEvent

_PLACEHOLDER_ID = "pending-content-hash"


class RecordError(ValueError):
    """A record cannot be turned into an event; the message names the reason."""


def decode(payload: bytes | str) -> str:
    """Payload as text (UTF-8, a BOM is dropped); raises RecordError when it is not UTF-8."""
    if isinstance(payload, str):
        return payload
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"payload is not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def parse_instant(value: Any, name: str) -> datetime:
    """Parse an ISO 8601 time that must carry a UTC offset (`Z` allowed)."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{name} is missing")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"{name} {value!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise RecordError(f"{name} {value!r} has no UTC offset")
    refused = bad_time(name, parsed)  # year 1 at +14:00 has no year in UTC: refused, not a 500
    if refused:
        raise RecordError(refused)
    return parsed


def optional_instant(value: Any, name: str) -> datetime | None:
    """Like parse_instant, but None or an empty string means absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_instant(value, name)


SubjectLookup = Callable[[str, str], str | None]
"""(kind, value) -> the shipment id that reference is linked to, or None."""

Subjects = Mapping[str, str] | SubjectLookup | None
"""How an adapter resolves references: a table (`kind:value` or bare value -> shipment id, as in
the fixtures' contexts) or a lookup the service layer passes in (linked references in storage)."""


def resolve_subject(kind: str, value: str, subjects: Subjects) -> tuple[str, bool]:
    """Shipment id for a source reference, resolved at parse time.

    When nothing is linked, returns `<kind>:<value>` and False: the event keeps that reference as
    its subject so it stays visible, and ingestion answers it as rejected (not linked); it is
    never rewritten into a shipment id afterwards.
    """
    if callable(subjects):
        found = subjects(kind, value)
        if found:
            return found, True
    elif subjects:
        for key in (f"{kind}:{value}", value):
            if key in subjects:
                return subjects[key], True
    return f"{kind}:{value}", False


def add_event(
    builder: ResultBuilder,
    record: str,
    *,
    references: Mapping[str, str] | None = None,
    details: Mapping[str, str] | None = None,
    subject_resolved: bool = True,
    event_id: str | None = None,
    index: int | None = None,
    code: str = "",
    **fields: Any,
) -> bool:
    """Build a TrackingEvent (id = source id, else content hash) and collect it.

    A domain violation becomes an error message for `record` (with its `index` and `code`, when
    the adapter gives them) instead of an exception.
    """
    refs = dict(references or {})
    try:
        event = TrackingEvent(event_id=event_id or _PLACEHOLDER_ID, **fields)
    except DomainError as exc:
        reason = str(exc).replace(f"event {_PLACEHOLDER_ID}: ", "")
        builder.error(record, reason, index=index, code=code)
        return False
    refused = storable(event, refs, subject_resolved=subject_resolved)
    if refused:
        builder.error(record, refused, index=index, code=code)
        return False
    if not event_id:
        event = replace(event, event_id=content_hash(event, refs))
    builder.events.append(
        SourceEvent(
            event=event,
            references=refs,
            details=dict(details or {}),
            subject_resolved=subject_resolved,
        )
    )
    return True
