"""Adapter: IATA Cargo-XML XFSU status messages (`StatusMessage`, XFSU version 3), the part we verified.

Element names follow the XFSU v3 schema (`iata:statusmessage:1` with `iata:datamodel:3`) as
published in schema-generated code: `MasterConsignment` carries `TransportContractDocument/ID`
(the AWB), `OriginLocation`, `FinalDestinationLocation` and one or more `ReportedStatus`, each with
its `ReasonCode` (the Cargo-IMP status code, mapped through the FSU code table) and
`AssociatedStatusConsignment` elements (`PieceQuantity`, `GrossWeightMeasure`,
`TransportSplitDescription`, `DiscrepancyDescriptionCode`, parties) whose
`SpecifiedLogisticsTransportMovement` gives the flight (`ID`), the place (`SpecifiedLocation/ID`),
the event time (`SpecifiedEvent/OccurrenceDateTime` with `DateTimeTypeCode` S / E / A) and the
flight's `DepartureEvent` / `ArrivalEvent` times. Kept as details of each event: the ULDs
(`UtilizedUnitLoadTransportEquipment`: type, serial, owner as `AKE12345LH`), OSI lines
(`HandlingOSIInstructions`), customs notes, the manifest (`AssociatedManifestDocument/ID`) and
house waybills (`IncludedHouseConsignment`). The waybill's own `PieceQuantity`,
`TransportSplitDescription` and `TotalPieceQuantity` are kept as `awb_pieces`, ...; a status about
part of the consignment (5 of 10 pieces) keeps its milestone and carries `pieces` = `5 of 10` in
its references (`_pieces`), as the FSU adapter does. Namespaces are matched by local name; the root may be
`StatusMessage` or the schema type name `statusMessageType` that generated senders write. A time
without a UTC offset is local to the place. The place (an IATA station) is put on our location
standing for it when the caller passes `locations`, as the FSU adapter does. Records are
`ReportedStatus N` (N from 1).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking import places
from logistics.tracking.adapters._common import (
    RecordError,
    Subjects,
    add_event,
    decode,
    resolve_subject,
)
from logistics.tracking.adapters._pieces import part_reference
from logistics.tracking.adapters._places import Places, place_id
from logistics.tracking.adapters.fsu_codes import FSU_DISCREPANCY_CODES, FSU_STATUS_CODES
from logistics.tracking.results import AdapterResult, ResultBuilder

_TIME_TYPES = {"S": TimeType.PLANNED, "E": TimeType.ESTIMATED, "A": TimeType.ACTUAL}
_ROOTS = {"statusmessage", "statusmessagetype"}
"""The schema's element name, and the type name JAXB-generated senders write as the root."""
_DTD_DECLARATION = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.IGNORECASE)
_LB_TO_KG = 0.45359237


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c) == name), None)
    return element


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [c for c in element if _local(c) == name]


def _text(element: ET.Element | None, *path: str) -> str | None:
    found = _child(element, *path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _awb(value: str | None) -> str:
    digits = (value or "").replace("-", "").replace(" ", "")
    if len(digits) != 11 or not digits.isdigit():
        raise RecordError(
            f"TransportContractDocument/ID {value!r} is not an air waybill (3 + 8 digits)"
        )
    return f"{digits[:3]}-{digits[3:]}"


def _when(value: str, place: str | None, element: str, zones: Mapping[str, str]) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise RecordError(f"{element} {value!r} is not an ISO date-time") from exc
    if parsed.tzinfo is not None:
        return parsed
    zone = zones.get(place or "") or places.timezone_of(place)
    if zone is None:
        raise RecordError(
            f"{element} {value!r} has no UTC offset and the time zone of {place!r} is not known"
        )
    return parsed.replace(tzinfo=ZoneInfo(zone))


@dataclass(frozen=True, slots=True)
class _Timed:
    time: datetime
    time_type: TimeType
    source: str


def _timed(
    parent: ET.Element | None,
    time_name: str,
    code_name: str,
    place: str | None,
    label: str,
    zones: Mapping[str, str],
) -> _Timed | None:
    value = _text(parent, time_name)
    if value is None:
        return None
    code = (_text(parent, code_name) or "A").upper()
    if code not in _TIME_TYPES:
        raise RecordError(f"{label}/{code_name} {code!r} is not S, E or A")
    return _Timed(_when(value, place, f"{label}/{time_name}", zones), _TIME_TYPES[code], label)


def _consignment_details(sc: ET.Element | None) -> dict[str, str]:
    details: dict[str, str] = {}
    if pieces := _text(sc, "PieceQuantity"):
        details["pieces"] = pieces
    weight = _child(sc, "GrossWeightMeasure")
    if weight is not None and weight.text and weight.text.strip():
        unit = (weight.get("unitCode") or "KGM").upper()
        amount = float(weight.text.strip())
        details["weight_kg"] = f"{amount if unit == 'KGM' else round(amount * _LB_TO_KG, 1):g}"
    if split := _text(sc, "TransportSplitDescription"):
        details["quantity_type"] = {"T": "total", "P": "part"}.get(split.upper(), split)
    for key, path in (
        ("volume", ("GrossVolumeMeasure",)),
        ("density_group", ("DensityGroupCode",)),
        ("name", ("DeliveryParty", "Name")),
        ("notified", ("NotifiedParty", "Name")),
        ("received_from", ("AssociatedReceivedFromParty", "Name")),
        ("transferred_from", ("AssociatedTransferredFromParty", "Name")),
    ):
        if value := _text(sc, *path):
            details[key] = value
    details.update(_listed_details(sc))
    return details


def _master_quantity(mc: ET.Element | None) -> dict[str, str]:
    """The waybill's pieces as the FSU consignment line gives them (`awb_pieces`, ...)."""
    found: dict[str, str] = {}
    if pieces := _text(mc, "PieceQuantity"):
        found["awb_pieces"] = pieces
    if split := _text(mc, "TransportSplitDescription"):
        found["awb_quantity_type"] = {"T": "total", "P": "part"}.get(split.upper(), split)
    if total := _text(mc, "TotalPieceQuantity"):
        found["awb_total_pieces"] = total
    return found


def _uld(equipment: ET.Element) -> str | None:
    """A ULD as Cargo-IMP writes it: type, serial and owner (`AKE12345LH`)."""
    parts = [
        _text(equipment, "CharacteristicCode"),
        _text(equipment, "ID"),
        _text(equipment, "OperatingParty", "PrimaryID"),
    ]
    return "".join(p for p in parts if p) or None


def _listed_details(sc: ET.Element | None) -> dict[str, str]:
    """ULDs, OSI lines, customs notes, manifest and house waybills of a status consignment."""
    listed: dict[str, list[str]] = {
        "uld": [u for e in _children(sc, "UtilizedUnitLoadTransportEquipment") if (u := _uld(e))],
        "osi": [
            d
            for e in _children(sc, "HandlingOSIInstructions")
            if (d := _text(e, "Description") or _text(e, "DescriptionCode"))
        ],
        "customs_note": [
            " ".join(p for p in (_text(e, "SubjectCode"), _text(e, "Content")) if p)
            for e in _children(sc, "IncludedCustomsNote")
            if _text(e, "Content")
        ],
        "manifest": [m for m in [_text(sc, "AssociatedManifestDocument", "ID")] if m],
        "house_waybills": [
            h
            for e in _children(sc, "IncludedHouseConsignment")
            if (h := _text(e, "TransportContractDocument", "ID") or _text(e, "ID"))
        ],
    }
    # ULDs as the FSU adapter writes them (`PMC31507CV,AKE77120CV`); other lists read as text
    return {
        key: ("," if key == "uld" else ", ").join(values)[:512]
        for key, values in listed.items()
        if values
    }


@dataclass
class _Context:
    zones: Mapping[str, str]
    source: str
    received_at: datetime | None
    subjects: Subjects
    locations: Places = None


def _status(
    rs: ET.Element, number: int, awb: str, base: dict[str, str], ctx: _Context, b: ResultBuilder
) -> None:
    ref = f"ReportedStatus {number}"
    code = (_text(rs, "ReasonCode") or "").upper()
    if not code:
        raise RecordError("ReasonCode is missing")
    milestone = FSU_STATUS_CODES.get(code)
    if milestone is None:
        milestone = Milestone.INFORMATIONAL
        b.warning(
            ref,
            f"unknown status code {code!r}: stored as informational",
            index=number - 1,
            code="unknown_status_code",
        )
    consignments = _children(rs, "AssociatedStatusConsignment")
    if not consignments:
        raise RecordError("no AssociatedStatusConsignment: no time or place of the status")
    shipment_id, resolved = resolve_subject("awb", awb, ctx.subjects)
    for sc in consignments:
        details = {**base, **_consignment_details(sc)}
        movements = _children(sc, "SpecifiedLogisticsTransportMovement")
        if not movements:
            raise RecordError(
                "AssociatedStatusConsignment has no SpecifiedLogisticsTransportMovement "
                "(the status's time and place)"
            )
        for mv in movements:
            place = _text(mv, "SpecifiedLocation", "ID")
            if place is None:
                raise RecordError(
                    "SpecifiedLogisticsTransportMovement/SpecifiedLocation/ID missing"
                )
            label = "SpecifiedLogisticsTransportMovement"
            status_time = _timed(
                _child(mv, "SpecifiedEvent"),
                "OccurrenceDateTime",
                "DateTimeTypeCode",
                place,
                f"{label}/SpecifiedEvent",
                ctx.zones,
            )
            departure = _timed(
                _child(mv, "DepartureEvent"),
                "DepartureOccurrenceDateTime",
                "DepartureDateTimeTypeCode",
                place,
                f"{label}/DepartureEvent",
                ctx.zones,
            )
            arrival = _timed(
                _child(mv, "ArrivalEvent"),
                "ArrivalOccurrenceDateTime",
                "ArrivalDateTimeTypeCode",
                place,
                f"{label}/ArrivalEvent",
                ctx.zones,
            )
            chosen = status_time or (departure if code == "DEP" else None)
            chosen = chosen or (arrival if code == "ARR" else None)
            if chosen is None:
                raise RecordError(f"{label}/SpecifiedEvent/OccurrenceDateTime is missing")
            extra = dict(details)
            for name, timed in (("departure_time", departure), ("arrival_time", arrival)):
                if timed is not None:
                    extra[name] = f"{timed.time.isoformat()} ({timed.time_type.value})"
            references = {"awb": awb, **part_reference(extra)}  # a split: `5 of 10` pieces
            if flight := _text(mv, "ID"):
                references["flight"] = flight
            reason = None
            if milestone is Milestone.EXCEPTION:
                discrepancy = _text(sc, "DiscrepancyDescriptionCode")
                reason = FSU_DISCREPANCY_CODES.get(discrepancy or "", ExceptionReason.OTHER)
                if discrepancy:
                    extra["discrepancy"] = discrepancy
            add_event(
                b,
                ref,
                references=references,
                details=extra,
                subject_resolved=resolved,
                source=ctx.source,
                milestone=milestone,
                time_type=chosen.time_type,
                event_time=chosen.time,
                shipment_id=shipment_id,
                received_at=ctx.received_at,
                location=place_id(place, ctx.locations, Mode.AIR),
                mode=Mode.AIR,
                reason=reason,
                source_code=code,
                raw_ref=ref,
            )


def parse_xfsu(
    payload: bytes | str,
    *,
    source: str = "xfsu",
    received_at: datetime | None = None,
    subjects: Subjects = None,
    airport_timezones: Mapping[str, str] | None = None,
    locations: Places = None,
) -> AdapterResult:
    """Parse an XFSU `StatusMessage` into events about its AWB (resolved through `subjects`),
    each at our location standing for its station (through `locations`, as in FSU)."""
    builder = ResultBuilder()
    try:
        text = decode(payload)
        if _DTD_DECLARATION.search(text):
            raise RecordError(
                "an internal DTD subset or ENTITY declaration is not accepted (no entity expansion)"
            )
        root = ET.fromstring(text)
    except (RecordError, ET.ParseError) as exc:
        builder.error("payload", f"not a readable XFSU: {exc}", code="not_xml")
        return builder.build()
    if _local(root).lower() not in _ROOTS:
        builder.error(
            "payload",
            f"root element is {_local(root)}, not StatusMessage (or the schema type name "
            "statusMessageType)",
            code="not_xfsu",
        )
        return builder.build()
    mc = _child(root, "MasterConsignment")
    try:
        awb = _awb(_text(mc, "TransportContractDocument", "ID"))
    except RecordError as exc:
        builder.error("MasterConsignment", str(exc), code="bad_element")
        return builder.build()
    base: dict[str, str] = {}
    for key, name in (
        ("awb_origin", "OriginLocation"),
        ("awb_destination", "FinalDestinationLocation"),
    ):
        if value := _text(mc, name, "ID"):
            base[key] = value
    base.update(_master_quantity(mc))
    if message_id := _text(root, "MessageHeaderDocument", "ID"):
        base["message_id"] = message_id
    ctx = _Context(airport_timezones or {}, source, received_at, subjects, locations)
    statuses = _children(mc, "ReportedStatus")
    if not statuses:
        builder.error("MasterConsignment", "no ReportedStatus", code="no_status")
    for number, rs in enumerate(statuses, 1):
        try:
            _status(rs, number, awb, base, ctx, builder)
        except (RecordError, ValueError) as exc:
            builder.error(
                f"ReportedStatus {number}", str(exc), index=number - 1, code="bad_element"
            )
    return builder.build()
