"""Adapter: GS1 EPCIS 2.0 events (JSON / JSON-LD, and the XML binding) through CBV 2.0.

Read per event: `type` (or `isA`, as GS1's published examples write it; ObjectEvent, AggregationEvent, TransactionEvent, AssociationEvent,
TransformationEvent), `eventID`, `eventTime` with `eventTimeZoneOffset` (the time is kept in that
offset), `recordTime` (recorded_at), `bizStep` and `disposition` (bare CBV words, `urn:epcglobal:cbv:`
URNs or `https://ref.gs1.org/cbv/` URIs), `bizLocation` / `readPoint` (an SGLN URN or a GLN
Digital Link is placed on the location known by that id or by its GLN, else kept as
`gln:<13 digits>[.<extension>]`; a UN/LOCODE or any other id as written),
the identifiers `epcList`, `parentID`, `childEPCs`, `inputEPCList`, `outputEPCList` (SSCC, GRAI,
GIAI, SGTIN as EPC URNs or GS1 Digital Link URIs), and `errorDeclaration`, and bills of lading in `bizTransactionList` (type `bol`: an air waybill or a
transport document, linked like the identifiers, so a class-level event naming its B/L still
reaches the shipment). Not read: quantity lists (product classes, no instance to link), other
business transactions (po, desadv, inv, ...), `sourceList` / `destinationList`, `sensorElementList` values (an event with
only sensor readings is informational, saying so), `persistentDisposition`, `ilmd`, extensions.

Payload: an `EPCISDocument` (`epcisBody.eventList`), an `EPCISQueryDocument`
(`epcisBody.queryResults.resultsBody.eventList`), a list of events or one event; XML documents of
either kind are read through `epcis_xml`. Records are `event N` in document order.

Milestones come from the business step (`EPCIS_BIZ_STEPS`); the disposition overrides it where it
says more (`damaged`, `stolen`, ...). A step with no cargo milestone (packing, inspecting, ...) or an
unknown one is an INFORMATIONAL event with its raw code. An event carrying `errorDeclaration`
declares the event with the same `eventID` wrong: it becomes a retraction of that event (the
corrective events, if any, arrive as events of their own). Subjects: every identifier is looked up
as `sscc:` / `grai:` / `giai:` / `sgtin:` in `subjects`; one event per distinct shipment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.adapters._common import (
    RecordError,
    Subjects,
    add_event,
    decode,
    optional_instant,
    resolve_subject,
)
from logistics.tracking.adapters._places import Places, place_id
from logistics.tracking.adapters._records import bounded_id, refuse, warn
from logistics.tracking.adapters._subjects import event_id_for, subjects_of
from logistics.tracking.adapters.epcis_xml import looks_like_xml, xml_events
from logistics.tracking.adapters.gs1_locations import parse_gln
from logistics.tracking.identifiers import parse_identifier
from logistics.tracking.limits import bad_time
from logistics.tracking.results import AdapterResult, ResultBuilder

EPCIS_BIZ_STEPS: dict[str, Milestone] = {
    "shipping": Milestone.DEPARTED,  # overall outbound process, ends with the goods leaving
    "departing": Milestone.DEPARTED,
    "arriving": Milestone.ARRIVED,
    "accepting": Milestone.RECEIVED,  # custody taken over by the carrier / forwarder
    "receiving": Milestone.DELIVERED,  # added to the receiver's inventory: the consignee has it
    "loading": Milestone.LOADED,
    "unloading": Milestone.UNLOADED,
    "void_shipping": Milestone.EXCEPTION,  # a declared shipping did not happen
}
"""CBV 2.0 business step -> milestone; every other step is informational (stored and shown).

CBV pairs `shipping` (the sender) with `receiving` (the receiver adds the goods to its inventory,
"mutually exclusive" with arriving / accepting), while a carrier taking custody records
`accepting`: so receiving is the consignee's receipt (DELIVERED) and accepting is RECEIVED."""

EPCIS_DISPOSITIONS: dict[str, tuple[Milestone, ExceptionReason]] = {
    "damaged": (Milestone.EXCEPTION, ExceptionReason.DAMAGED),
    "destroyed": (Milestone.EXCEPTION, ExceptionReason.DAMAGED),
    "stolen": (Milestone.EXCEPTION, ExceptionReason.LOST),
    "mismatch_instance": (Milestone.EXCEPTION, ExceptionReason.DISCREPANCY),
    "mismatch_class": (Milestone.EXCEPTION, ExceptionReason.DISCREPANCY),
    "mismatch_quantity": (Milestone.EXCEPTION, ExceptionReason.DISCREPANCY),
}
"""CBV 2.0 dispositions that override the business step (the goods are not moving on as planned)."""

_EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "AssociationEvent",
    "TransformationEvent",
)
_CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ref.gs1.org/cbv/Disp-",
    "http://ref.gs1.org/cbv/BizStep-",
    "http://ref.gs1.org/cbv/Disp-",
    "cbv:BizStep-",
    "cbv:Disp-",
    "gs1:BizStep-",
    "gs1:Disp-",
    "urn:epcglobal:cbv:er:",
    "https://ref.gs1.org/cbv/ER-",
)
HandlingUnits = Callable[[str], Collection[str]]
"""A shipment id -> the canonical SSCCs linked to it."""

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_LOCODE = re.compile(r"(?:^|[:/])([A-Z]{2}[A-Z2-9]{3})$")
_IDENTIFIER_FIELDS = ("parentID", "epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def _key(name: str) -> str:
    for prefix in ("epcis:", "https://ref.gs1.org/epcis/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _clean(node: Any) -> Any:
    if isinstance(node, Mapping):
        if "@value" in node:
            return node["@value"]
        return {_key(str(k)): _clean(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def cbv_word(value: Any, name: str) -> str | None:
    """The bare CBV word of a bizStep / disposition in any of its spellings; None if absent."""
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("@id")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, got {type(value).__name__}")
    text = value.strip()
    for prefix in _CBV_PREFIXES:
        if text.lower().startswith(prefix.lower()):
            return text[len(prefix) :].lower()
    return text if ":" in text or "/" in text else text.lower()


def _events(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        raise RecordError("payload is neither an EPCIS document, a list of events nor an event")
    body = data.get("epcisBody")
    if isinstance(body, Mapping):
        if "queryResults" in body:
            results = body["queryResults"]
            body = results.get("resultsBody") if isinstance(results, Mapping) else None
            if not isinstance(body, Mapping):
                raise RecordError("epcisBody.queryResults.resultsBody is missing")
        events = body.get("eventList")
        if events is None and isinstance(body.get("event"), Mapping):
            return [body["event"]]  # a document carrying a single event
        if events is None:
            return []
        if not isinstance(events, list):
            raise RecordError("epcisBody.eventList must be a list")
        return events
    if _event_type(data) in _EVENT_TYPES:
        return [data]
    raise RecordError("no epcisBody.eventList and not an EPCIS event (type ObjectEvent, ...)")


def _event_type(item: Mapping[str, Any]) -> Any:
    """The event's type: `type` (EPCIS 2.0 context), `isA` (the published examples) or `@type`,
    also written with its `epcis:` prefix or as the full vocabulary IRI."""
    value = item.get("type") or item.get("isA") or item.get("@type")
    return _key(value) if isinstance(value, str) else value


def _offset(value: Any) -> timezone | None:
    if value is None or value == "":
        return None
    match = _OFFSET.match(str(value).strip())
    if not match or int(match.group(2)) > 14 or int(match.group(3)) > 59:
        raise RecordError(f"eventTimeZoneOffset {value!r} is not ±hh:mm")
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return timezone(timedelta(minutes=-minutes if match.group(1) == "-" else minutes))


def _event_time(item: Mapping[str, Any]) -> datetime:
    offset = _offset(item.get("eventTimeZoneOffset"))
    raw = item.get("eventTime")
    if not isinstance(raw, str) or not raw.strip():
        raise RecordError("eventTime is missing")
    text = raw.strip()
    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"eventTime {raw!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        if offset is None:
            raise RecordError(f"eventTime {raw!r} has no UTC offset and no eventTimeZoneOffset")
        parsed = parsed.replace(tzinfo=offset)
    refused = bad_time("eventTime", parsed)  # before moving it to another offset
    if refused:
        raise RecordError(refused)
    return parsed.astimezone(offset) if offset else parsed


def _known(code: str, locations: Places) -> str | None:
    if callable(locations):
        return locations(code, None)
    return locations.get(code) if locations else None


def _place(value: Any, locations: Places) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("@id")
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    mapped = place_id(text, locations)
    if mapped != text[:64]:
        return mapped
    try:
        gln = parse_gln(text)
    except ValueError:
        gln = None  # a malformed SGLN is kept as written
    if gln is not None:
        found = next(filter(None, (_known(c, locations) for c in gln.candidates())), None)
        return (found or gln.code)[:64]
    locode = _LOCODE.search(text) if "locode" in text.lower() or len(text) == 5 else None
    return place_id(locode.group(1), locations) if locode else mapped


def _identifiers(
    item: Mapping[str, Any], ref: str, builder: ResultBuilder
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for field in _IDENTIFIER_FIELDS:
        raw = item.get(field)
        values = raw if isinstance(raw, list) else [raw] if raw else []
        for value in values:
            text = value.get("epc") if isinstance(value, Mapping) else value
            if not isinstance(text, str):
                continue
            try:
                parsed = parse_identifier(text)
            except ValueError as exc:
                raise RecordError(f"{field}: {exc}") from exc
            if parsed is None:
                warn(
                    builder,
                    ref,
                    f"{field}: {text!r} is not an SSCC, GRAI, GIAI or SGTIN",
                    "not_an_instance_identifier",
                )
            elif parsed not in found:
                found.append(parsed)
    return found


_AWB = re.compile(r"^(\d{3})-?(\d{8})$")
_BT_PREFIXES = (
    "urn:epcglobal:cbv:btt:",
    "https://ref.gs1.org/cbv/BTT-",
    "http://ref.gs1.org/cbv/BTT-",
)


def _transport_documents(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Bills of lading in `bizTransactionList` (CBV type `bol`): an air waybill when it reads as
    one (3 + 8 digits), else a transport document; the id is the part after the GLN of a
    `urn:epcglobal:cbv:bt:<GLN>:<id>` URN."""
    found: list[tuple[str, str]] = []
    listed = item.get("bizTransactionList")
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, Mapping):
            continue
        kind = str(entry.get("type") or "").strip()
        for prefix in _BT_PREFIXES:
            if kind.lower().startswith(prefix.lower()):
                kind = kind[len(prefix) :]
        value = entry.get("bizTransaction")
        if kind.lower() != "bol" or not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        if text.lower().startswith("urn:epcglobal:cbv:bt:"):
            text = text.split(":", 5)[-1] if text.count(":") >= 5 else text
        awb = _AWB.match(text.replace(" ", ""))
        pair = ("awb", f"{awb.group(1)}-{awb.group(2)}") if awb else ("transport_document", text)
        if pair not in found:
            found.append(pair)
    return found


def _milestone(
    biz_step: str | None, disposition: str | None
) -> tuple[Milestone, ExceptionReason | None]:
    if disposition in EPCIS_DISPOSITIONS:
        return EPCIS_DISPOSITIONS[disposition]
    if biz_step in EPCIS_BIZ_STEPS:
        milestone = EPCIS_BIZ_STEPS[biz_step]
        return milestone, ExceptionReason.OTHER if milestone is Milestone.EXCEPTION else None
    return Milestone.INFORMATIONAL, None


def _missing_units(
    shipment_id: str,
    identifiers: list[tuple[str, str]],
    subjects: Subjects,
    handling_units: HandlingUnits | None,
) -> int:
    """How many of the shipment's linked SSCCs an event naming some of them leaves out."""
    if handling_units is None:
        return 0
    named = {
        value
        for kind, value in identifiers
        if kind == "sscc" and resolve_subject(kind, value, subjects) == (shipment_id, True)
    }
    return len(set(handling_units(shipment_id)) - named) if named else 0


def _event(
    builder: ResultBuilder,
    ref: str,
    item: Mapping[str, Any],
    *,
    source: str,
    received_at: datetime | None,
    subjects: Subjects,
    locations: Places,
    handling_units: HandlingUnits | None,
) -> None:
    event_type = _event_type(item)
    if event_type not in _EVENT_TYPES:
        raise RecordError(
            f"type {event_type!r} is not an EPCIS event type ({', '.join(_EVENT_TYPES)})"
        )
    event_time = _event_time(item)
    recorded_at = optional_instant(item.get("recordTime"), "recordTime")
    biz_step = cbv_word(item.get("bizStep"), "bizStep")
    disposition = cbv_word(item.get("disposition"), "disposition")
    identifiers = _identifiers(item, ref, builder)
    documents = _transport_documents(item)
    if not identifiers and not documents:
        classes = [name for name in _QUANTITY_FIELDS if item.get(name)]
        raise RecordError(
            "no SSCC, GRAI, GIAI or SGTIN in epcList / parentID / childEPCs / inputEPCList / "
            "outputEPCList: nothing to link to a shipment"
            + (
                f" ({', '.join(classes)} name product classes and quantities, not handling "
                "units: send the event with the SSCCs or GRAIs linked to the shipment)"
                if classes
                else ""
            )
        )
    milestone, reason = _milestone(biz_step, disposition)
    code = (
        disposition if disposition in EPCIS_DISPOSITIONS else biz_step or f"{event_type}:no-bizStep"
    )
    sensor_only = bool(item.get("sensorElementList")) and biz_step in (None, "sensor_reporting")
    if sensor_only:
        warn(
            builder,
            ref,
            "sensor readings only (sensorElementList, no business step): stored as informational;"
            " sensor values are not read",
            "sensor_only",
        )
    elif milestone is Milestone.INFORMATIONAL:
        warn(
            builder,
            ref,
            f"bizStep {biz_step!r} is not a cargo milestone: stored as informational"
            if biz_step
            else "no bizStep: stored as informational",
            "informational_code" if biz_step else "no_biz_step",
        )
    base_id = item.get("eventID")
    base_id = base_id.strip() if isinstance(base_id, str) and base_id.strip() else None
    declaration = item.get("errorDeclaration")
    if declaration is not None and base_id is None:
        raise RecordError("errorDeclaration without the eventID of the event it declares wrong")
    references: dict[str, str] = {"epcis_type": str(event_type)}
    if disposition:
        references["disposition"] = disposition
    if biz_step and len(biz_step) > 32:  # a non-CBV step: kept whole, source_code is cut
        references["biz_step"] = biz_step
    location = _place(item.get("bizLocation"), locations) or _place(
        item.get("readPoint"), locations
    )
    found = subjects_of([*identifiers, *documents], subjects)
    for subject in found:
        refs = {**references, subject.reference[0]: subject.reference[1]}
        full_id = event_id_for(base_id, subject, len(found))
        event_id = bounded_id(full_id)
        missing = _missing_units(subject.shipment_id, identifiers, subjects, handling_units)
        own_milestone = milestone
        if subject.resolved and missing and milestone is not Milestone.INFORMATIONAL:
            warn(
                builder,
                ref,
                f"{subject.shipment_id}: {missing} of its handling units are not in this "
                f"{code} event: stored as informational until they all are",
                "partial_event",
            )
            own_milestone, refs["partial"] = Milestone.INFORMATIONAL, "true"
        fields: dict[str, Any] = {
            "source": source,
            "milestone": own_milestone,
            "time_type": TimeType.ACTUAL,
            "event_time": event_time,
            "shipment_id": subject.shipment_id,
            "recorded_at": recorded_at,
            "received_at": received_at,
            "location": location,
            "reason": reason if own_milestone is milestone else None,
            "source_code": code[:32],
            "raw_ref": ref,
        }
        if declaration is not None:
            reason_code = declaration.get("reason") if isinstance(declaration, Mapping) else None
            if reason_code:
                refs["error_reason"] = str(cbv_word(reason_code, "errorDeclaration.reason"))[:64]
            fields.update(milestone=Milestone.CANCELLED, reason=None, retracts=event_id)
            event_id = bounded_id(f"{full_id}#error-declaration")
        add_event(
            builder,
            ref,
            event_id=event_id,
            references=refs,
            subject_resolved=subject.resolved,
            **fields,
        )


def parse_epcis(
    payload: bytes | str,
    *,
    source: str = "epcis",
    received_at: datetime | None = None,
    subjects: Subjects = None,
    locations: Places = None,
    handling_units: HandlingUnits | None = None,
) -> AdapterResult:
    """Parse an EPCIS 2.0 document (JSON-LD or XML) into unified events about linked shipments.

    `handling_units` gives the SSCCs linked to a shipment: an event naming only some of them is
    partial for that shipment and stored as informational.
    """
    builder = ResultBuilder()
    try:
        text = decode(payload)
        records = xml_events(text) if looks_like_xml(text) else _events(_clean(json.loads(text)))
    except (RecordError, json.JSONDecodeError) as exc:
        refuse(builder, "payload", f"not an EPCIS 2.0 document: {exc}", "invalid_payload")
        return builder.build()
    for index, raw in enumerate(records):
        ref = f"event {index}"
        if not isinstance(raw, Mapping):
            refuse(builder, ref, "event is not a JSON object")
            continue
        try:
            _event(
                builder,
                ref,
                raw,
                source=source,
                received_at=received_at,
                subjects=subjects,
                locations=locations,
                handling_units=handling_units,
            )
        except RecordError as exc:
            refuse(builder, ref, str(exc))
    return builder.build()
