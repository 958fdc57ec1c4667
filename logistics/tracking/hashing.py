"""Deterministic content hash of a normalised event (its id when the source gives none), and the
shorter key storage de-duplicates on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime

from logistics.domain.tracking import TrackingEvent
from logistics.domain.utc_text import utc_isoformat


def _utc(value: datetime | None) -> str:
    """The instant as the JSON text hashed: UTC ISO 8601 in quotes (digits need no escaping)."""
    return "null" if value is None else f'"{utc_isoformat(value)}"'


_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring_ascii
"""json.dumps' own string encoder with ensure_ascii (the C one when available)."""


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
    esc = _ESCAPE  # escaped inline, no helper call per field: this runs for every event ingested
    text = (
        f'{{"event_time":{_utc(event_time)},'
        f'"inferred":{"true" if inferred else "false"},'
        f'"location":{"null" if location is None else esc(location)},'
        f'"milestone":{esc(milestone)},'
        f'"mode":{"null" if mode is None else esc(mode)},'
        f'"reason":{"null" if reason is None else esc(reason)},'
        f'"recorded_at":{_utc(recorded_at)},'
        f'"references":{refs_text},'
        f'"retracts":{"null" if retracts is None else esc(retracts)},'
        f'"service_id":{"null" if service_id is None else esc(service_id)},'
        f'"shipment_id":{"null" if shipment_id is None else esc(shipment_id)},'
        f'"source":{esc(source)},'
        f'"source_code":{"null" if source_code is None else esc(source_code)},'
        f'"time_type":{esc(time_type)},'
        f'"vehicle_id":{"null" if vehicle_id is None else esc(vehicle_id)}}}'
    )
    return hashlib.sha256(text.encode("ascii")).digest()
