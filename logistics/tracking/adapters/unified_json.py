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
from logistics.tracking.flat import FlatEvent, flatten
from logistics.tracking.hashing import content_key, hash_fields
from logistics.tracking.limits import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    REFERENCE_KIND_LIMIT,
    REFERENCE_VALUE_LIMIT,
    TEXT_LIMITS,
)
from logistics.tracking.results import AdapterMessage, AdapterResult, ResultBuilder
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
    for name in ("source", "source_code"):
        if item.get(name) is not None and not isinstance(item.get(name), str):
            raise RecordError(f"{name} must be a string")
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


# The single pass: items in the usual, exact spelling become flat values directly; any other
# item (another spelling, or something wrong) goes through `_parse` above, so every rule and
# every message stays in one place.
_MILESTONE_VALUES = {m.value: m.value for m in Milestone}
_TIME_TYPE_VALUES = {t.value: t.value for t in TimeType}
_MODE_VALUES = {key: mode.value for key, mode in MODE_CODES.items()}
_REASON_VALUES = {key: reason.value for key, reason in REASON_CODES.items()}
_LIMIT = TEXT_LIMITS


class _Other(Exception):
    """The item is not plainly valid: `_parse` decides it (and words its message)."""


def _plain(value: Any, limit: int) -> str:
    """A text short enough, ASCII and without NUL, storable as it is."""
    if type(value) is not str or len(value) > limit or not value.isascii() or "\x00" in value:
        raise _Other
    return value


def _optional_text(value: Any, limit: int) -> str | None:
    """An optional text field (None when absent or empty)."""
    return None if value is None else (_plain(value, limit) or None)


def _instant(value: Any) -> datetime:
    """`parse_instant` of a time that parses, has an offset and a storable year."""
    if type(value) is not str:
        raise _Other
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Other from None
    if moment.utcoffset() is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise _Other
    return moment


def _optional_instant(value: Any) -> datetime | None:
    """An optional time (None when absent or blank)."""
    if value is None or (type(value) is str and not value.strip()):
        return None
    return _instant(value)


def _code(table: Mapping[str, str], value: Any) -> str:
    """A code's value as the code table reads it (any case, spaces around)."""
    if type(value) is not str:
        raise _Other
    found = table.get(value.strip().upper())
    if found is None:
        raise _Other
    return found


def _flat(item: Any, default_source: str, received_at: datetime) -> FlatEvent:
    """The item as flat values when it is plainly valid; raises _Other otherwise."""
    if type(item) is not dict:
        raise _Other
    get = item.get
    code = get("milestone")
    milestone = _MILESTONE_VALUES.get(code) if type(code) is str else None
    given_type = get("time_type", "ACTUAL")
    time_type = _TIME_TYPE_VALUES.get(given_type) if type(given_type) is str else None
    if milestone is None or time_type is None:  # the exact spelling only; `_parse` reads others
        raise _Other
    event_time = _instant(get("event_time"))
    recorded_at = _optional_instant(get("recorded_at"))
    received = _optional_instant(get("received_at")) or received_at
    source = _plain(get("source") or default_source, _LIMIT["source"])
    source_code = _plain(get("source_code") or code, _LIMIT["source_code"])
    shipment_id = _optional_text(get("shipment_id"), _LIMIT["shipment_id"])
    service_id = _optional_text(get("service_id"), _LIMIT["service_id"])
    vehicle_id = _optional_text(get("vehicle_id"), _LIMIT["vehicle_id"])
    location = _optional_text(get("location"), _LIMIT["location"])
    retracts = _optional_text(get("retracts"), _LIMIT["retracts"])
    raw_ref = get("raw_ref")
    if (
        not source
        or (raw_ref is not None and type(raw_ref) is not str)
        or not (shipment_id or service_id or vehicle_id)
    ):
        raise _Other
    mode = _code(_MODE_VALUES, m) if (m := get("mode")) else None
    reason = _code(_REASON_VALUES, r) if (r := get("reason")) else None
    if reason is None and milestone == "EXCEPTION":
        raise _Other
    references = get("references")
    if references is None:
        references = {}
    elif type(references) is not dict:
        raise _Other
    else:
        for kind, value in references.items():
            _plain(kind, REFERENCE_KIND_LIMIT)
            _plain(value, REFERENCE_VALUE_LIMIT)
    event_id = get("event_id")
    if event_id is not None:
        _plain(event_id, _LIMIT["event_id"])
    inferred = bool(get("inferred", False))
    digest = hash_fields(
        source,
        milestone,
        time_type,
        event_time,
        recorded_at,
        shipment_id,
        service_id,
        vehicle_id,
        location,
        mode,
        reason,
        retracts,
        source_code,
        inferred,
        references,
    )
    return FlatEvent(
        event_id or digest.hex(),
        source,
        content_key(digest),
        shipment_id,
        service_id,
        vehicle_id,
        milestone,
        time_type,
        event_time,
        recorded_at,
        received,
        location,
        mode,
        reason,
        retracts,
        source_code,
        inferred,
        references,
        raw_ref or None,
        True,
    )


def parse_unified_flat(
    items: Sequence[Any], *, source: str = "unified", received_at: datetime
) -> tuple[list[tuple[int, FlatEvent]], list[AdapterMessage]]:
    """`parse_unified_items` as flat values in one pass: (index, event) in item order, and the
    messages of the items refused (records `index N`, with their index and code)."""
    usable = (
        EARLIEST_YEAR <= received_at.year <= LATEST_YEAR and received_at.utcoffset() is not None
    )
    produced: list[tuple[int, FlatEvent]] = []
    others: list[int] = []
    for index, item in enumerate(items):
        try:
            if not usable:
                raise _Other
            produced.append((index, _flat(item, source, received_at)))
        except _Other:
            others.append(index)
    if not others:
        return produced, []
    result = _parse([(f"index {i}", i, items[i]) for i in others], source, received_at)
    refused = {m.index for m in result.errors}
    parsed = [i for i in others if i not in refused]
    produced.extend(
        (index, flatten(event, received_at))
        for index, event in zip(parsed, result.events, strict=True)
    )
    produced.sort(key=lambda pair: pair[0])
    return produced, list(result.errors)
