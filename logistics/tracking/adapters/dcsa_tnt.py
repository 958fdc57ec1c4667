"""Adapter (d): DCSA Track & Trace 2.2 events (JSON), used here for rail and truck calls.

Read per event: `eventID`, `eventType` (TRANSPORT / EQUIPMENT / SHIPMENT), the type code
(`transportEventTypeCode`, `equipmentEventTypeCode`, `shipmentEventTypeCode`),
`eventClassifierCode` (ACT / EST / PLN), `eventDateTime`, `eventCreatedDateTime` (recorded_at),
`transportCall` (`modeOfTransport`, `UNLocationCode` or `location.UNLocationCode`,
`exportVoyageNumber` / `carrierVoyageNumber` / `carrierServiceCode`), `eventLocation`,
`equipmentReference` (container), `documentReferences` (BKG / TRD), and `retractedEventID`
(DCSA 3.0 metadata, accepted here when present; a record with only a retraction becomes a
CANCELLED event that `retracts` the named id).

Subjects, in order: an equipment event is about its container; any event whose booking or
transport document is known in `subjects` is about that shipment; a transport event with a
voyage / service number is a movement-level event (`service_id` for rail, `vehicle_id` for
truck) that fans out; else the booking placeholder `booking:<ref>`. UN/LOCODEs are mapped to our
location ids through `locations` when given. Payload: a JSON list of events or `{"events": [...]}`.
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
from logistics.tracking.results import AdapterResult, ResultBuilder

DCSA_TRANSPORT_CODES: dict[str, Milestone] = {
    "ARRI": Milestone.ARRIVED,
    "DEPA": Milestone.DEPARTED,
}
DCSA_EQUIPMENT_CODES: dict[str, Milestone] = {
    "GTIN": Milestone.RECEIVED,  # gated in at the terminal
    "STUF": Milestone.RECEIVED,  # cargo stuffed into the container
    "LOAD": Milestone.LOADED,
    "DISC": Milestone.UNLOADED,  # discharged
    "STRP": Milestone.UNLOADED,  # cargo stripped from the container
    "GTOT": Milestone.TRANSFERRED,  # gated out, handed to the next leg
    "PICK": Milestone.PICKED_UP,
    "INSP": Milestone.CUSTOMS_HOLD,  # inspected
}
DCSA_SHIPMENT_CODES: dict[str, Milestone] = {
    "CONF": Milestone.BOOKED,  # booking confirmed
    "HOLD": Milestone.CUSTOMS_HOLD,
    "RELS": Milestone.CUSTOMS_CLEARED,
}
"""Codes not listed (e.g. DROP, RSEA, DRFT, ISSU) give a warning and no event."""

DCSA_CLASSIFIERS: dict[str, TimeType] = {
    "ACT": TimeType.ACTUAL,
    "EST": TimeType.ESTIMATED,
    "PLN": TimeType.PLANNED,
}
DCSA_MODES: dict[str, Mode] = {"RAIL": Mode.RAIL, "TRUCK": Mode.ROAD}
_TYPE_FIELDS = {
    "TRANSPORT": ("transportEventTypeCode", DCSA_TRANSPORT_CODES),
    "EQUIPMENT": ("equipmentEventTypeCode", DCSA_EQUIPMENT_CODES),
    "SHIPMENT": ("shipmentEventTypeCode", DCSA_SHIPMENT_CODES),
}
_DOCUMENT_KINDS = {"BKG": "booking", "TRD": "transport_document"}


def _unlocode(item: Mapping[str, Any]) -> str | None:
    for holder in (item.get("transportCall"), item.get("eventLocation")):
        if not isinstance(holder, Mapping):
            continue
        code = holder.get("UNLocationCode")
        if not code and isinstance(holder.get("location"), Mapping):
            code = holder["location"].get("UNLocationCode")
        if isinstance(code, str) and code:
            return code
    return None


def _documents(item: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for doc in item.get("documentReferences") or []:
        if isinstance(doc, Mapping):
            kind = _DOCUMENT_KINDS.get(str(doc.get("documentReferenceType", "")))
            if kind and doc.get("documentReferenceValue"):
                out[kind] = str(doc["documentReferenceValue"])
    return out


def _movement(call: Mapping[str, Any]) -> str | None:
    for name in ("exportVoyageNumber", "carrierVoyageNumber", "carrierServiceCode"):
        if isinstance(call.get(name), str) and call[name]:
            return str(call[name])
    return None


def _milestone(item: Mapping[str, Any]) -> tuple[str, Milestone | None]:
    event_type = str(item.get("eventType", "")).upper()
    if event_type not in _TYPE_FIELDS:
        raise RecordError(f"unknown eventType {item.get('eventType')!r}")
    field_name, table = _TYPE_FIELDS[event_type]
    code = item.get(field_name)
    if not isinstance(code, str) or not code:
        if item.get("retractedEventID"):
            return "RETRACT", Milestone.CANCELLED
        raise RecordError(f"{field_name} is missing")
    return code.upper(), table.get(code.upper())


def _event(
    builder: ResultBuilder,
    ref: str,
    item: Mapping[str, Any],
    *,
    source: str,
    received_at: datetime | None,
    subjects: Mapping[str, str] | None,
    locations: Mapping[str, str] | None,
) -> None:
    code, milestone = _milestone(item)
    if milestone is None:
        builder.warning(ref, f"unknown DCSA event code {code!r}: not mapped to a milestone")
        return
    classifier = str(item.get("eventClassifierCode", "")).upper()
    if classifier not in DCSA_CLASSIFIERS:
        raise RecordError(f"unknown eventClassifierCode {item.get('eventClassifierCode')!r}")
    event_time = parse_instant(item.get("eventDateTime"), "eventDateTime")
    recorded_at = optional_instant(item.get("eventCreatedDateTime"), "eventCreatedDateTime")
    raw_call = item.get("transportCall")
    call: Mapping[str, Any] = raw_call if isinstance(raw_call, Mapping) else {}
    mode_code = str(call.get("modeOfTransport", "")).upper()
    mode = DCSA_MODES.get(mode_code)
    movement = _movement(call)
    references = _documents(item)
    details: dict[str, str] = {"event_type": str(item["eventType"]).upper()}
    if mode_code:
        details["mode_of_transport"] = mode_code
    if movement:
        references["voyage"] = movement
    container = item.get("equipmentReference")
    if isinstance(container, str) and container:
        references["container"] = container
    shipment_id, resolved, service_id, vehicle_id = None, True, None, None
    if mode is Mode.RAIL:
        service_id = movement
    elif mode is Mode.ROAD:
        vehicle_id = movement
    for kind in ("booking", "transport_document"):
        if kind in references and subjects:
            candidate, ok = resolve_subject(kind, references[kind], subjects)
            if ok:
                shipment_id, resolved = candidate, True
                break
    if shipment_id is None and "container" in references:
        shipment_id, resolved = resolve_subject("container", references["container"], subjects)
    if shipment_id is None and not (service_id or vehicle_id) and "booking" in references:
        shipment_id, resolved = resolve_subject("booking", references["booking"], subjects)
    unlocode = _unlocode(item)
    location = (locations or {}).get(unlocode, unlocode) if unlocode else None
    retracts = item.get("retractedEventID")
    event_id = item.get("eventID")
    add_event(
        builder,
        ref,
        event_id=event_id if isinstance(event_id, str) and event_id else None,
        references=references,
        details=details,
        subject_resolved=resolved,
        source=source,
        milestone=milestone,
        time_type=DCSA_CLASSIFIERS[classifier],
        event_time=event_time,
        shipment_id=shipment_id,
        service_id=service_id,
        vehicle_id=vehicle_id,
        recorded_at=recorded_at,
        received_at=received_at,
        location=location,
        mode=mode,
        reason=ExceptionReason.OTHER if milestone is Milestone.EXCEPTION else None,
        retracts=retracts if isinstance(retracts, str) and retracts else None,
        source_code=code,
        raw_ref=ref,
    )


def parse_dcsa_tnt(
    payload: bytes | str,
    *,
    source: str = "dcsa",
    received_at: datetime | None = None,
    subjects: Mapping[str, str] | None = None,
    locations: Mapping[str, str] | None = None,
) -> AdapterResult:
    """Parse DCSA T&T events; `locations` maps UN/LOCODE -> location id."""
    builder = ResultBuilder()
    try:
        data = json.loads(decode(payload))
    except (RecordError, json.JSONDecodeError) as exc:
        builder.error("payload", f"not valid JSON: {exc}")
        return builder.build()
    if isinstance(data, Mapping) and isinstance(data.get("events"), list):
        data = data["events"]
    if not isinstance(data, list):
        data = [data]
    for index, item in enumerate(data):
        ref = f"index {index}"
        if not isinstance(item, Mapping):
            builder.error(ref, "record is not a JSON object")
            continue
        try:
            _event(
                builder,
                ref,
                item,
                source=source,
                received_at=received_at,
                subjects=subjects,
                locations=locations,
            )
        except RecordError as exc:
            builder.error(ref, str(exc))
    return builder.build()
