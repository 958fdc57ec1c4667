"""Adapter (a): our own unified JSON event (the TrackingEvent fields, times ISO 8601 with offset).

Payload: a JSON array of event objects, an object `{"events": [...]}`, a single event object,
or JSON Lines (one object per line). Record references are `index N` (0-based) for JSON and
`line N` (1-based) for JSON Lines. An optional `references` object is carried through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
)
from logistics.tracking.results import AdapterResult, ResultBuilder
from logistics.tracking.wire import references_of

# Our own format: the code table is the identity on the enum values.
MILESTONE_CODES: dict[str, Milestone] = {m.value: m for m in Milestone}
TIME_TYPE_CODES: dict[str, TimeType] = {t.value: t for t in TimeType}
MODE_CODES: dict[str, Mode] = {m.value.upper(): m for m in Mode}
REASON_CODES: dict[str, ExceptionReason] = {r.value: r for r in ExceptionReason}
_STRING_FIELDS = ("shipment_id", "service_id", "vehicle_id", "location", "retracts", "raw_ref")


_Record = tuple[str, int, Any]  # label (`index 3`, `line 4`), index as data, the item


def _records(text: str) -> list[_Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        out: list[_Record] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append((f"line {n}", n, json.loads(line)))
            except json.JSONDecodeError as exc:
                out.append((f"line {n}", n, RecordError(f"not valid JSON ({exc.msg})")))
        return out
    if isinstance(data, Mapping) and isinstance(data.get("events"), list):
        data = data["events"]
    if isinstance(data, list):
        return [(f"index {i}", i, item) for i, item in enumerate(data)]
    return [("index 0", 0, data)]


def _enum(table: Mapping[str, Any], value: Any, name: str) -> Any:
    if not isinstance(value, str) or value.strip().upper() not in table:
        raise RecordError(f"unknown {name} {value!r}")
    return table[value.strip().upper()]


def _fields(item: Any, default_source: str, received_at: datetime | None) -> dict[str, Any]:
    if isinstance(item, RecordError):
        raise item
    if not isinstance(item, Mapping):
        raise RecordError("record is not a JSON object")
    fields: dict[str, Any] = {
        "source": item.get("source") or default_source,
        "milestone": _enum(MILESTONE_CODES, item.get("milestone"), "milestone"),
        "time_type": _enum(TIME_TYPE_CODES, item.get("time_type", "ACTUAL"), "time_type"),
        "event_time": parse_instant(item.get("event_time"), "event_time"),
        "recorded_at": optional_instant(item.get("recorded_at"), "recorded_at"),
        "received_at": optional_instant(item.get("received_at"), "received_at") or received_at,
        "source_code": item.get("source_code") or item.get("milestone"),
        "inferred": bool(item.get("inferred", False)),
    }
    for name in _STRING_FIELDS:
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            raise RecordError(f"{name} must be a string")
        fields[name] = value or None
    if item.get("mode"):
        fields["mode"] = _enum(MODE_CODES, item["mode"], "mode")
    if item.get("reason"):
        fields["reason"] = _enum(REASON_CODES, item["reason"], "reason")
    return fields


def parse_unified_json(
    payload: bytes | str, *, source: str = "unified", received_at: datetime | None = None
) -> AdapterResult:
    """Parse unified JSON events; `source` is the default when a record names none."""
    try:
        records = _records(decode(payload))
    except RecordError as exc:
        builder = ResultBuilder()
        builder.error("payload", str(exc))
        return builder.build()
    return _parse(records, source, received_at)


def parse_unified_items(
    items: Sequence[Any], *, source: str = "unified", received_at: datetime | None = None
) -> AdapterResult:
    """Parse already decoded unified events (an API body's list); records are `index N`."""
    return _parse([(f"index {i}", i, item) for i, item in enumerate(items)], source, received_at)


def _parse(records: Sequence[_Record], source: str, received_at: datetime | None) -> AdapterResult:
    builder = ResultBuilder()
    for ref, index, item in records:
        try:
            fields = _fields(item, source, received_at)
        except RecordError as exc:
            builder.error(ref, str(exc), index=index, code="invalid_record")
            continue
        event_id = item.get("event_id") if isinstance(item.get("event_id"), str) else None
        references = references_of(item)
        add_event(
            builder,
            ref,
            event_id=event_id,
            references=references,
            index=index,
            code="invalid_record",
            **fields,
        )
    return builder.build()
