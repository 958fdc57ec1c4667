"""Adapter (c): IATA ONE Record LogisticsEvent (JSON-LD), ontology 3.x with 2.x spellings.

Read per event: `@id` (the event IRI, our event_id), `eventCode` (a string or a CodeListElement
`{"code": "DEP"}`), `eventDate`, `eventTimeType` (`ACTUAL`/`ESTIMATED`/`PLANNED`, also as an
IRI such as `cargo:ESTIMATED` or the 2.x words `Actual`/`Expected`/`Planned`), `creationDate`
(recorded_at), `eventFor` (2.x `linkedObject`: the logistics object, e.g. a Shipment or Waybill
IRI), `eventLocation` (location codes or name). Property names may carry the `cargo:` prefix or
the full ontology IRI. A typed literal `{"@value": ...}` is unwrapped.

Payload: one event object, a list, or a JSON-LD `@graph` / `@set`. Records are `index N`.
Event codes are the Cargo-IMP / Cargo-iQ status codes, so the FSU code table applies.
The subject is the `eventFor` object: resolved via `subjects` (IRI or its last path segment),
else the placeholder `lo:<last segment>`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.adapters._common import (
    RecordError,
    add_event,
    decode,
    optional_instant,
    parse_instant,
    resolve_subject,
)
from logistics.tracking.adapters.cargo_imp_fsu import FSU_STATUS_CODES
from logistics.tracking.results import AdapterResult, ResultBuilder

ONE_RECORD_EVENT_CODES: dict[str, Milestone] = dict(FSU_STATUS_CODES)
"""ONE Record eventCode -> milestone (the Cargo-IMP status code list)."""

ONE_RECORD_TIME_TYPES: dict[str, TimeType] = {
    "ACTUAL": TimeType.ACTUAL,
    "ESTIMATED": TimeType.ESTIMATED,
    "EXPECTED": TimeType.ESTIMATED,  # 2.x wording
    "PLANNED": TimeType.PLANNED,
}
_PREFIXES = ("https://onerecord.iata.org/ns/cargo#", "cargo:")


def _key(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    if name.startswith("https://onerecord.iata.org/ns/cargo/") and "#" in name:
        return name.split("#", 1)[1]
    return name


def _normalise(node: Any) -> Any:
    if isinstance(node, Mapping):
        if "@value" in node:
            return node["@value"]
        return {_key(str(k)): _normalise(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def _code(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, Mapping):
        value = value.get("code") or value.get("@id")
    if isinstance(value, str) and value.strip():
        return _key(value.strip()).rsplit("#", 1)[-1].upper()
    return None


def _location(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return _code(value)
    codes = value.get("locationCodes")
    code = _code(codes) if codes else None
    return code or (
        value.get("locationName") if isinstance(value.get("locationName"), str) else None
    )


def _records(data: Any) -> list[Any]:
    if isinstance(data, Mapping):
        for container in ("@graph", "@set"):
            if isinstance(data.get(container), list):
                return list(data[container])
        return [data]
    if isinstance(data, list):
        return data
    raise RecordError("payload is neither a JSON-LD object nor a list")


def parse_one_record(
    payload: bytes | str,
    *,
    source: str = "one_record",
    received_at: datetime | None = None,
    subjects: Mapping[str, str] | None = None,
) -> AdapterResult:
    """Parse ONE Record LogisticsEvents into unified events about their `eventFor` object."""
    builder = ResultBuilder()
    try:
        records = _records(json.loads(decode(payload)))
    except (RecordError, json.JSONDecodeError) as exc:
        builder.error("payload", f"not valid JSON-LD: {exc}")
        return builder.build()
    for index, raw in enumerate(records):
        ref = f"index {index}"
        try:
            item = _normalise(raw)
            if not isinstance(item, Mapping):
                raise RecordError("record is not a JSON object")
            code = _code(item.get("eventCode"))
            if code is None:
                raise RecordError("eventCode is missing")
            milestone = ONE_RECORD_EVENT_CODES.get(code)
            if milestone is None:
                builder.warning(ref, f"unknown eventCode {code!r}: not mapped to a milestone")
                continue
            time_code = _code(item.get("eventTimeType")) or "ACTUAL"
            if time_code not in ONE_RECORD_TIME_TYPES:
                raise RecordError(f"unknown eventTimeType {time_code!r}")
            target = item.get("eventFor") or item.get("linkedObject")
            target_iri = target.get("@id") if isinstance(target, Mapping) else target
            if not isinstance(target_iri, str) or not target_iri:
                raise RecordError("eventFor (the logistics object) is missing")
            event_time = parse_instant(item.get("eventDate"), "eventDate")
            recorded_at = optional_instant(item.get("creationDate"), "creationDate")
        except RecordError as exc:
            builder.error(ref, str(exc))
            continue
        segment = target_iri.rstrip("/").rsplit("/", 1)[-1]
        shipment_id, resolved = resolve_subject("lo", segment, subjects)
        if not resolved and subjects and target_iri in subjects:
            shipment_id, resolved = subjects[target_iri], True
        event_iri = item.get("@id")
        add_event(
            builder,
            ref,
            event_id=event_iri if isinstance(event_iri, str) and event_iri else None,
            references={"logistics_object": target_iri},
            subject_resolved=resolved,
            source=source,
            milestone=milestone,
            time_type=ONE_RECORD_TIME_TYPES[time_code],
            event_time=event_time,
            shipment_id=shipment_id,
            recorded_at=recorded_at,
            received_at=received_at,
            location=_location(item.get("eventLocation") or item.get("location")),
            mode=Mode.AIR,
            reason=ExceptionReason.OTHER if milestone is Milestone.EXCEPTION else None,
            source_code=code,
            raw_ref=ref,
        )
    return builder.build()
