"""An event as the flat values ingestion checks, de-duplicates and stores (no event object).

Ingestion handles thousands of events a second: the unified batch path builds these tuples
straight from the JSON items (`unified_json.parse_unified_flat`), other feeds flatten the
`SourceEvent`s their adapters return (`flatten`), and the service layer works on them alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.tracking.hashing import content_digest, content_key
from logistics.tracking.results import SourceEvent


class FlatEvent(NamedTuple):
    """One event's values: enums as their values, times aware, references as given."""

    event_id: str
    source: str
    content_key: bytes  # hashing.content_key: what storage de-duplicates content on
    shipment_id: str | None
    service_id: str | None
    vehicle_id: str | None
    milestone: str
    time_type: str
    event_time: datetime
    recorded_at: datetime | None
    received_at: datetime
    location: str | None
    mode: str | None
    reason: str | None
    retracts: str | None
    source_code: str | None
    inferred: bool
    references: dict[str, str]
    raw_ref: str | None
    subject_resolved: bool


STORED = FlatEvent._fields[:18]
"""The fields that are columns of the events table (same names), in this order."""


def flatten(item: SourceEvent, received_at: datetime) -> FlatEvent:
    """An adapter's event as flat values; `received_at` when the event carries none."""
    e = item.event
    references = dict(item.references)
    return FlatEvent(
        e.event_id,
        e.source,
        content_key(content_digest(e, references)),
        e.shipment_id,
        e.service_id,
        e.vehicle_id,
        e.milestone.value,
        e.time_type.value,
        e.event_time,
        e.recorded_at,
        e.received_at or received_at,
        e.location,
        None if e.mode is None else e.mode.value,
        None if e.reason is None else e.reason.value,
        e.retracts,
        e.source_code,
        e.inferred,
        references,
        e.raw_ref,
        item.subject_resolved,
    )


def to_event(flat: FlatEvent) -> TrackingEvent:
    """The domain event of flat values (for the rare consumer that needs one)."""
    return TrackingEvent(
        event_id=flat.event_id,
        source=flat.source,
        milestone=Milestone(flat.milestone),
        time_type=TimeType(flat.time_type),
        event_time=flat.event_time,
        shipment_id=flat.shipment_id,
        service_id=flat.service_id,
        vehicle_id=flat.vehicle_id,
        recorded_at=flat.recorded_at,
        received_at=flat.received_at,
        location=flat.location,
        mode=None if flat.mode is None else Mode(flat.mode),
        reason=None if flat.reason is None else ExceptionReason(flat.reason),
        retracts=flat.retracts,
        source_code=flat.source_code,
        raw_ref=flat.raw_ref,
        inferred=flat.inferred,
    )
