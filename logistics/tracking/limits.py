"""What an event may hold so that it can be stored: text no longer than its column, times in range.

A record breaking one is refused with a reason, like any other bad record, instead of failing the
whole request at the database (PostgreSQL refuses an over-long value; SQLite would store it).
"""

from __future__ import annotations

from datetime import datetime

from logistics.domain.tracking import TrackingEvent

TEXT_LIMITS = {
    "event_id": 128,
    "source": 64,
    "shipment_id": 64,
    "service_id": 64,
    "vehicle_id": 64,
    "location": 64,
    "retracts": 128,
    "source_code": 32,
}
REFERENCE_KIND_LIMIT = 32
REFERENCE_VALUE_LIMIT = 512
EARLIEST_YEAR = 1970
LATEST_YEAR = 9998  # a later year has no room for a UTC offset on the way to storage
TIMES = ("event_time", "recorded_at", "received_at")


def bad_text(name: str, value: str, limit: int) -> str | None:
    """Why `value` cannot be stored in a text column of `limit` characters, or None."""
    if len(value) > limit:
        return f"{name} is {len(value)} characters long; at most {limit} are stored"
    if "\x00" in value:
        return f"{name} contains a NUL character"
    if value.isascii():  # the usual case: no surrogate possible, no encoding needed
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{name} contains a lone surrogate, which is not valid text"
    return None


def bad_time(name: str, moment: datetime) -> str | None:
    """Why `moment` cannot be stored as a time, or None."""
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return (
        f"{name} {moment.isoformat()} is out of range: times from {EARLIEST_YEAR} "
        f"to {LATEST_YEAR} are accepted"
    )


def storable(
    event: TrackingEvent, references: dict[str, str], *, subject_resolved: bool = True
) -> str | None:
    """Why the event cannot be stored as it is, or None when it can.

    An unresolved subject (`kind:value` placeholder an adapter made) is not length-checked here.
    """
    for name, limit in TEXT_LIMITS.items():
        if name == "shipment_id" and not subject_resolved:
            continue
        value = getattr(event, name)
        reason = bad_text(name, value, limit) if isinstance(value, str) else None
        if reason:
            return reason
    for kind, value in references.items():
        reason = bad_text(f"reference kind {kind[:40]!r}", kind, REFERENCE_KIND_LIMIT) or (
            bad_text(f"reference {kind[:40]!r}", value, REFERENCE_VALUE_LIMIT)
        )
        if reason:
            return reason
    for name in TIMES:
        moment: datetime | None = getattr(event, name)
        reason = bad_time(name, moment) if moment is not None else None
        if reason:
            return reason
    return None
