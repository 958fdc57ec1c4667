"""Deterministic content hash of a normalised event (its id when the source gives none)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from logistics.domain.tracking import TrackingEvent


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def content_hash(event: TrackingEvent, references: Mapping[str, str] | None = None) -> str:
    """SHA-256 (hex) of the event's normalised content.

    Hashed: source, milestone, time_type, event_time and recorded_at (as UTC instants), the
    subject fields, location, mode, reason, retracts, source_code, inferred and the sorted
    references. Not hashed: event_id, received_at and raw_ref, so the same fact received twice
    (or re-sent under another id) hashes the same. recorded_at is hashed because a re-issued
    estimate with the same time but a newer recording time is a new statement.
    """
    content = {
        "source": event.source,
        "milestone": event.milestone.value,
        "time_type": event.time_type.value,
        "event_time": _utc(event.event_time),
        "recorded_at": _utc(event.recorded_at),
        "shipment_id": event.shipment_id,
        "service_id": event.service_id,
        "vehicle_id": event.vehicle_id,
        "location": event.location,
        "mode": None if event.mode is None else event.mode.value,
        "reason": None if event.reason is None else event.reason.value,
        "retracts": event.retracts,
        "source_code": event.source_code,
        "inferred": event.inferred,
        "references": dict(sorted((references or {}).items())),
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
