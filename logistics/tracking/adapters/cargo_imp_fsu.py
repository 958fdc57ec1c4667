"""Adapter (b): IATA Cargo-IMP FSU (freight status update) text messages, the subset we read.

Layout (modelled on FSU/14; `/` separates fields, one status per line):

    FSU/14
    160-12345675CGOLUX/T10K250.0             AWB, origin+destination, total quantity
    RCS/22NOV1830/CGO/T10K250.0              status, day+month+time, station, quantity
    DEP/CV9751/23NOV0105/CGOLUX/T10K250.0    status, flight, day+month+time, from+to, quantity
    DIS/CV9751/23NOV0700/LUX/P2K50.0/OFLD    ... plus the discrepancy code

Fields after the status code are recognised by shape, so optional ones may be left out: a flight
(`CV9751`), a day+month with a local time (`23NOV0105`), one airport (`LUX`) or a pair
(`CGOLUX`), a quantity (`T` total or `P` part, pieces, `K`, kg) and, on DIS, a 4-letter
discrepancy code. Deviation from Cargo-IMP, on purpose: every status line must carry a time
(BKD/MAN lines carry the booking / manifest time, not only the flight date).

Times are station-local: converted with the station's IANA time zone from `airport_timezones`
(DEP, BKD, MAN use the departure airport; other statuses their station). FSU dates have no year:
the year that puts the time nearest to `reference_time` (e.g. the receive time) is taken.
Several messages may be concatenated; each starts with an `FSU/` line. Records are `line N`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.adapters._common import RecordError, add_event, decode, resolve_subject
from logistics.tracking.results import AdapterResult, ResultBuilder

FSU_STATUS_CODES: dict[str, Milestone] = {
    "BKD": Milestone.BOOKED,  # booked on a flight
    "FOH": Milestone.RECEIVED,  # freight on hand, not yet ready for carriage
    "RCS": Milestone.RECEIVED,  # received from shipper/agent, ready for carriage
    "MAN": Milestone.LOADED,  # manifested on a flight (the closest milestone we have)
    "DEP": Milestone.DEPARTED,
    "ARR": Milestone.ARRIVED,
    "RCF": Milestone.UNLOADED,  # received from flight at the station
    "RCT": Milestone.TRANSFERRED,  # received from another carrier
    "TFD": Milestone.TRANSFERRED,  # transferred to another carrier
    "CCD": Milestone.CUSTOMS_CLEARED,
    "NFD": Milestone.AVAILABLE_FOR_PICKUP,  # consignee notified, ready for pick-up
    "DLV": Milestone.DELIVERED,
    "DIS": Milestone.EXCEPTION,
}
"""Cargo-IMP status code -> milestone. Codes not listed (e.g. AWD, PRE, DDL) give a warning."""

FSU_DISCREPANCY_CODES: dict[str, ExceptionReason] = {
    "OFLD": ExceptionReason.OFFLOADED,  # offloaded
    "SSPD": ExceptionReason.OFFLOADED,  # short shipped: not loaded as booked
    "MSCA": ExceptionReason.DISCREPANCY,  # missing cargo
    "MSAW": ExceptionReason.DISCREPANCY,  # missing AWB
    "MSAV": ExceptionReason.DISCREPANCY,  # missing AWB and cargo
    "FDCA": ExceptionReason.DISCREPANCY,  # found cargo
    "FDAW": ExceptionReason.DISCREPANCY,  # found AWB
    "FDAV": ExceptionReason.DISCREPANCY,  # found AWB and cargo
    "OVCD": ExceptionReason.DISCREPANCY,  # overcarried
    "DFLD": ExceptionReason.DISCREPANCY,  # definitely loaded (but not found)
}
"""DIS discrepancy code -> exception reason; an unknown or missing code maps to OTHER."""

_DEPARTURE_SIDE = {"BKD", "MAN", "DEP"}
_AWB = re.compile(r"^(\d{3}-\d{8})([A-Z]{3})([A-Z]{3})(?:/([TP])(\d+)K([\d.]+))?")
_FLIGHT = re.compile(r"^[A-Z0-9]{2}\d{1,4}[A-Z]?$")
_DAY_TIME = re.compile(r"^(\d{2})([A-Z]{3})(\d{4})?$")
_AIRPORT = re.compile(r"^[A-Z]{3}$")
_AIRPORT_PAIR = re.compile(r"^([A-Z]{3})([A-Z]{3})$")
_QUANTITY = re.compile(r"^([TP])(\d+)K(\d+(?:\.\d+)?)$")
_DISCREPANCY = re.compile(r"^[A-Z]{4}$")
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


@dataclass
class _Status:
    code: str
    flight: str | None = None
    day: int = 0
    month: int = 0
    hhmm: str | None = None
    airports: list[str] = field(default_factory=list)
    quantity: tuple[str, str, str] | None = None
    discrepancy: str | None = None


def _parse_status(line: str) -> _Status:
    code, *parts = line.split("/")
    status = _Status(code=code)
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if m := _DAY_TIME.match(part):
            if m.group(2) not in _MONTHS:
                raise RecordError(f"unknown month in {part!r}")
            status.day, status.month, status.hhmm = int(m.group(1)), _MONTHS[m.group(2)], m.group(3)
        elif m := _QUANTITY.match(part):
            status.quantity = (m.group(1), m.group(2), m.group(3))
        elif _FLIGHT.match(part):
            status.flight = part
        elif m := _AIRPORT_PAIR.match(part):
            status.airports = [m.group(1), m.group(2)]
        elif _AIRPORT.match(part):
            status.airports = [part]
        elif code == "DIS" and _DISCREPANCY.match(part):
            status.discrepancy = part
        else:
            raise RecordError(f"unrecognised field {part!r}")
    if not status.month:
        raise RecordError("no day and month (e.g. 23NOV0105)")
    if status.hhmm is None:
        raise RecordError("no local time after the day and month (e.g. 23NOV0105)")
    if not status.airports:
        raise RecordError("no airport")
    return status


def _local_time(status: _Status, zone: ZoneInfo, reference: datetime) -> datetime:
    hh, mm = int(status.hhmm[:2]), int(status.hhmm[2:])  # type: ignore[index]
    best: datetime | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = datetime(year, status.month, status.day, hh, mm, tzinfo=zone)
        except ValueError:
            continue
        if best is None or abs(candidate - reference) < abs(best - reference):
            best = candidate
    if best is None:
        raise RecordError(f"invalid date or time {status.day:02d}/{status.month:02d} {status.hhmm}")
    return best


def _zone(airport: str, airport_timezones: Mapping[str, str]) -> ZoneInfo:
    name = airport_timezones.get(airport)
    if not name:
        raise RecordError(f"no time zone known for airport {airport}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RecordError(f"unknown time zone {name!r} for airport {airport}") from exc


def parse_fsu(
    payload: bytes | str,
    *,
    airport_timezones: Mapping[str, str],
    reference_time: datetime,
    source: str = "fsu",
    received_at: datetime | None = None,
    subjects: Mapping[str, str] | None = None,
) -> AdapterResult:
    """Parse FSU messages into events about the AWB (resolved through `subjects` if given)."""
    builder = ResultBuilder()
    try:
        lines = decode(payload).splitlines()
    except RecordError as exc:
        builder.error("payload", str(exc))
        return builder.build()
    awb: str | None = None
    expect_awb = False
    for number, raw in enumerate(lines, 1):
        line, ref = raw.strip().upper(), f"line {number}"
        if not line:
            continue
        if line.startswith("FSU/"):
            awb, expect_awb = None, True
            continue
        if expect_awb:
            expect_awb = False
            if m := _AWB.match(line):
                awb = m.group(1)
                serial = awb[4:]
                if int(serial[:7]) % 7 != int(serial[7]):
                    builder.warning(ref, f"AWB {awb}: check digit does not match (mod 7)")
            else:
                builder.error(ref, f"expected the AWB line (e.g. 160-12345675CGOLUX), got {line!r}")
            continue
        if awb is None:
            builder.error(ref, "status line outside a valid FSU message (no AWB line before it)")
            continue
        code = line.split("/", 1)[0]
        if code == "OSI" or line.startswith("/"):
            continue  # free-text lines carry no status
        milestone = FSU_STATUS_CODES.get(code)
        if milestone is None:
            builder.warning(ref, f"unknown FSU status code {code!r}: not mapped to a milestone")
            continue
        try:
            status = _parse_status(line)
            station = status.airports[0 if code in _DEPARTURE_SIDE else -1]
            event_time = _local_time(status, _zone(station, airport_timezones), reference_time)
        except RecordError as exc:
            builder.error(ref, f"{code}: {exc}")
            continue
        references = {"awb": awb}
        details: dict[str, str] = {}
        if status.flight:
            references["flight"] = status.flight
        if status.quantity:
            details["quantity_type"] = "total" if status.quantity[0] == "T" else "part"
            details["pieces"], details["weight_kg"] = status.quantity[1], status.quantity[2]
        reason = None
        if milestone is Milestone.EXCEPTION:
            reason = FSU_DISCREPANCY_CODES.get(status.discrepancy or "", ExceptionReason.OTHER)
            if status.discrepancy:
                details["discrepancy"] = status.discrepancy
            if status.discrepancy not in FSU_DISCREPANCY_CODES:
                builder.warning(ref, f"DIS discrepancy code {status.discrepancy!r} mapped to OTHER")
        shipment_id, resolved = resolve_subject("awb", awb, subjects)
        add_event(
            builder,
            ref,
            references=references,
            details=details,
            subject_resolved=resolved,
            source=source,
            milestone=milestone,
            time_type=TimeType.ACTUAL,
            event_time=event_time,
            shipment_id=shipment_id,
            received_at=received_at,
            location=station,
            mode=Mode.AIR,
            reason=reason,
            source_code=code,
            raw_ref=ref,
        )
    return builder.build()
