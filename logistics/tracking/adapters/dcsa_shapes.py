"""The three published DCSA Track & Trace event shapes, read into one flat form.

- 2.2: flat events; `eventType`, `eventClassifierCode` (ACT/EST/PLN), the type code
  (`transportEventTypeCode` ARRI/DEPA, `equipmentEventTypeCode` LOAD/DISC/GTIN/..., `shipmentEventTypeCode`),
  `eventCreatedDateTime`, `transportCall` (`modeOfTransport`, `location.UNLocationCode`, voyage and
  service numbers), `documentReferences` (`documentReferenceType` BKG/TRD), `equipmentReference`,
  `emptyIndicatorCode`, `delayReasonCode`.
- 3.0.0-Beta-1: `{"metadata": {eventID, eventCreatedDateTime, eventType, retractedEventID},
  "payload": {...2.2-like codes..., documentTypeCode + documentReference,
  relatedDocumentReferences [{type, value}], references [{type: EQ, value}]}}`.
- 3.0.0, in the spellings its published drafts use: `eventClassification` with either the code
  names (`eventTypeCode`, `eventClassifierCode` PLN/EST/ACT, `transportEventTypeCode` /
  `equipmentEventTypeCode` / `shipmentEventTypeCode` four-letter codes) or the word names
  (`eventType`, `eventClassifier` ACTUAL/ESTIMATED/PLANNED, `transportEventType` DEPARTED, ...);
  the flat draft (`eventTypeCode` and the type codes at the top, `*EventInfo` / `*EventDetails`
  objects merged in); `eventDateTime` as a time or as `{value, classifier}`; `isRetracted`,
  `eventUpdatedDateTime`, `eventLocation`; `shipmentDetails.documentReference`,
  `relatedDocumentReferences` / `additionalDocumentReferences` (`typeCode` or `type`: BKG / TRD /
  BOOKING / TRANSPORT_DOCUMENT; `reference`), `shipmentReferences` (type EQ: the container);
  `transportDetails` (`delayReasonCode` or `delayReasonCodes`, `transportCall` with
  `serviceCodeOrReference`, `exportVoyageNumberOrReference`, `railTransport` `departureID` /
  `railService`); `equipmentDetails` (`equipmentReference`, `emptyIndicatorCode` /
  `emptyIndicator`).

Everywhere: the place is the UN/LOCODE of the event's own `eventLocation`, else of its transport
call (2.2), else a facility code or location name in that order; its position (2.2 `latitude` /
`longitude`, 3.0 `geoCoordinate`) is kept beside it, for places no code of ours names. Other document types (SHI, CBR, VGM, ...) and shipper's
references (FF, SI, PO, ...) are kept in the references under `document_<TYPE>` / `reference_<TYPE>`
but link no shipment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from logistics.tracking.adapters._common import RecordError

_DOC_KINDS = {
    "BKG": "booking",
    "BOOKING": "booking",
    "TRD": "transport_document",
    "TRANSPORT_DOCUMENT": "transport_document",
}
_TYPE_FIELDS = {
    "TRANSPORT": "transportEventTypeCode",
    "EQUIPMENT": "equipmentEventTypeCode",
    "SHIPMENT": "shipmentEventTypeCode",
}
_V3_CODE_FIELDS = {
    "TRANSPORT": "transportEventTypeCode",
    "EQUIPMENT": "equipmentEventTypeCode",
    "SHIPMENT": "shipmentEventTypeCode",
    "IOT": "iotEventTypeCode",
    "REEFER": "reeferEventTypeCode",
}
_V3_TYPE_FIELDS = {
    "TRANSPORT": "transportEventType",
    "EQUIPMENT": "equipmentEventType",
    "SHIPMENT": "shipmentEventType",
    "IOT": "iotEventType",
    "REEFER": "reeferEventType",
}


@dataclass(slots=True)
class DcsaEvent:
    """One DCSA event in the adapter's flat form, whatever version it came in."""

    version: str
    type_field: str
    code_field: str
    event_id: str | None
    event_type: str
    code: str | None
    classifier: str | None
    event_time: Any
    created: Any
    retracts: str | None = None
    location: str | None = None
    position: str | None = None  # `geo:<lat>,<lon>` of the event's place, when given
    mode: str | None = None
    movement: str | None = None
    documents: dict[str, str] = field(default_factory=dict)
    container: str | None = None
    empty: bool = False
    delay_codes: list[str] = field(default_factory=list)
    other_refs: dict[str, str] = field(default_factory=dict)
    versioned: bool = False


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _unlocode(*holders: Any) -> str | None:
    """The first holder's UN/LOCODE, else the next one's (a place our locations can match), else
    the first facility code or location name."""
    places = [p for h in holders for p in (_map(h), _map(_map(h).get("location")))]
    for place in places:
        code = _str(place.get("UNLocationCode"))
        if code:
            return code.upper()
    for place in places:
        named = (
            _str(place.get("facilityCode"))
            or _str(_map(place.get("facility")).get("facilityCode"))
            or _str(place.get("locationName"))
        )
        if named:
            return named
    return None


def _degrees(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):  # an integer of 400 digits is no float
        return None
    return number if -limit <= number <= limit else None  # NaN fails the comparison


def _position(*holders: Any) -> str | None:
    """`geo:<lat>,<lon>` of the first place with a position: 2.2 `latitude` / `longitude`
    (strings), 3.0 `geoCoordinate` {latitude, longitude}; None when none has a valid one."""
    places = [p for h in holders for p in (_map(h), _map(_map(h).get("location")))]
    for place in places:
        for where in (place, _map(place.get("geoCoordinate"))):
            lat = _degrees(where.get("latitude"), 90.0)
            lon = _degrees(where.get("longitude"), 180.0)
            if lat is not None and lon is not None:
                return f"geo:{lat:.5f},{lon:.5f}"
    return None


def _first(*values: Any) -> str | None:
    for value in values:
        if _str(value):
            return _str(value)
    return None


def _add_doc(
    docs: dict[str, str], kind: Any, value: Any, others: dict[str, str] | None = None
) -> None:
    code = str(kind or "").strip().upper()
    mapped = _DOC_KINDS.get(code)
    if mapped and _str(value) and mapped not in docs:
        docs[mapped] = str(_str(value))
    elif not mapped and code and _str(value) and others is not None:
        others.setdefault(f"document_{code}"[:32], str(_str(value))[:100])


def _add_refs(event: DcsaEvent, refs: Any) -> None:
    """Shipment references (2.2 `references`, Beta and 3.0 lists): EQ is the container."""
    for ref in refs if isinstance(refs, list) else []:
        if not isinstance(ref, Mapping):
            continue
        kind = str(ref.get("typeCode") or ref.get("type") or ref.get("referenceType") or "")
        value = _str(ref.get("reference") or ref.get("value") or ref.get("referenceValue"))
        if not value or not kind.strip():
            continue
        if kind.strip().upper() == "EQ":
            event.container = event.container or value
        else:
            event.other_refs.setdefault(f"reference_{kind.strip().upper()}"[:32], value[:100])


def _when(value: Any) -> tuple[Any, str | None]:
    """A 3.0 draft writes eventDateTime as `{value, classifier}`: the time and its classifier."""
    if isinstance(value, Mapping):
        return value.get("value"), _str(value.get("classifier"))
    return value, None


def _v22(item: Mapping[str, Any], version: str = "2.2") -> DcsaEvent:
    event_type = str(item.get("eventType") or "").upper()
    call = _map(item.get("transportCall"))
    docs: dict[str, str] = {}
    others: dict[str, str] = {}
    for doc in item.get("documentReferences") or []:
        if isinstance(doc, Mapping):
            _add_doc(
                docs, doc.get("documentReferenceType"), doc.get("documentReferenceValue"), others
            )
    # 2.2 shipment events: the document the event is about
    _add_doc(docs, item.get("documentTypeCode"), item.get("documentID"), others)
    for name, kind in (("carrierBookingReference", "BKG"), ("transportDocumentReference", "TRD")):
        _add_doc(docs, kind, item.get(name))
    delay = _str(item.get("delayReasonCode"))
    when, classifier = _when(item.get("eventDateTime"))
    event = DcsaEvent(
        version=version,
        type_field="metadata.eventType" if version != "2.2" else "eventType",
        code_field=("payload." if version != "2.2" else "")
        + _TYPE_FIELDS.get(event_type, "eventTypeCode"),
        event_id=_str(item.get("eventID")),
        event_type=event_type,
        code=_str(item.get(_TYPE_FIELDS.get(event_type, ""))),
        classifier=_str(item.get("eventClassifierCode")) or classifier,
        event_time=when,
        created=item.get("eventCreatedDateTime"),
        retracts=_str(item.get("retractedEventID")),
        location=_unlocode(item.get("eventLocation"), call),
        position=_position(item.get("eventLocation"), call),
        mode=_str(call.get("modeOfTransport")),
        movement=_first(
            call.get("exportVoyageNumber"),
            call.get("carrierExportVoyageNumber"),
            call.get("carrierVoyageNumber"),
            call.get("carrierServiceCode"),
        ),
        documents=docs,
        container=_str(item.get("equipmentReference")),
        empty=str(item.get("emptyIndicatorCode") or "").upper() == "EMPTY",
        delay_codes=[delay] if delay else [],
        other_refs=others,
    )
    _add_refs(event, item.get("references"))
    return event


def _beta(item: Mapping[str, Any]) -> DcsaEvent:
    meta, payload = _map(item.get("metadata")), _map(item.get("payload"))
    flat = {**payload, **{k: v for k, v in meta.items() if v is not None}}
    flat.pop("references", None)  # Beta references are {type, value}: read below
    event = _v22(flat, "3.0.0-Beta-1")
    _add_doc(
        event.documents,
        payload.get("documentTypeCode"),
        payload.get("documentReference"),
        event.other_refs,
    )
    for doc in payload.get("relatedDocumentReferences") or []:
        if isinstance(doc, Mapping):
            _add_doc(event.documents, doc.get("type"), doc.get("value"), event.other_refs)
    _add_refs(event, payload.get("references"))
    return event


def _flatten(item: Mapping[str, Any]) -> dict[str, Any]:
    """The flat 3.0 draft: `*EventInfo` / `*EventDetails` objects merged into the event."""
    flat = dict(item)
    for key, value in item.items():
        if isinstance(value, Mapping) and key.endswith(("EventInfo", "EventDetails")):
            for name, inner in value.items():
                flat.setdefault(name, inner)
    return flat


def _v3(item: Mapping[str, Any]) -> DcsaEvent:
    flat_draft = "eventClassification" not in item
    item = _flatten(item) if flat_draft else item
    klass = item if flat_draft else _map(item.get("eventClassification"))
    words = not flat_draft and "eventTypeCode" not in klass and "eventType" in klass
    event_type = str(klass.get("eventType" if words else "eventTypeCode") or "").upper()
    fields = _V3_TYPE_FIELDS if words else _V3_CODE_FIELDS
    shipment = _map(item.get("shipmentDetails")) or item
    transport = _map(item.get("transportDetails")) or item
    call = _map(transport.get("transportCall"))
    equipment = _map(item.get("equipmentDetails")) or item
    docs: dict[str, str] = {}
    others: dict[str, str] = {}
    primary = _map(shipment.get("documentReference"))
    _add_doc(docs, primary.get("typeCode") or primary.get("type"), primary.get("reference"), others)
    for name in ("relatedDocumentReferences", "additionalDocumentReferences"):
        for doc in item.get(name) or shipment.get(name) or []:
            if isinstance(doc, Mapping):
                kind = doc.get("typeCode") or doc.get("type")
                _add_doc(docs, kind, doc.get("reference"), others)
    rail = _map(call.get("railTransport"))
    delays = transport.get("delayReasonCodes")
    delays = delays if isinstance(delays, list) else [transport.get("delayReasonCode")]
    when, classifier = _when(item.get("eventDateTime"))
    prefix = "" if flat_draft else "eventClassification."
    empty = equipment.get("emptyIndicatorCode") or equipment.get("emptyIndicator") or ""
    event = DcsaEvent(
        version="3.0.0",
        type_field=prefix + ("eventType" if words else "eventTypeCode"),
        code_field=prefix + fields.get(event_type, "eventTypeCode"),
        event_id=_str(item.get("eventID")),
        event_type=event_type,
        code=_str(klass.get(fields.get(event_type, ""))),
        classifier=_str(klass.get("eventClassifier" if words else "eventClassifierCode"))
        or classifier,
        event_time=when,
        created=item.get("eventUpdatedDateTime"),
        retracts=_str(item.get("eventID")) if item.get("isRetracted") is True else None,
        location=_unlocode(item.get("eventLocation"), call),
        position=_position(item.get("eventLocation"), call),
        mode=_str(call.get("modeOfTransport")),
        movement=_first(
            rail.get("departureID"),
            rail.get("railService"),
            rail.get("railServiceReference"),
            _map(call.get("exportVoyageNumberOrReference")).get("carrierVoyageNumber"),
            _map(call.get("serviceCodeOrReference")).get("carrierServiceCode"),
        ),
        documents=docs,
        container=_str(equipment.get("equipmentReference")),
        empty=str(empty).upper() == "EMPTY",
        delay_codes=[str(c).strip() for c in delays if _str(c)],
        other_refs=others,
        versioned=True,
    )
    _add_refs(event, item.get("shipmentReferences"))
    return event


def read_event(item: Mapping[str, Any]) -> DcsaEvent:
    """The flat form of one event in any of the published shapes."""
    if "eventClassification" in item or item.get("isRetracted") is True:
        return _v3(item)
    if "metadata" in item or "payload" in item:
        return _beta(item)
    if "eventType" in item:
        return _v22(item)
    if "eventTypeCode" in item:
        return _v3(item)
    raise RecordError(
        "not a DCSA event: no eventType (2.2), metadata/payload (3.0.0-Beta-1) "
        "or eventClassification / eventTypeCode (3.0.0)"
    )
