"""The EPCIS 2.0 XML binding read into the same shape as the JSON-LD events.

Events are the `ObjectEvent`, `AggregationEvent`, `TransactionEvent`, `AssociationEvent` and
`TransformationEvent` elements under an `EventList` (an `EPCISDocument` or an
`EPCISQueryDocument`), also when EPCIS 1.2 wrapped them in `extension`. Child elements become
keys; `epcList` / `childEPCs` / `inputEPCList` / `outputEPCList` their `epc` texts; `readPoint` and
`bizLocation` their `id`; `eventID` and `errorDeclaration` are read directly or from
`baseExtension` (1.2); quantity lists and `sensorElementList` only as present. A bare
`<!DOCTYPE name>` (as in GS1's own examples) is accepted; an internal DTD subset or an ENTITY
declaration is refused, so no entity is ever expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from logistics.tracking.adapters._common import RecordError

_EVENTS = {
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "AssociationEvent",
    "TransformationEvent",
}
_LISTS = {"epcList", "childEPCs", "inputEPCList", "outputEPCList"}
_PRESENT = {
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "sensorElementList",
}
"""Read only as present or not (the messages name them); their contents are not used."""
_DTD_DECLARATION = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.IGNORECASE)
_PLACES = {"readPoint", "bizLocation"}
_TEXTS = {
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "parentID",
    "action",
    "bizStep",
    "disposition",
}


def looks_like_xml(text: str) -> bool:
    """Whether a payload is XML rather than JSON."""
    return text.lstrip().startswith("<")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _event(element: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {"type": _local(element.tag)}
    for child in element:
        name = _local(child.tag)
        if name in _TEXTS:
            out[name] = _text(child)
        elif name in _LISTS:
            out[name] = [_text(e) for e in child if _local(e.tag) == "epc"]
        elif name == "bizTransactionList":
            out[name] = [
                {"type": e.get("type") or "", "bizTransaction": _text(e)}
                for e in child
                if _local(e.tag) == "bizTransaction"
            ]
        elif name in _PRESENT:
            out[name] = [_local(e.tag) for e in child]
        elif name in _PLACES:
            ids = [_text(e) for e in child if _local(e.tag) == "id"]
            out[name] = {"id": ids[0]} if ids else None
        elif name == "errorDeclaration":
            out[name] = {_local(e.tag): _text(e) for e in child}
        elif name in ("baseExtension", "extension"):
            nested = _event(child)
            nested.pop("type")
            for key, value in nested.items():
                out.setdefault(key, value)
    return out


def xml_events(text: str) -> list[dict[str, Any]]:
    """Every EPCIS event of an XML document, in document order, as JSON-like dicts."""
    if _DTD_DECLARATION.search(text):
        raise RecordError(
            "XML with an internal DTD subset or ENTITY declaration is refused (no entity "
            "expansion); a bare <!DOCTYPE name> is accepted"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise RecordError(f"XML is not well formed: {exc}") from exc
    lists = [e for e in root.iter() if _local(e.tag) == "EventList"]
    if not lists:
        raise RecordError("no EventList element (EPCISDocument/EPCISBody/EventList)")
    events: list[dict[str, Any]] = []
    for event_list in lists:
        for element in event_list.iter():
            if _local(element.tag) in _EVENTS:
                events.append(_event(element))
    return events
