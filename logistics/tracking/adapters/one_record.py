"""Adapter (c): IATA ONE Record LogisticsEvents (JSON-LD), data model 3.x / API 2.x, 2.x names.

Read per event: `@id` (the event IRI, our event_id), `eventCode` (a core code list IRI such as
`https://onerecord.iata.org/ns/coreCodeLists#StatusCode_DEP`, a `code-lists/StatusCode#DEP` IRI,
a CodeListElement `{"code": "DEP"}` / `{"@id": ...}`, or a plain code), `eventDate`,
`eventTimeType` (ACTUAL, ESTIMATED / EXPECTED, PLANNED / SCHEDULED, REQUESTED as a word, an IRI or
`{"@id": ...}`; absent = ACTUAL), `creationDate` (recorded_at), `eventLocation`, else
`recordedAtLocation` (a Location with `locationCodes`, `code` or `locationName`, or a link whose
last path segment is the code; its `geolocation` (`latitude` / `longitude`) places the event on
our nearest airport within 30 km when no code of ours names it, as DCSA coordinates do; an
unreadable one is ignored with a `bad_geolocation` warning), `partialEventIndicator` and the
subject. Property names may carry the `cargo:` prefix, the cargo namespace IRI (versioned or not)
or none (`@vocab`); typed literals `{"@value": ...}` are unwrapped. 2.x names: `linkedObject`
(eventFor), `location` (eventLocation); 1.x: `dateTime` (ISO or epoch milliseconds) for
eventDate, `eventTypeIndicator` for eventTimeType, `id` for `@id`.

Subject, in order: `eventFor` (one object or a list; each its IRI, and its waybill number when the
object carries `waybillPrefix` + `waybillNumber`), 2.x `linkedObject`, the logistics object the
event was posted to as the sender names it (`logistics_object`: the `?logistics_object=` query
parameter or `Logistics-Object` header of `POST /v1/feeds/one_record`, or a Notification's
`hasLogisticsObject`), else as its own `@id` shows it (up to `/logistics-events/`).
Each is looked up as `logistics_object:<IRI>` or `awb:<number>` in `subjects`; one event per
distinct shipment. An event about a `TransportMovement` (a flight) concerns the pieces loaded on
it (`Loading` actions in the payload or nested in the movement, `one_record_movements`): each
linked piece's shipment gets the event; with none linked it is a movement event for our service
`<flight>-<YYYYMMDD>` from `transportIdentifier`, which every shipment booked on it sees. Other
objects sent alongside (TransportMovement, Loading, Piece, ...) make no event and say so. An API
`Notification` is read through its embedded `hasLogisticsEvent` (posted to `hasLogisticsObject`);
one that only links the event is refused asking for the event, one without an event is ignored.

A partial event (`partialEventIndicator` true: only some pieces reached the milestone) is stored
as INFORMATIONAL with its code and `partial` in its references, so a split departure never reads as
the whole shipment departing; the complete event (without the indicator) moves the status.

Payload: one event, a list, a JSON-LD `@graph`, or an `api:Collection` (`hasItem`). Records are
`index N` in that order. Codes with no cargo milestone, or unknown ones, are INFORMATIONAL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
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
)
from logistics.tracking.adapters._places import Places
from logistics.tracking.adapters._records import bounded_id, refuse, warn
from logistics.tracking.adapters._subjects import Subject, event_id_for, subjects_of
from logistics.tracking.adapters.one_record_movements import Graph, service_of, type_name
from logistics.tracking.adapters.one_record_places import placed, position_of
from logistics.tracking.results import AdapterResult, ResultBuilder

Services = Collection[str] | Callable[[str], bool] | None
"""Our flight service ids, or a predicate answering whether one is ours; None: not known here."""


def _runs(service: str, services: Services) -> bool:
    """Whether a movement event also goes to the flight `service` (yes when not known here)."""
    if services is None:
        return True
    return services(service) if callable(services) else service in services


_INFO = Milestone.INFORMATIONAL
ONE_RECORD_EVENT_CODES: dict[str, Milestone] = {
    "BKD": Milestone.BOOKED,
    "FOH": Milestone.RECEIVED,  # freight on hand
    "RCS": Milestone.RECEIVED,  # received from shipper, ready for carriage
    "PRE": _INFO,  # prepared for loading
    "MAN": Milestone.LOADED,  # manifested on a flight
    "DEP": Milestone.DEPARTED,
    "ARR": Milestone.ARRIVED,
    "RCF": Milestone.UNLOADED,  # received from flight
    "RCT": Milestone.TRANSFERRED,  # received from another carrier
    "TFD": Milestone.TRANSFERRED,  # transferred to another carrier
    "TRM": _INFO,  # to be transferred
    "NFD": Milestone.AVAILABLE_FOR_PICKUP,  # consignee notified
    "AWD": _INFO,  # documents delivered
    "AWR": _INFO,  # documents received
    "CCD": Milestone.CUSTOMS_CLEARED,
    "TGC": Milestone.CUSTOMS_HOLD,  # transferred to customs / government control
    "CRC": _INFO,  # reported to customs
    "DLV": Milestone.DELIVERED,
    "DDL": Milestone.DELIVERED,  # delivered to the consignee's door
    "DIS": Milestone.EXCEPTION,  # discrepancy
}
"""Core code list StatusCode -> milestone (the Cargo-IMP status codes)."""

ONE_RECORD_TIME_TYPES: dict[str, TimeType] = {
    "ACTUAL": TimeType.ACTUAL,
    "ESTIMATED": TimeType.ESTIMATED,
    "EXPECTED": TimeType.ESTIMATED,
    "PLANNED": TimeType.PLANNED,
    "SCHEDULED": TimeType.PLANNED,
    "REQUESTED": TimeType.PLANNED,  # a time asked for: a plan, never a report
}
_CARGO = re.compile(r"^(?:cargo:|https?://onerecord\.iata\.org/ns/cargo(?:/[\d.]+)?#)")
_API = re.compile(r"^(?:api:|https?://onerecord\.iata\.org/ns/api(?:/[\d.]+)?#)")
_CODE_PREFIX = re.compile(r"^[A-Za-z]+Code_")
_LOCATION = re.compile(r"^[A-Z]{3}$|^[A-Z]{2}[A-Z2-9]{3}$")
_CONTEXT = {"TransportMovement", "Loading", "Unloading"}
_EVENTS_PATH = re.compile(r"^(.*?)/(?:logistics-)?events/[^/]+/?$")


def _key(name: str) -> str:
    return _API.sub("", _CARGO.sub("", name))


def _normalise(node: Any) -> Any:
    if isinstance(node, Mapping):
        if "@value" in node:
            return node["@value"]
        return {_key(str(k)): _normalise(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def _word(value: Any) -> str | None:
    """The code of a code list value: IRI fragment without its list prefix, or the plain code."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("code") or value.get("@id")
    if not isinstance(value, str) or not value.strip():
        return None
    text = _CARGO.sub("", value.strip())
    text = text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]
    return _CODE_PREFIX.sub("", text).upper()


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _location(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.rstrip("/").rsplit("/", 1)[-1][:64] or None
    if not isinstance(value, Mapping):
        return None
    for name in ("locationCodes", "locationCode", "code"):
        code = _word(value.get(name))
        if code:
            return code[:64]
    if isinstance(value.get("locationName"), str) and value["locationName"].strip():
        return str(value["locationName"]).strip()[:64]
    iri = value.get("@id")
    if isinstance(iri, str):
        segment = iri.rstrip("/").rsplit("/", 1)[-1]
        return segment if _LOCATION.match(segment) else segment[:64]
    return None


def _place(builder: ResultBuilder, ref: str, value: Any, locations: Places) -> str | None:
    """Our location named by the Location's code, else the one at its geolocation, else the
    code as written (else, with no code at all, the position as `geo:<lat>,<lon>`). A
    geolocation that cannot be read is ignored with a warning (the event keeps its code)."""
    try:
        position = position_of(value)
    except RecordError as exc:
        warn(builder, ref, f"{exc}: not used to place the event", "bad_geolocation")
        position = None
    return placed(_location(value), position, locations)


def _event_date(item: Mapping[str, Any]) -> datetime:
    if "eventDate" in item or "dateTime" not in item:
        return parse_instant(item.get("eventDate"), "eventDate")
    value = item["dateTime"]  # 1.x: an ISO time, or epoch milliseconds
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return parse_instant(value, "dateTime")


def _records(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        raise RecordError("payload is neither a JSON-LD object nor a list")
    if "hasItem" in data:
        items = data["hasItem"]
        return items if isinstance(items, list) else [items]
    for container in ("@graph", "@set"):
        if isinstance(data.get(container), list):
            return list(data[container])
    return [data]


def _targets(
    item: Mapping[str, Any], posted_to: str | None, graph: Graph
) -> tuple[list[tuple[str, str]], str | None]:
    """The (kind, value) references an event is about, and the flight service it concerns when
    it is about a TransportMovement (its loaded pieces come first, then the movement itself)."""
    raw = item.get("eventFor") or item.get("linkedObject")
    objects = raw if isinstance(raw, list) else [raw] if raw else []
    out: list[tuple[str, str]] = []
    service: str | None = None
    for obj in objects:
        iri = (obj.get("@id") or obj.get("id")) if isinstance(obj, Mapping) else obj
        iri = iri.strip() if isinstance(iri, str) else None
        movement = graph.movement(obj, iri)
        if movement is not None:
            out.extend(("logistics_object", piece) for piece in graph.pieces_on(movement, iri))
            service = service or service_of(movement, item)
        if iri:
            out.append(("logistics_object", iri))
        if isinstance(obj, Mapping):
            nested = obj.get("waybill")
            waybill: Mapping[str, Any] = nested if isinstance(nested, Mapping) else obj
            prefix, number = waybill.get("waybillPrefix"), waybill.get("waybillNumber")
            if prefix and number:
                out.append(("awb", f"{prefix}-{number}"))
    if not out:
        own = item.get("@id")
        parent = _EVENTS_PATH.match(own.strip()) if isinstance(own, str) else None
        target = posted_to or (parent.group(1) if parent else None)  # what the sender says first
        if target:
            movement = graph.movement(None, target)
            if movement is not None:
                out.extend(("logistics_object", p) for p in graph.pieces_on(movement, target))
                service = service_of(movement, item)
            out.append(("logistics_object", target))
    if not out:
        raise RecordError(
            "no subject: eventFor is missing, the @id is not <logistics object>/logistics-events/<id>"
            " and no logistics_object was given"
        )
    return out, service


def _event(
    builder: ResultBuilder,
    ref: str,
    raw: Any,
    *,
    source: str,
    received_at: datetime | None,
    subjects: Subjects,
    posted_to: str | None,
    locations: Places,
    graph: Graph,
    services: Services = None,
) -> None:
    item = _normalise(raw)
    if not isinstance(item, Mapping):
        raise RecordError("record is not a JSON object")
    if set(item) <= {"@id", "@type"}:
        raise RecordError("hasItem is only a link: fetch the LogisticsEvent itself and send it")
    kind = type_name(item.get("@type"))
    if kind == "Notification" and "eventCode" not in item:
        _notification(builder, ref, item, source, received_at, subjects, locations, graph)
        return
    if kind and kind != "LogisticsEvent" and "eventCode" not in item:
        warn(
            builder,
            ref,
            f"a {kind}, not a LogisticsEvent: no event of its own"
            + (" (read for the pieces and flight its events concern)" if kind in _CONTEXT else ""),
            "not_an_event",
        )
        return
    code = _word(item.get("eventCode"))
    if code is None:
        raise RecordError("eventCode is missing")
    time_code = _word(item.get("eventTimeType") or item.get("eventTypeIndicator")) or "ACTUAL"
    if time_code not in ONE_RECORD_TIME_TYPES:
        raise RecordError(
            f"eventTimeType {time_code!r} is not ACTUAL, ESTIMATED, EXPECTED, PLANNED or REQUESTED"
        )
    event_time = _event_date(item)
    recorded_at = optional_instant(item.get("creationDate"), "creationDate")
    targets, service = _targets(item, posted_to, graph)
    milestone = ONE_RECORD_EVENT_CODES.get(code)
    references: dict[str, str] = {}
    if milestone is None:
        warn(
            builder,
            ref,
            f"eventCode {code!r} is not a known status code: stored as informational",
            "unknown_code",
        )
        milestone = _INFO
    elif milestone is _INFO:
        warn(
            builder,
            ref,
            f"eventCode {code!r} has no cargo milestone: stored as informational",
            "informational_code",
        )
    if _flag(item.get("partialEventIndicator")) and milestone is not _INFO:
        warn(
            builder,
            ref,
            f"partialEventIndicator: only some pieces reached {code}; stored as informational "
            "until the complete event",
            "partial_event",
        )
        milestone = _INFO
        references["partial"] = "true"
    location = _place(
        builder,
        ref,
        item.get("eventLocation") or item.get("location") or item.get("recordedAtLocation"),
        locations,
    )
    own = item.get("@id") or item.get("id")
    event_iri = own if isinstance(own, str) and own else None
    found = subjects_of(targets, subjects)
    long_iri = {"event_iri": event_iri} if event_iri and bounded_id(event_iri) != event_iri else {}
    if service:  # the flight: every shipment booked on it sees the event too
        linked = [s for s in found if s.resolved]
        flight = Subject(service, True, ("service", service))
        found = [*linked, flight] if not linked or _runs(service, services) else linked
    for subject in found:
        on_service = subject.reference[0] == "service"
        add_event(
            builder,
            ref,
            event_id=bounded_id(event_id_for(event_iri, subject, len(found))),
            references={**references, subject.reference[0]: subject.reference[1], **long_iri},
            subject_resolved=subject.resolved,
            source=source,
            milestone=milestone,
            time_type=ONE_RECORD_TIME_TYPES[time_code],
            event_time=event_time,
            shipment_id=None if on_service else subject.shipment_id,
            service_id=subject.shipment_id if on_service else None,
            recorded_at=recorded_at,
            received_at=received_at,
            location=location,
            mode=Mode.AIR,
            reason=ExceptionReason.OTHER if milestone is Milestone.EXCEPTION else None,
            source_code=code[:32],
            raw_ref=ref,
        )


def _notification(
    builder: ResultBuilder,
    ref: str,
    item: Mapping[str, Any],
    source: str,
    received_at: datetime | None,
    subjects: Subjects,
    locations: Places,
    graph: Graph,
) -> None:
    """An API Notification: its embedded LogisticsEvent is read as posted to its object."""
    event = item.get("hasLogisticsEvent")
    about = item.get("hasLogisticsObject")
    posted_to = about.get("@id") if isinstance(about, Mapping) else about
    if isinstance(event, Mapping) and "eventCode" in event:
        _event(
            builder,
            ref,
            event,
            source=source,
            received_at=received_at,
            subjects=subjects,
            posted_to=posted_to if isinstance(posted_to, str) else None,
            locations=locations,
            graph=graph,
        )
        return
    link = event.get("@id") if isinstance(event, Mapping) else event
    if isinstance(link, str) and link.strip():
        raise RecordError(
            f"a Notification names LogisticsEvent {link.strip()!r} only by its link: fetch the "
            "event and send it (no outbound calls at ingest)"
        )
    said = _word(item.get("hasEventType")) or "no event type"
    warn(
        builder,
        ref,
        f"a Notification ({said}) without a LogisticsEvent: a logistics object changed, no "
        "status to record; ignored",
        "notification_without_event",
    )


def parse_one_record(
    payload: bytes | str,
    *,
    source: str = "one_record",
    received_at: datetime | None = None,
    subjects: Subjects = None,
    logistics_object: str | None = None,
    locations: Places = None,
    services: Services = None,
) -> AdapterResult:
    """Parse ONE Record LogisticsEvents into unified events about their logistics objects.

    `services`: our flight service ids (a collection or a predicate); when given, an event on a
    TransportMovement whose pieces are linked also goes to the flight only when it is one of
    them (else only to the pieces' shipments), so a flight we do not run is not refused."""
    builder = ResultBuilder()
    try:
        records = _records(_normalise(json.loads(decode(payload))))
    except (RecordError, json.JSONDecodeError) as exc:
        refuse(builder, "payload", f"not valid JSON-LD: {exc}", "invalid_payload")
        return builder.build()
    graph = Graph(records)
    for index, raw in enumerate(records):
        ref = f"index {index}"
        try:
            _event(
                builder,
                ref,
                raw,
                source=source,
                received_at=received_at,
                subjects=subjects,
                posted_to=logistics_object,
                locations=locations,
                graph=graph,
                services=services,
            )
        except RecordError as exc:
            refuse(builder, ref, str(exc))
    return builder.build()
