"""Adapter (e): rail terminal and train-running events, a CSV format of our own.

Header (UTF-8, comma separated; optional columns may be left out or empty):

    record_id,train_id,container_no,shipment_id,event,location,event_time,time_type,recorded_at,remarks

- `record_id` (optional): the source's id, used as event_id; else the content hash.
- `event`: one of RAIL_EVENT_CODES (e.g. gate_in, loaded, departed, gauge_change, arrived).
- `location`: our location id (terminal or border station); `event_time`/`recorded_at`: ISO 8601
  with offset; `time_type`: actual (default) / estimated / planned, or ACT / EST / PLN.
- subject: `shipment_id` if given, else the container (resolved through `subjects`, else the
  placeholder `container:<no>`), else the train as a movement-level event (`service_id`).
  A given train always also fills `service_id`, so the event can be matched to its leg.
Records are `line N` (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

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
from logistics.tracking.results import AdapterResult, ResultBuilder

RAIL_EVENT_CODES: dict[str, Milestone] = {
    "gate_in": Milestone.RECEIVED,
    "loaded": Milestone.LOADED,
    "departed": Milestone.DEPARTED,
    "border_crossing": Milestone.BORDER_CROSSED,
    "gauge_change": Milestone.BORDER_CROSSED,  # transshipment between gauges at a border
    "arrived": Milestone.ARRIVED,
    "unloaded": Milestone.UNLOADED,
    "gate_out": Milestone.TRANSFERRED,  # leaves the terminal for the next leg
    "customs_hold": Milestone.CUSTOMS_HOLD,
    "customs_release": Milestone.CUSTOMS_CLEARED,
    "delayed": Milestone.EXCEPTION,
}
RAIL_EXCEPTION_REASONS: dict[str, ExceptionReason] = {"delayed": ExceptionReason.DELAY}
RAIL_TIME_TYPES: dict[str, TimeType] = {
    "actual": TimeType.ACTUAL,
    "act": TimeType.ACTUAL,
    "estimated": TimeType.ESTIMATED,
    "est": TimeType.ESTIMATED,
    "planned": TimeType.PLANNED,
    "pln": TimeType.PLANNED,
}
REQUIRED_COLUMNS = ("event", "location", "event_time")


def parse_rail_csv(
    payload: bytes | str,
    *,
    source: str = "rail_terminal",
    received_at: datetime | None = None,
    subjects: Mapping[str, str] | None = None,
) -> AdapterResult:
    """Parse rail terminal / train-running CSV rows into unified events."""
    builder = ResultBuilder()
    try:
        reader = csv.DictReader(io.StringIO(decode(payload), newline=""))
        header = [h.strip() for h in reader.fieldnames or []]
    except (RecordError, csv.Error) as exc:
        builder.error("payload", str(exc))
        return builder.build()
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        builder.error("line 1", f"header lacks column(s): {', '.join(missing)}")
        return builder.build()
    reader.fieldnames = header
    for row in reader:
        ref = f"line {reader.line_num}"
        cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if None in row:
            builder.error(ref, "more cells than header columns")
            continue
        code = cells.get("event", "").lower()
        milestone = RAIL_EVENT_CODES.get(code)
        if milestone is None:
            builder.warning(ref, f"unknown rail event {cells.get('event')!r}: not mapped")
            continue
        try:
            time_word = (cells.get("time_type") or "actual").lower()
            if time_word not in RAIL_TIME_TYPES:
                raise RecordError(f"unknown time_type {cells.get('time_type')!r}")
            event_time = parse_instant(cells.get("event_time"), "event_time")
            recorded_at = optional_instant(cells.get("recorded_at"), "recorded_at")
        except RecordError as exc:
            builder.error(ref, str(exc))
            continue
        train, container = cells.get("train_id") or None, cells.get("container_no") or None
        references: dict[str, str] = {}
        if train:
            references["train"] = train
        if container:
            references["container"] = container
        shipment_id, resolved = cells.get("shipment_id") or None, True
        if shipment_id is None and container:
            shipment_id, resolved = resolve_subject("container", container, subjects)
        details = {"remarks": cells["remarks"]} if cells.get("remarks") else {}
        add_event(
            builder,
            ref,
            event_id=cells.get("record_id") or None,
            references=references,
            details=details,
            subject_resolved=resolved,
            source=source,
            milestone=milestone,
            time_type=RAIL_TIME_TYPES[time_word],
            event_time=event_time,
            shipment_id=shipment_id,
            service_id=train,
            recorded_at=recorded_at,
            received_at=received_at,
            location=cells.get("location") or None,
            mode=Mode.RAIL,
            reason=RAIL_EXCEPTION_REASONS.get(code),
            source_code=code,
            raw_ref=ref,
        )
    return builder.build()
