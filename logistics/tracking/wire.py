"""The unified event as JSON (our own wire format) and back; also the golden-file shape."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from logistics.domain.tracking import TrackingEvent
from logistics.tracking.results import AdapterMessage, AdapterResult, Position, SourceEvent

EVENT_FIELDS = (
    "event_id",
    "source",
    "milestone",
    "time_type",
    "event_time",
    "shipment_id",
    "service_id",
    "vehicle_id",
    "recorded_at",
    "received_at",
    "location",
    "mode",
    "reason",
    "retracts",
    "source_code",
    "raw_ref",
    "inferred",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value"):  # StrEnum members
        return value.value
    return value


def event_to_dict(event: TrackingEvent) -> dict[str, Any]:
    """The event as a JSON-ready dict; times keep their original UTC offset."""
    return {name: _plain(getattr(event, name)) for name in EVENT_FIELDS}


def source_event_to_dict(source_event: SourceEvent) -> dict[str, Any]:
    """Event fields plus `references`, `details` and `subject_resolved`."""
    data = event_to_dict(source_event.event)
    data["references"] = dict(sorted(source_event.references.items()))
    data["details"] = dict(sorted(source_event.details.items()))
    data["subject_resolved"] = source_event.subject_resolved
    return data


def message_to_dict(message: AdapterMessage) -> dict[str, Any]:
    """A per-record message as a JSON-ready dict (`index` and `code` only when the adapter set them)."""
    data: dict[str, Any] = {
        "record": message.record,
        "severity": message.severity.value,
        "reason": message.reason,
    }
    if message.index is not None:
        data["index"] = message.index
    if message.code:
        data["code"] = message.code
    return data


def position_to_dict(position: Position) -> dict[str, Any]:
    """A GPS position as a JSON-ready dict."""
    return {
        "vehicle_id": position.vehicle_id,
        "lat": position.lat,
        "lon": position.lon,
        "time": position.time.isoformat(),
        "speed_kmh": position.speed_kmh,
        "record": position.record,
    }


def result_to_dict(result: AdapterResult) -> dict[str, Any]:
    """The whole adapter result in the shape of the `*.expected.json` golden files."""
    data: dict[str, Any] = {
        "events": [source_event_to_dict(e) for e in result.events],
        "messages": [message_to_dict(m) for m in result.messages],
    }
    if result.positions:
        data["positions"] = [position_to_dict(p) for p in result.positions]
    return data


def references_of(data: Mapping[str, Any]) -> dict[str, str]:
    """The `references` object of a wire record as str -> str (other shapes are ignored)."""
    raw = data.get("references")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): str(v) for k, v in raw.items() if v is not None}
