"""Deterministic content hash of a normalised event (its id when the source gives none), and the
shorter key storage de-duplicates on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from logistics.domain.tracking import TrackingEvent


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo is UTC else value.astimezone(UTC)).isoformat()


_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring_ascii
"""json.dumps' own string encoder with ensure_ascii (the C one when available)."""


def _text(value: str | None) -> str:
    return "null" if value is None else _ESCAPE(value)


KEY_BYTES = 16
"""Bytes of the SHA-256 digest storage keeps and de-duplicates on (128 bits: a chance collision
among a billion stored events is about 1 in 10^21). Half the index of the whole digest, a
quarter of its hex text: every stored event adds an entry to that unique index."""


def content_key(digest: bytes) -> bytes:
    """The storage key of a content digest (`hash_fields`): its first `KEY_BYTES` bytes."""
    return digest[:KEY_BYTES]


def content_hash(event: TrackingEvent, references: Mapping[str, str] | None = None) -> str:
    """SHA-256 (hex) of the event's normalised content: `content_digest` as hex text.

    Hashed: source, milestone, time_type, event_time and recorded_at (as UTC instants), the
    subject fields, location, mode, reason, retracts, source_code, inferred and the sorted
    references. Not hashed: event_id, received_at and raw_ref, so the same fact received twice
    (or re-sent under another id) hashes the same. recorded_at is hashed because a re-issued
    estimate with the same time but a newer recording time is a new statement.

    The text hashed is `json.dumps(content, sort_keys=True, separators=(",", ":"),
    ensure_ascii=True)` of those fields (stored keys depend on it), written out directly with
    json's own string escaping: ingestion hashes every event, and this is several times faster.
    """
    return content_digest(event, references).hex()


def content_digest(event: TrackingEvent, references: Mapping[str, str] | None = None) -> bytes:
    """SHA-256 digest of the event's normalised content (`content_hash` as bytes)."""
    return hash_fields(
        event.source,
        event.milestone.value,
        event.time_type.value,
        event.event_time,
        event.recorded_at,
        event.shipment_id,
        event.service_id,
        event.vehicle_id,
        event.location,
        None if event.mode is None else event.mode.value,
        None if event.reason is None else event.reason.value,
        event.retracts,
        event.source_code,
        event.inferred,
        references or {},
    )


def hash_fields(
    source: str,
    milestone: str,
    time_type: str,
    event_time: datetime,
    recorded_at: datetime | None,
    shipment_id: str | None,
    service_id: str | None,
    vehicle_id: str | None,
    location: str | None,
    mode: str | None,
    reason: str | None,
    retracts: str | None,
    source_code: str | None,
    inferred: bool,
    references: Mapping[str, str],
) -> bytes:
    """`content_digest` of an event given as its field values (enums as their values), the same
    text hashed: ingestion's single pass hashes each item without building the event."""
    refs = references
    if not refs:
        refs_text = "{}"
    elif all(isinstance(k, str) and isinstance(v, str) for k, v in refs.items()):
        refs_text = "{" + ",".join(f"{_ESCAPE(k)}:{_ESCAPE(refs[k])}" for k in sorted(refs)) + "}"
    else:  # not what adapters produce; the general encoder gives the same text
        refs_text = json.dumps(dict(sorted(refs.items())), sort_keys=True, separators=(",", ":"))
    text = (
        f'{{"event_time":{_text(_utc(event_time))},'
        f'"inferred":{"true" if inferred else "false"},'
        f'"location":{_text(location)},'
        f'"milestone":{_text(milestone)},'
        f'"mode":{_text(mode)},'
        f'"reason":{_text(reason)},'
        f'"recorded_at":{_text(_utc(recorded_at))},'
        f'"references":{refs_text},'
        f'"retracts":{_text(retracts)},'
        f'"service_id":{_text(service_id)},'
        f'"shipment_id":{_text(shipment_id)},'
        f'"source":{_text(source)},'
        f'"source_code":{_text(source_code)},'
        f'"time_type":{_text(time_type)},'
        f'"vehicle_id":{_text(vehicle_id)}}}'
    )
    return hashlib.sha256(text.encode("ascii")).digest()
