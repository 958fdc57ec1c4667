"""The three published DCSA Track & Trace event shapes, read into one flat form.

- 2.2: flat events; `eventType`, `eventClassifierCode` (ACT/EST/PLN), the type code
  (`transportEventTypeCode` ARRI/DEPA, `equipmentEventTypeCode` LOAD/DISC/GTIN/..., `shipmentEventTypeCode`),
  `eventCreatedDateTime`, `transportCall` (`modeOfTransport`, `location.UNLocationCode`, voyage and
  service numbers), `documentReferences` (`documentReferenceType` BKG/TRD), `equipmentReference`,
  `emptyIndicatorCode`, `delayReasonCode`.
- 3.0.0-Beta-1: `{"metadata": {eventID, eventCreatedDateTime, eventType, retractedEventID},
  "payload": {...2.2-like codes..., documentTypeCode + documentReference,
  relatedDocumentReferences [{type, value}], references [{type: EQ, value}]}}`.
- 3.0.0: `eventClassification` (`eventType`, `eventClassifier` ACTUAL/ESTIMATED/PLANNED and
  `transportEventType` / `equipmentEventType` / `shipmentEventType` words), `isRetracted`,
  `eventUpdatedDateTime`, `eventLocation`, `shipmentDetails.documentReference` and
  `additionalDocumentReferences` (`type` BOOKING / TRANSPORT_DOCUMENT, `reference`),
  `transportDetails` (`delayReasonCodes`, `transportCall` with `serviceCodeOrReference`,
  `exportVoyageNumberOrReference`, `railTransport`), `equipmentDetails` (`equipmentReference`,
  `emptyIndicator`).
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
    mode: str | None = None
    movement: str | None = None
    documents: dict[str, str] = field(default_factory=dict)
    container: str | None = None
    empty: bool = False
    delay_codes: list[str] = field(default_factory=list)


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _unlocode(*holders: Any) -> str | None:
    """The UN/LOCODE of the first holder that has one, else a facility code or location name."""
    named = None
    for holder in holders:
        holder = _map(holder)
        places = (holder, _map(holder.get("location")))
        for place in places:
            code = _str(place.get("UNLocationCode"))
            if code:
                return code.upper()
        for place in places:
            facility = _map(place.get("facility"))
            named = (
                named
                or _str(place.get("facilityCode"))
                or _str(facility.get("facilityCode"))
                or _str(place.get("locationName"))
            )
    return named


def _first(*values: Any) -> str | None:
    for value in values:
        if _str(value):
            return _str(value)
    return None


def _add_doc(docs: dict[str, str], kind: Any, value: Any) -> None:
    mapped = _DOC_KINDS.get(str(kind or "").upper())
    if mapped and _str(value) and mapped not in docs:
        docs[mapped] = str(_str(value))


def _v22(item: Mapping[str, Any], version: str = "2.2") -> DcsaEvent:
    event_type = str(item.get("eventType") or "").upper()
    call = _map(item.get("transportCall"))
    docs: dict[str, str] = {}
    for doc in item.get("documentReferences") or []:
        if isinstance(doc, Mapping):
            _add_doc(docs, doc.get("documentReferenceType"), doc.get("documentReferenceValue"))
    _add_doc(docs, item.get("documentTypeCode"), item.get("documentID"))  # 2.2 shipment events
    for name, kind in (("carrierBookingReference", "BKG"), ("transportDocumentReference", "TRD")):
        _add_doc(docs, kind, item.get(name))
    delay = _str(item.get("delayReasonCode"))
    return DcsaEvent(
        version=version,
        type_field="metadata.eventType" if version != "2.2" else "eventType",
        code_field=("payload." if version != "2.2" else "")
        + _TYPE_FIELDS.get(event_type, "eventTypeCode"),
        event_id=_str(item.get("eventID")),
        event_type=event_type,
        code=_str(item.get(_TYPE_FIELDS.get(event_type, ""))),
        classifier=_str(item.get("eventClassifierCode")),
        event_time=item.get("eventDateTime"),
        created=item.get("eventCreatedDateTime"),
        retracts=_str(item.get("retractedEventID")),
        location=_unlocode(call, item.get("eventLocation")),
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
    )


def _beta(item: Mapping[str, Any]) -> DcsaEvent:
    meta, payload = _map(item.get("metadata")), _map(item.get("payload"))
    flat = {**payload, **{k: v for k, v in meta.items() if v is not None}}
    event = _v22(flat, "3.0.0-Beta-1")
    _add_doc(event.documents, payload.get("documentTypeCode"), payload.get("documentReference"))
    for doc in payload.get("relatedDocumentReferences") or []:
        if isinstance(doc, Mapping):
            _add_doc(event.documents, doc.get("type"), doc.get("value"))
    for ref in payload.get("references") or []:
        if (
            isinstance(ref, Mapping)
            and str(ref.get("type", "")).upper() == "EQ"
            and not event.container
        ):
            event.container = _str(ref.get("value"))
    return event


def _v3(item: Mapping[str, Any]) -> DcsaEvent:
    klass = _map(item.get("eventClassification"))
    event_type = str(klass.get("eventType") or "").upper()
    shipment = _map(item.get("shipmentDetails"))
    transport = _map(item.get("transportDetails"))
    call = _map(transport.get("transportCall"))
    equipment = _map(item.get("equipmentDetails"))
    docs: dict[str, str] = {}
    primary = _map(shipment.get("documentReference"))
    _add_doc(docs, primary.get("type"), primary.get("reference"))
    for doc in shipment.get("additionalDocumentReferences") or []:
        if isinstance(doc, Mapping):
            _add_doc(docs, doc.get("type"), doc.get("reference"))
    rail = _map(call.get("railTransport"))
    delays = transport.get("delayReasonCodes") or []
    return DcsaEvent(
        version="3.0.0",
        type_field="eventClassification.eventType",
        code_field="eventClassification." + _V3_TYPE_FIELDS.get(event_type, "eventType"),
        event_id=_str(item.get("eventID")),
        event_type=event_type,
        code=_str(klass.get(_V3_TYPE_FIELDS.get(event_type, ""))),
        classifier=_str(klass.get("eventClassifier")),
        event_time=item.get("eventDateTime"),
        created=item.get("eventUpdatedDateTime"),
        retracts=_str(item.get("eventID")) if item.get("isRetracted") is True else None,
        location=_unlocode(item.get("eventLocation")),
        mode=_str(call.get("modeOfTransport")),
        movement=_first(
            rail.get("departureID"),
            rail.get("railServiceReference"),
            _map(call.get("exportVoyageNumberOrReference")).get("carrierVoyageNumber"),
            _map(call.get("serviceCodeOrReference")).get("carrierServiceCode"),
        ),
        documents=docs,
        container=_str(equipment.get("equipmentReference")),
        empty=str(
            equipment.get("emptyIndicator") or equipment.get("emptyIndicatorCode") or ""
        ).upper()
        == "EMPTY",
        delay_codes=[str(c) for c in delays if _str(c)] if isinstance(delays, list) else [],
    )


def read_event(item: Mapping[str, Any]) -> DcsaEvent:
    """The flat form of one event in any of the three shapes."""
    if "eventClassification" in item or item.get("isRetracted") is True:
        return _v3(item)
    if "metadata" in item or "payload" in item:
        return _beta(item)
    if "eventType" in item:
        return _v22(item)
    raise RecordError(
        "not a DCSA event: no eventType (2.2), metadata/payload (3.0.0-Beta-1) "
        "or eventClassification (3.0.0)"
    )
