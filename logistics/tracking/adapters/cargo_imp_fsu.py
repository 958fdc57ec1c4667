"""Adapter (b): IATA Cargo-IMP FSU status update messages (FSU/14 and later; FSA is read alike).

A message is the line `FSU/nn`, the consignment line (`160-12345675CGOLUX/T10K250.5`, origin and
destination optional, quantity `T`/`P` pieces with optional weight `K`/`L` and total pieces) and
status lines `CODE/...` laid out per code as the manual specifies (see `fsu_grammar`), each
optionally followed by continuation lines (`/...`), `ULD/` lines (about the status line before
them), `OCI/` lines and one `OSI/` remark. A Type-B envelope (SOH/STX/ETX, address line, origin
line) around messages is skipped; several messages may follow each other.

A station (the IATA code of the airport where the status happened) is placed on our location
standing for it when the caller passes `locations` (the service passes its place lookup: our
location with that id, one whose UN/LOCODE names that airport, else our nearest airport within
30 km); a station none of ours stands for stays as written.

Times are local to the airport where the status happened (platform locations first, then any
IATA airport through `logistics.tracking.places`); dates carry no year: the year putting the time
nearest `reference_time` is taken. Flight lines (BKD, MAN, DEP, PRE) carry the flight's date and
separate times `S`/`E`/`A` + hhmm with a day-change indicator (code list 1.41: `-P` previous day,
`-N` next, `-S`, `-T`, `-A` ... `-L` up to fifteen days after) counted from the flight date; they
become PLANNED / ESTIMATED / ACTUAL departure and arrival events. BKD, MAN, PRE and TRM carry no
time of their own: their event is dated when the message was received (`reference_time`), a BKD,
MAN or PRE never after its flight's departure. A status without an hour is dated 00:00 local with
`time_precision=day`. Codes without a cargo milestone (PRE, TRM, AWD, AWR, CRC, DOC and unknown
codes) are INFORMATIONAL events; a DIS maps its discrepancy code to an exception reason. A status
about part of the consignment (`P5` of a `T10` consignment) keeps its milestone and carries
`pieces` = `5 of 10` in its references (`_pieces`), so it never reads as the whole consignment.
Records are `line N` (N also as the message index), message codes say what went wrong.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.adapters._common import (
    RecordError,
    Subjects,
    add_event,
    decode,
    resolve_subject,
)
from logistics.tracking.adapters._pieces import over_total, part_reference
from logistics.tracking.adapters._places import Places, place_id
from logistics.tracking.adapters.fsu_codes import FSU_DISCREPANCY_CODES, FSU_STATUS_CODES
from logistics.tracking.adapters.fsu_grammar import (
    ELEMENTS,
    LAYOUTS,
    StatusLine,
    parse_status_line,
)
from logistics.tracking.adapters.fsu_lexer import Logical, Message, quantity_details, split_messages
from logistics.tracking.adapters.fsu_times import FsuContext, at_time, date_near, element, zone_of
from logistics.tracking.results import AdapterResult, ResultBuilder

_TIME_TYPES = {"S": TimeType.PLANNED, "E": TimeType.ESTIMATED, "A": TimeType.ACTUAL}
_FLIGHT_CODES = {"BKD", "MAN", "DEP", "PRE"}


@dataclass
class _Event:
    milestone: Milestone
    time_type: TimeType
    time: datetime
    location: str
    role: str
    details: dict[str, str] = field(default_factory=dict)


def _flight_events(
    status: StatusLine, ctx: FsuContext, warnings: list[tuple[str, str]]
) -> list[_Event]:
    airports = status.get("airports")
    assert airports is not None
    dep, arr = airports.group(1), airports.group(2)
    dep_zone = element("airports", airports[0], lambda: zone_of(dep, ctx))
    events: list[_Event] = []
    date = status.get("flight_date")
    base = (
        element(
            "flight_date", date[0], lambda: date_near(date.group(1), date.group(2), ctx, dep_zone)
        )
        if date
        else None
    )
    timed: dict[str, _Event] = {}
    for kind, airport, milestone in (
        ("departure_time", dep, Milestone.DEPARTED),
        ("arrival_time", arr, Milestone.ARRIVED),
    ):
        info = status.get(kind)
        if info is None or base is None:
            continue
        try:
            zone = dep_zone if airport == dep else zone_of(airport, ctx)
            when = at_time(base, info.group(2), info.group(3), zone)  # counted from the flight date
        except RecordError as exc:
            if kind == "departure_time" and status.code == "DEP":
                raise RecordError(f"element {ELEMENTS[kind][1]} {info[0]!r}: {exc}") from exc
            warnings.append(
                (f"element {ELEMENTS[kind][1]} {info[0]!r} not read: {exc}", "bad_time")
            )
            continue
        timed[kind] = _Event(
            milestone, _TIME_TYPES[info.group(1)], when, airport, kind, {"time_indicator": info[0]}
        )
    code = status.code
    stamped = None  # a time written into the flight date element (not the manual's layout)
    if date and date.group(3) and base is not None:
        stamped = element(
            "flight_date", date[0], lambda: at_time(base, date.group(3), None, dep_zone)
        )
        warnings.append(
            (
                f"{code}: time {date.group(3)} inside the flight date {date[0]!r} is not the "
                "manual's layout (times are separate S/E/A fields); read as the status time",
                "nonstandard_time",
            )
        )
    if code == "DEP" and stamped is not None and "departure_time" not in timed:
        events.append(
            _Event(
                Milestone.DEPARTED,
                TimeType.ACTUAL,
                stamped,
                dep,
                "status",
                {"time_basis": "flight date field"},
            )
        )
    elif code == "DEP":
        departure = timed.pop("departure_time", None)
        if departure is not None:
            basis = departure.details["time_indicator"][0]
            departure.time_type = TimeType.ACTUAL
            if basis != "A":
                departure.details["time_basis"] = {"S": "scheduled", "E": "estimated"}[basis]
            departure.role = "status"
            events.append(departure)
        elif base is not None:
            events.append(
                _Event(
                    Milestone.DEPARTED,
                    TimeType.ACTUAL,
                    base,
                    dep,
                    "status",
                    {"time_precision": "day"},
                )
            )
        else:
            raise RecordError("DEP: neither a flight date nor a time of departure is given")
    else:
        # BKD, MAN, PRE say what is so, not when it became so: dated when received, but never
        # after the flight's departure (a late-sent BKD must not follow the DEP it precedes)
        when, basis = (
            (stamped, "flight date field") if stamped else (ctx.reference, "message received")
        )
        departure = timed.get("departure_time")
        cap = departure.time if departure is not None else base
        if stamped is None and cap is not None and cap < when:
            when, basis = cap, "no later than the flight's departure"
        events.append(
            _Event(
                FSU_STATUS_CODES[code], TimeType.ACTUAL, when, dep, "status", {"time_basis": basis}
            )
        )
    events.extend(timed.values())
    if date:
        for event in events:
            event.details.setdefault("flight_date", date[0][:5])
    return events


def _dated_events(status: StatusLine, ctx: FsuContext) -> list[_Event]:
    date_time = status.get("date_time")
    airport = status.get("airport")
    assert date_time is not None and airport is not None
    station = airport[0]
    zone = element("airport", station, lambda: zone_of(station, ctx))
    day, month, hhmm, change = date_time.groups()
    details: dict[str, str] = {}
    if hhmm is None:
        details["time_precision"] = "day"
    when = element(
        "date_time",
        date_time[0],
        lambda: at_time(date_near(day, month, ctx, zone), hhmm or "0000", change, zone),
    )
    milestone = FSU_STATUS_CODES.get(status.code, Milestone.INFORMATIONAL)
    events = [_Event(milestone, TimeType.ACTUAL, when, station, "status", details)]
    arrival = status.get("arrival_time")
    if arrival is not None:  # RCF, ARR, AWR: counted from the scheduled arrival day
        scheduled_day = date_near(day, month, ctx, zone)
        at = element(
            "arrival_time",
            arrival[0],
            lambda: at_time(scheduled_day, arrival.group(2), arrival.group(3), zone),
        )
        time_type = _TIME_TYPES[arrival.group(1)]
        if status.code == "ARR" and hhmm is None and time_type is TimeType.ACTUAL:
            events[0].time, events[0].details = at, {}
        elif status.code != "ARR":
            events.append(
                _Event(
                    Milestone.ARRIVED,
                    time_type,
                    at,
                    station,
                    "arrival_time",
                    {"time_indicator": arrival[0]},
                )
            )
    return events


def _line_details(status: StatusLine) -> tuple[dict[str, str], dict[str, str]]:
    references: dict[str, str] = {}
    details: dict[str, str] = {}
    if flight := status.get("flight"):
        references["flight"] = flight[0]
    if carrier := status.get("carrier"):
        details["carrier"] = carrier[0]
    if other := status.get("other_carrier"):
        details["other_carrier"] = other[0]
    if quantity := status.get("quantity"):
        details.update(quantity_details(quantity[0]))
    if volume := status.get("volume"):
        details.update(volume_code=volume.group(1), volume=volume.group(2))
    if density := status.get("density"):
        details["density_group"] = density.group(1)
    if name := status.text.get("name"):
        details["name"] = name
    if manifest := status.get("manifest"):
        details["transfer_manifest"] = manifest[0]
    if status.code == "CRC" and (pair := status.get("airports")):
        details["customs_flight_route"] = pair[0]
    if status.code == "TRM" and status.get("airport"):
        details["transfer_airport"] = status.text["airport"]
    return references, details


def _event_id(awb: str, line: str, role: str) -> str:
    digest = hashlib.sha256(f"{awb}|{' '.join(line.split()).upper()}|{role}".encode()).hexdigest()
    return f"fsu-{awb}-{digest[:16]}"


def _status_events(
    message: Message, logical: Logical, ctx: FsuContext, builder: ResultBuilder
) -> None:
    ref, code = f"line {logical.number}", logical.code
    continuation = [text[1:].split("/") for _, text in logical.continuation]
    warnings: list[tuple[str, str]] = []
    if code in LAYOUTS:
        status = parse_status_line(code, logical.fields, continuation)
        if code in _FLIGHT_CODES:
            events = _flight_events(status, ctx, warnings)
        elif code == "TRM":
            airport = status.text["airport"]
            element("airport", airport, lambda: zone_of(airport, ctx))
            events = [
                _Event(
                    Milestone.INFORMATIONAL,
                    TimeType.ACTUAL,
                    ctx.reference,
                    airport,
                    "status",
                    {"time_basis": "message received"},
                )
            ]
        else:
            events = _dated_events(status, ctx)
        references, details = _line_details(status)
    elif code in FSU_STATUS_CODES:  # a listed code the FSA specification gives no layout (DOC)
        status, references, details = StatusLine(code), {}, {"raw": logical.text}
        events = _unknown_events(logical, ctx)
    else:
        status, references, details = StatusLine(code), {}, {"raw": logical.text}
        events = _unknown_events(logical, ctx)
        warnings.append(
            (
                f"unknown FSU status code {code!r}: stored as informational",
                "unknown_status_code",
            )
        )
    reason = None
    if code == "DIS":
        discrepancy = status.text.get("discrepancy")
        reason = FSU_DISCREPANCY_CODES.get(discrepancy or "", ExceptionReason.OTHER)
        if discrepancy:
            details["discrepancy"] = discrepancy
        if discrepancy not in FSU_DISCREPANCY_CODES:
            warnings.append(
                (f"DIS discrepancy code {discrepancy!r} mapped to OTHER", "unknown_discrepancy")
            )
    part = part_reference({**message.details, **details})  # a split: `5 of 10` pieces
    if excess := over_total({**message.details, **details}):
        warnings.append((excess, "pieces_over_total"))
    for text, warning_code in warnings:
        builder.warning(ref, text, index=logical.number, code=warning_code)
    assert message.awb is not None
    shipment_id, resolved = resolve_subject("awb", message.awb, ctx.subjects)
    for event in events:
        add_event(
            builder,
            ref,
            event_id=_event_id(message.awb, logical.text, event.role),  # same line, same event
            references={"awb": message.awb, **references, **part},
            details={**message.details, **details, **event.details},
            subject_resolved=resolved,
            source=ctx.source,
            milestone=event.milestone,
            time_type=event.time_type,
            event_time=event.time,
            shipment_id=shipment_id,
            received_at=ctx.received_at,
            location=place_id(event.location, ctx.locations, Mode.AIR),
            mode=Mode.AIR,
            reason=reason if event.milestone is Milestone.EXCEPTION else None,
            source_code=code,
            raw_ref=ref,
        )


_DATE_TIME_ANY = re.compile(r"^(\d{2})([A-Z]{3})(\d{4})?$")


def _unknown_events(logical: Logical, ctx: FsuContext) -> list[_Event]:
    """An unknown status code: its date/time and airport found by shape, stored informational."""
    date_time = next((m for f in logical.fields if (m := _DATE_TIME_ANY.match(f.strip()))), None)
    airport = next((f.strip() for f in logical.fields if re.match(r"^[A-Z]{3}$", f.strip())), None)
    if date_time is None or airport is None:
        raise RecordError(
            f"unknown status code {logical.code!r} without a recognisable day/month and airport"
        )
    zone = zone_of(airport, ctx)
    base = date_near(date_time.group(1), date_time.group(2), ctx, zone)
    when = at_time(base, date_time.group(3) or "0000", None, zone)
    return [_Event(Milestone.INFORMATIONAL, TimeType.ACTUAL, when, airport, "status")]


def _message_events(message: Message, ctx: FsuContext, builder: ResultBuilder) -> None:
    """Events of one message: ULD, OCI and OSI folded into its status lines' details."""
    uld_for: dict[int, list[str]] = {}
    last_status: Logical | None = None
    statuses: list[Logical] = []
    osi: list[str] = []
    for logical in message.lines:
        rest = [logical.text.split("/", 1)[1]] + [t.lstrip("/") for _, t in logical.continuation]
        if logical.code == "ULD":
            if last_status is not None:
                uld_for.setdefault(last_status.number, []).extend(
                    u for part in rest for u in part.split("/") if u
                )
            else:
                builder.warning(
                    f"line {logical.number}",
                    "ULD line before any status line: not tied to a status",
                    index=logical.number,
                    code="orphan_uld",
                )
        elif logical.code == "OCI":
            message.details["oci"] = " ".join(filter(None, [message.details.get("oci"), *rest]))
        elif logical.code == "OSI":
            osi.extend(rest)
        else:
            statuses.append(logical)
            last_status = logical
    if osi:
        message.details["osi"] = " ".join(osi)
    if message.awb is None:
        for logical in statuses:
            builder.error(
                f"line {logical.number}",
                f"{logical.code}: the message has no valid AWB line (line {message.number + 1})",
                index=logical.number,
                code="no_awb",
            )
        return
    if not statuses:
        builder.warning(
            f"line {message.number}",
            "message without a status line (OSI/OCI only): nothing to put on a timeline",
            index=message.number,
            code="no_status",
        )
    for logical in statuses:
        saved = dict(message.details)
        if logical.number in uld_for:
            message.details["uld"] = ",".join(uld_for[logical.number])
        try:
            _status_events(message, logical, ctx, builder)
        except RecordError as exc:
            builder.error(
                f"line {logical.number}",
                f"{logical.code}: {exc}" if not str(exc).startswith(logical.code) else str(exc),
                index=logical.number,
                code="bad_element",
            )
        message.details = saved


def parse_fsu(
    payload: bytes | str,
    *,
    airport_timezones: Mapping[str, str] | None = None,
    reference_time: datetime,
    source: str = "fsu",
    received_at: datetime | None = None,
    subjects: Subjects = None,
    locations: Places = None,
) -> AdapterResult:
    """Parse FSU messages into events about their AWB (resolved through `subjects`), each at our
    location standing for its station (through `locations`), else at the station as written."""
    builder = ResultBuilder()
    try:
        text = decode(payload)
    except RecordError as exc:
        builder.error("payload", str(exc), code="not_utf8")
        return builder.build()
    ctx = FsuContext(
        airport_timezones or {}, reference_time, source, received_at, subjects, locations
    )
    messages = split_messages(text, builder)
    if not messages and not builder.messages:
        builder.error("payload", "no FSU message found (expected a line FSU/nn)", code="empty")
    for message in messages:
        _message_events(message, ctx, builder)
    return builder.build()
