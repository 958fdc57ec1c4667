"""Adapter (d): DCSA Track & Trace events, 2.2, 3.0.0-Beta-1 and 3.0.0 (JSON).

The three shapes are read into one flat form by `dcsa_shapes` (which lists what is read from each);
this module maps codes and subjects. Codes: the 2.2 / Beta four-letter codes and the 3.0 words
(`DEPARTED`, `GATED_IN`, ...) share one table per event type; a code with no cargo milestone
(e.g. DROP, RSEA, APPROACHING, ISSUED, an IOT or REEFER event) or an unknown one is an
INFORMATIONAL event with its raw code, listed in the messages. A move of EMPTY equipment is stored
as INFORMATIONAL (never a cargo LOADED / DISCHARGED). Delay reason codes (SMDG, e.g. WEA) make the
event carry reason DELAY and the codes under the reference `delay_reason`.

Retractions: a Beta `retractedEventID` or a 3.0 `isRetracted: true` gives a CANCELLED event that
`retracts` the named id (3.0: the same `eventID`, so the retraction's own id is `<eventID>#retracted`).
A retraction without references is about the retracted event's subject when that event is in the
same payload, else it names `event:<id>` for the subject lookup. 3.0 versions: "an event overrides
any other event that has the same eventID and an earlier eventUpdatedDateTime", so a 3.0 event is
stored under `<eventID>~v<eventUpdatedDateTime>` (`tracking.versions`): the same version resent is
a duplicate, a corrected one is accepted and the timeline keeps only the latest version; a
retracted version (`isRetracted`) retracts the versions up to it. 2.2 and Beta events carry one
id per message (no versions): a correction there is a new event, and the newest report of a
milestone at a place wins as for every source.

Subjects, in order: a booking or transport document linked in `subjects`; the container
(`container:` in `subjects`); a rail or truck event with a voyage / service / departure number is a
movement event (`service_id` / `vehicle_id`) that fans out; else the booking, transport document
or container placeholder (answered "not linked"). UN/LOCODEs are mapped to location ids through `locations` when given;
a place no code of ours names is looked up by its position (`geo:<lat>,<lon>`), else kept as written.
Payload: a list of events, `{"events": [...]}` or one event.
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
    Subjects,
    add_event,
    decode,
    optional_instant,
    parse_instant,
    resolve_subject,
)
from logistics.tracking.adapters._places import Places, place_id
from logistics.tracking.adapters._records import bounded_id, refuse, warn
from logistics.tracking.adapters.dcsa_shapes import DcsaEvent, read_event
from logistics.tracking.results import AdapterResult, ResultBuilder
from logistics.tracking.versions import versioned_id

_INFO = Milestone.INFORMATIONAL
DCSA_TRANSPORT_CODES: dict[str, Milestone] = {
    "ARRI": Milestone.ARRIVED,
    "DEPA": Milestone.DEPARTED,
    "ARRIVED": Milestone.ARRIVED,
    "DEPARTED": Milestone.DEPARTED,
    "APPROACHING": _INFO,
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
    "DROP": _INFO,  # dropped off (depot or customer: no cargo milestone by itself)
    "RSEA": _INFO,  # resealed
    "RMVD": _INFO,  # removed
    "GATED_IN": Milestone.RECEIVED,
    "STUFFED": Milestone.RECEIVED,
    "LOADED": Milestone.LOADED,
    "DISCHARGED": Milestone.UNLOADED,
    "STRIPPED": Milestone.UNLOADED,
    "GATED_OUT": Milestone.TRANSFERRED,
    "PICKED_UP": Milestone.PICKED_UP,
    "INSPECTED": Milestone.CUSTOMS_HOLD,
    "CUSTOMS_SELECTED_FOR_INSPECTION": Milestone.CUSTOMS_HOLD,
    "CUSTOMS_SELECTED_FOR_SCAN": Milestone.CUSTOMS_HOLD,
    "CUSTOMS_RELEASED": Milestone.CUSTOMS_CLEARED,
    "CROSSED": Milestone.BORDER_CROSSED,
    "AVAILABLE_FOR_PICKUP": Milestone.AVAILABLE_FOR_PICKUP,
    "AVAILABLE_FOR_DROP_OFF": _INFO,
    "DROPPED_OFF": _INFO,
    "RESEALED": _INFO,
    "REMOVED": _INFO,
}
DCSA_SHIPMENT_CODES: dict[str, Milestone] = {
    "CONF": Milestone.BOOKED,  # booking confirmed
    "HOLD": Milestone.CUSTOMS_HOLD,
    "RELS": Milestone.CUSTOMS_CLEARED,
    "CONFIRMED": Milestone.BOOKED,
    "ON_HOLD": Milestone.CUSTOMS_HOLD,
    "RELEASED": Milestone.CUSTOMS_CLEARED,
    "CANCELLED": Milestone.CANCELLED,
    "CANCELLATION_CONFIRMED": Milestone.CANCELLED,
}
"""Document codes (RECE, DRFT, ISSU, SURR, APPROVED, ISSUED, ...) are informational."""

DCSA_CLASSIFIERS: dict[str, TimeType] = {
    "ACT": TimeType.ACTUAL,
    "EST": TimeType.ESTIMATED,
    "PLN": TimeType.PLANNED,
    "ACTUAL": TimeType.ACTUAL,
    "ESTIMATED": TimeType.ESTIMATED,
    "PLANNED": TimeType.PLANNED,
    "REQ": TimeType.PLANNED,
    "REQUESTED": TimeType.PLANNED,
}
"""REQ (requested, a JIT classifier some publishers also send in T&T) is a time asked for, never a
report or a forecast: stored as PLANNED, with a warning, as ONE Record's REQUESTED."""
DCSA_MODES: dict[str, Mode] = {"RAIL": Mode.RAIL, "TRUCK": Mode.ROAD}
"""VESSEL / BARGE / MULTIMODAL calls have no platform mode: their events are about the shipment."""
_TABLES = {
    "TRANSPORT": DCSA_TRANSPORT_CODES,
    "EQUIPMENT": DCSA_EQUIPMENT_CODES,
    "SHIPMENT": DCSA_SHIPMENT_CODES,
    "IOT": {"DETC": _INFO, "DETECTED": _INFO},  # a device detected something (door opened, ...)
    "REEFER": {"MEAS": _INFO, "ADJU": _INFO, "MEASURED": _INFO, "ADJUSTED": _INFO},
}


def _milestone(flat: DcsaEvent, ref: str, builder: ResultBuilder) -> tuple[str, Milestone]:
    if flat.retracts:
        return (flat.code or "RETRACT").upper(), Milestone.CANCELLED
    if flat.event_type not in _TABLES:
        raise RecordError(f"unknown {flat.type_field} {flat.event_type or None!r}")
    if not flat.code:
        raise RecordError(f"{flat.code_field} is missing")
    code = flat.code.upper()
    milestone = _TABLES[flat.event_type].get(code)
    if milestone is None or milestone is _INFO:
        known = "has no cargo milestone" if milestone else "is not a known code"
        warn(
            builder,
            ref,
            f"DCSA {flat.event_type} code {code!r} {known}: stored as informational",
            "informational_code" if milestone else "unknown_code",
        )
        return code, _INFO
    if flat.empty:
        warn(
            builder,
            ref,
            f"{code} of EMPTY equipment: stored as informational, not a cargo move",
            "empty_equipment",
        )
        return code, _INFO
    return code, milestone


def _classifier_from_times(
    flat: DcsaEvent, known_at: datetime | None, ref: str, builder: ResultBuilder
) -> str:
    """3.0 makes the classifier optional: a time not after the update is actual, else estimated."""
    try:
        when = parse_instant(flat.event_time, "eventDateTime")
    except RecordError:
        return ""  # the missing time is reported below
    if known_at is None:
        return ""
    classifier = "ACT" if when <= known_at else "EST"
    warn(
        builder,
        ref,
        f"no event classifier: taken as {classifier} (the event time is "
        f"{'not after' if classifier == 'ACT' else 'after'} the event's update or receipt)",
        "no_classifier",
    )
    return classifier


def _document_status_only(flat: DcsaEvent) -> bool:
    """A shipment event about a document the platform does not track (SI, VGM, ...) only."""
    if flat.event_type != "SHIPMENT" or flat.retracts:
        return False
    if flat.documents or flat.container or flat.movement:
        return False
    milestone = DCSA_SHIPMENT_CODES.get((flat.code or "").upper(), _INFO)
    return milestone is _INFO and bool(flat.code)


Subject = tuple[str | None, bool, str | None, str | None]


def _subject(
    flat: DcsaEvent,
    subjects: Subjects,
    mode: Mode | None,
    seen: Mapping[str, Subject],
) -> Subject:
    if flat.retracts and not (flat.documents or flat.container or flat.movement):
        if flat.retracts in seen:  # retraction-only record: about what the retracted event was
            return seen[flat.retracts]
        candidate, ok = resolve_subject("event", bounded_id(flat.retracts) or "", subjects)
        return candidate, ok, None, None
    service_id = flat.movement if mode is Mode.RAIL else None
    vehicle_id = flat.movement if mode is Mode.ROAD else None
    for kind in ("booking", "transport_document"):
        if kind in flat.documents and subjects:
            candidate, ok = resolve_subject(kind, flat.documents[kind], subjects)
            if ok:
                return candidate, True, service_id, vehicle_id
    if flat.container:
        candidate, ok = resolve_subject("container", flat.container, subjects)
        if ok:
            return candidate, ok, service_id, vehicle_id
    if service_id or vehicle_id:
        return None, True, service_id, vehicle_id
    for kind in ("booking", "transport_document"):  # the placeholder the ingest answers with
        if kind in flat.documents:
            candidate, ok = resolve_subject(kind, flat.documents[kind], subjects)
            return candidate, ok, None, None
    if flat.container:
        return f"container:{flat.container}", False, None, None
    named = ", ".join(f"{k.split('_', 1)[1]} {v}" for k, v in flat.other_refs.items())
    voyage = (
        f"; the {flat.mode or 'unknown'}-mode voyage {flat.movement} is no platform service "
        "(only RAIL and TRUCK calls are)"
        if flat.movement
        else ""
    )
    raise RecordError(
        "no subject: no booking (BKG), transport document (TRD), equipment or voyage reference"
        + (f"; {named} link no shipment" if named else "")
        + voyage
    )


def _known(code: str | None, locations: Places, mode: Mode | None) -> str | None:
    if not code:
        return None
    if callable(locations):
        return locations(code, mode)
    return locations.get(code) if locations else None


def _place(flat: DcsaEvent, locations: Places, mode: Mode | None) -> str | None:
    """Our location named by the event's code, else the one at its position, else the code as
    written (else, with no code at all, the position as `geo:<lat>,<lon>`)."""
    found = _known(flat.location, locations, mode) or _known(flat.position, locations, mode)
    if found:
        return found[:64]
    return place_id(flat.location or flat.position, None, mode)


def _event(
    builder: ResultBuilder,
    ref: str,
    item: Mapping[str, Any],
    *,
    source: str,
    received_at: datetime | None,
    subjects: Subjects,
    locations: Places,
    seen: dict[str, Subject],
) -> None:
    flat = read_event(item)
    if _document_status_only(flat):
        named = ", ".join(f"{k.split('_', 1)[1]} {v}" for k, v in flat.other_refs.items())
        warn(
            builder,
            ref,
            f"SHIPMENT event {flat.code or '(no code)'} about {named or 'no document'}: a document "
            "status with no booking, transport document or equipment and no cargo milestone; "
            "ignored",
            "not_tracking",
        )
        return
    code, milestone = _milestone(flat, ref, builder)
    retraction_only = bool(flat.retracts) and flat.event_time is None
    classifier = (flat.classifier or ("ACT" if flat.retracts else "")).upper()
    created = optional_instant(flat.created, "eventCreatedDateTime")
    blank = flat.event_time is None or (isinstance(flat.event_time, str) and not flat.event_time)
    if flat.version == "3.0.0" and blank and created is not None and not retraction_only:
        warn(  # optional in 3.0: the time the event was known is the best there is
            builder,
            ref,
            "no eventDateTime: dated at its eventUpdatedDateTime",
            "no_event_time",
        )
        flat.event_time = flat.created
    if not classifier and flat.version == "3.0.0":  # optional in 3.0: judged by the times
        classifier = _classifier_from_times(flat, created or received_at, ref, builder)
    if classifier not in DCSA_CLASSIFIERS:
        name = "eventClassifierCode" if flat.version != "3.0.0" else "event classifier"
        said = f"unknown {name} {flat.classifier!r}" if flat.classifier else f"{name} is missing"
        raise RecordError(
            f"{said} (ACT/EST/PLN or ACTUAL/ESTIMATED/PLANNED; "
            "3.0: eventClassification.eventClassifierCode or eventDateTime.classifier)"
        )
    if classifier in ("REQ", "REQUESTED"):
        warn(
            builder,
            ref,
            f"classifier {classifier}: a requested time, stored as planned",
            "requested_time",
        )
    if retraction_only:
        event_time = created or received_at
        if event_time is None:
            raise RecordError("a retraction needs eventCreatedDateTime / eventUpdatedDateTime")
    else:
        event_time = parse_instant(flat.event_time, "eventDateTime")
    mode = DCSA_MODES.get((flat.mode or "").upper())
    references = dict(flat.documents)
    if flat.movement:
        references["voyage"] = flat.movement
    if flat.container:
        references["container"] = flat.container
    if flat.empty:
        references["empty"] = "true"
    if flat.delay_codes:
        references["delay_reason"] = ",".join(flat.delay_codes)
    references.update(flat.other_refs)
    references["dcsa_version"] = flat.version
    subject = _subject(flat, subjects, mode, seen)
    shipment_id, resolved, service_id, vehicle_id = subject
    if flat.event_id:
        seen[flat.event_id] = subject
    location = _place(flat, locations, mode)
    event_id = flat.event_id
    if flat.retracts and event_id == flat.retracts:
        event_id = f"{event_id}#retracted"
    if event_id and flat.versioned and created is not None:
        event_id = versioned_id(event_id, created)  # a later update supersedes this version
    else:
        event_id = bounded_id(event_id)
    reason = None
    if milestone is Milestone.EXCEPTION:
        reason = ExceptionReason.OTHER
    elif flat.delay_codes and not flat.retracts:
        reason = ExceptionReason.DELAY
    details = {"event_type": flat.event_type}
    if flat.mode:
        details["mode_of_transport"] = flat.mode.upper()
    add_event(
        builder,
        ref,
        event_id=event_id,
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
        recorded_at=created,
        received_at=received_at,
        location=location,
        mode=mode,
        reason=reason,
        retracts=bounded_id(flat.retracts),
        source_code=code[:32],
        raw_ref=ref,
    )


def parse_dcsa_tnt(
    payload: bytes | str,
    *,
    source: str = "dcsa",
    received_at: datetime | None = None,
    subjects: Subjects = None,
    locations: Places = None,
) -> AdapterResult:
    """Parse DCSA T&T 2.2 / 3.0 events; `locations` maps a UN/LOCODE to our location id."""
    builder = ResultBuilder()
    try:
        data = json.loads(decode(payload))
    except (RecordError, json.JSONDecodeError) as exc:
        refuse(builder, "payload", f"not valid JSON: {exc}", "invalid_payload")
        return builder.build()
    if isinstance(data, Mapping) and isinstance(data.get("events"), list):
        data = data["events"]
    if not isinstance(data, list):
        data = [data]
    seen: dict[str, Subject] = {}
    for index, item in enumerate(data):
        ref = f"index {index}"
        if not isinstance(item, Mapping):
            refuse(builder, ref, "record is not a JSON object")
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
                seen=seen,
            )
        except RecordError as exc:
            refuse(builder, ref, str(exc))
    return builder.build()
