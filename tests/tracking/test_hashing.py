"""The content hash written out directly equals json.dumps of the content (stored hashes rely on it)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

from logistics.domain import ExceptionReason, Milestone, Mode, TimeType, TrackingEvent
from logistics.tracking.hashing import content_hash


def _json_hash(event: TrackingEvent, references: dict[str, str]) -> str:
    """The definition: SHA-256 of json.dumps(content, sort_keys, compact, ensure_ascii)."""
    utc = lambda v: None if v is None else v.astimezone(UTC).isoformat()  # noqa: E731
    content = {
        "source": event.source,
        "milestone": event.milestone.value,
        "time_type": event.time_type.value,
        "event_time": utc(event.event_time),
        "recorded_at": utc(event.recorded_at),
        "shipment_id": event.shipment_id,
        "service_id": event.service_id,
        "vehicle_id": event.vehicle_id,
        "location": event.location,
        "mode": None if event.mode is None else event.mode.value,
        "reason": None if event.reason is None else event.reason.value,
        "retracts": event.retracts,
        "source_code": event.source_code,
        "inferred": event.inferred,
        "references": dict(sorted(references.items())),
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fast_hash_equals_the_json_definition_for_many_shapes() -> None:
    """Every field set or empty, non-ASCII, quotes, control characters and references agree."""
    zone = timezone(timedelta(hours=8))
    texts = [None, "CGO", 'qu"ote\\back', "Zhèngzhōu 郑州", "tab\tnew\nline\x01", "😀 emoji"]
    refs = [{}, {"awb": "160-12345675"}, {"z": "1", "a": "ü", "m": 'x"y'}]
    checked = 0
    for n, text in enumerate(texts):
        for m, references in enumerate(refs):
            event = TrackingEvent(
                event_id=f"E{n}-{m}",
                source=text or "src",
                milestone=Milestone.EXCEPTION if m == 2 else Milestone.DEPARTED,
                time_type=TimeType.ESTIMATED if n % 2 else TimeType.ACTUAL,
                event_time=datetime(2026, 11, 30, 8, n, tzinfo=zone),
                shipment_id=text,
                service_id=None if text else "CV9751",
                vehicle_id=text,
                recorded_at=datetime(2026, 11, 30, 1, m, tzinfo=UTC) if m else None,
                location=text,
                mode=Mode.AIR if n % 2 else None,
                reason=ExceptionReason.DISCREPANCY if m == 2 else None,
                retracts=text,
                source_code=text,
                inferred=bool(m % 2),
            )
            assert content_hash(event, references) == _json_hash(event, references)
            checked += 1
    assert checked == len(texts) * len(refs)
