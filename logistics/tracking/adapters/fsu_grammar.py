"""Cargo-IMP FSU/FSA line grammar (FSU/14, /15; the FSA specification the FSU refers to).

Each status line is `CODE/field/field/...`; the fields of each status code come in a fixed order,
optional ones may be left out (empty between slants, or absent). `LAYOUTS` lists, per status
code, the elements in the manual's order; `parse_status_line` matches the fields against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from logistics.tracking.adapters._common import RecordError

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_CHANGE = {"P": -1, "N": 1, "S": 2, "T": 3} | {c: 4 + i for i, c in enumerate("ABCDEFGHIJKL")}
"""Day change indicators (Cargo-IMP code list 1.41): P previous day, N next, S second, T third,
A to L the fourth to fifteenth day after the day they count from."""

_FLIGHT = re.compile(r"^([A-Z0-9]{2})(\d{1,4}[A-Z]?)$")
_CARRIER = re.compile(r"^[A-Z0-9]{2}$")
_DATE_TIME = re.compile(r"^(\d{2})([A-Z]{3})(\d{4})?(?:-([A-Z]))?$")
_DATE = re.compile(r"^(\d{2})([A-Z]{3})(\d{4})?$")  # hhmm here is not the manual's (read, warned)
_AIRPORT = re.compile(r"^[A-Z]{3}$")
_AIRPORT_PAIR = re.compile(r"^([A-Z]{3})([A-Z]{3})$")
QUANTITY = re.compile(r"^([TPSDM])(\d{1,4})(?:([KL])(\d{1,7}(?:\.\d+)?))?(?:T(\d{1,4}))?$")
_TIME_INFO = re.compile(r"^([SEA])(\d{4})(?:-([A-Z]))?$")
_VOLUME = re.compile(r"^(MC|CI|CF|CC)(\d{1,9}(?:\.\d+)?)$")
_DENSITY = re.compile(r"^DG(\d{1,2})$")
_DISCREPANCY = re.compile(r"^[A-Z]{4}$")
_MANIFEST = re.compile(r"^\d{6}$")

# element kind -> (pattern, human name as the manual calls it)
ELEMENTS: dict[str, tuple[re.Pattern[str], str]] = {
    "flight": (_FLIGHT, "Carrier Code and Flight Number"),
    "carrier": (_CARRIER, "Carrier Code"),
    "date_time": (_DATE_TIME, "Day, Month and Actual Time"),
    "flight_date": (_DATE, "Day and Month (of Scheduled Departure)"),
    "airport": (_AIRPORT, "Airport Code"),
    "airports": (_AIRPORT_PAIR, "Airport Codes (of Departure and Arrival)"),
    "quantity": (QUANTITY, "Quantity Detail"),
    "departure_time": (_TIME_INFO, "Time of Departure Information"),
    "arrival_time": (_TIME_INFO, "Time of Arrival Information"),
    "volume": (_VOLUME, "Volume Detail"),
    "density": (_DENSITY, "Density Group"),
    "discrepancy": (_DISCREPANCY, "Discrepancy Code"),
    "manifest": (_MANIFEST, "Transfer Manifest Number"),
    "name": (re.compile(r"^.{1,35}$"), "Name"),
    "other_carrier": (_CARRIER, "Carrier Code"),
}

_FLIGHT_LINE = ("flight", "flight_date", "airports", "quantity", "departure_time", "arrival_time")
LAYOUTS: dict[str, tuple[str, ...]] = {
    "RCS": ("date_time", "airport", "quantity", "name"),
    "FOH": ("date_time", "airport", "quantity", "name"),
    "RCT": ("carrier", "date_time", "airport", "quantity", "other_carrier", "name"),
    "RCF": ("flight", "date_time", "airport", "quantity", "arrival_time"),
    "BKD": (*_FLIGHT_LINE, "volume", "density"),
    "MAN": _FLIGHT_LINE,
    "DEP": _FLIGHT_LINE,
    "PRE": _FLIGHT_LINE,
    "TRM": ("carrier", "airport", "quantity"),
    "TFD": ("carrier", "date_time", "airport", "quantity", "manifest", "other_carrier", "name"),
    "NFD": ("date_time", "airport", "quantity", "name"),
    "AWD": ("date_time", "airport", "quantity", "name"),
    "CCD": ("date_time", "airport", "quantity"),
    "DLV": ("date_time", "airport", "quantity", "name"),
    "DIS": ("flight", "date_time", "airport", "discrepancy", "quantity"),
    "CRC": ("date_time", "airport", "quantity", "flight", "flight_date", "airports"),
    "DDL": ("date_time", "airport", "quantity", "name"),
    "TGC": ("date_time", "airport", "quantity"),
    "ARR": ("flight", "date_time", "airport", "quantity", "arrival_time"),
    "AWR": ("flight", "date_time", "airport", "quantity", "arrival_time"),
}
"""Status code -> its elements in order (Cargo-IMP FSA specification, Refs 3 to 22); the time of
departure is not part of RCF, ARR and AWR lines (notes FSA55, FSA108)."""

CONTINUATION: dict[str, tuple[str, ...]] = {
    "RCS": ("volume", "density"),
    "FOH": ("volume", "density"),
    "RCT": ("other_carrier", "name"),
    "TFD": ("other_carrier", "name"),
}
"""Status codes whose continuation line (`/...`) carries elements: volume, or the other party."""

_FLIGHT_CODES = frozenset({"BKD", "MAN", "DEP", "PRE"})


@dataclass
class StatusLine:
    """The elements found on one status line (and its continuation lines), by kind."""

    code: str
    values: dict[str, re.Match[str]] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)

    def get(self, kind: str) -> re.Match[str] | None:
        """The match of an element, or None when it was not given."""
        return self.values.get(kind)


def _assign(status: StatusLine, layout: tuple[str, ...], fields: list[str], where: str) -> None:
    position = 0
    for number, raw in enumerate(fields, 1):
        value = raw.strip()
        if not value:
            position += 1  # an empty field stands for an optional element left out
            continue
        while position < len(layout):
            kind = layout[position]
            position += 1
            match = ELEMENTS[kind][0].match(value)
            if match:
                status.values[kind] = match
                status.text[kind] = value
                break
        else:
            expected = ", ".join(ELEMENTS[k][1] for k in layout) or "no element"
            raise RecordError(
                f"{where} field {number} {value!r}: not an element of {status.code} at that "
                f"place (in order: {expected})"
            )


def parse_status_line(code: str, fields: list[str], continuation: list[list[str]]) -> StatusLine:
    """Match a status line's fields (after the code) and continuation lines to its layout."""
    status = StatusLine(code)
    _assign(status, LAYOUTS[code], fields, code)
    for extra in continuation:
        _assign(status, CONTINUATION.get(code, ()), extra, f"{code} continuation line")
    if code in _FLIGHT_CODES:
        required: tuple[str, ...] = ("airports",)
    elif code == "TRM":
        required = ("carrier", "airport")
    else:
        required = ("date_time", "airport")
    for kind in required:
        if kind not in status.values:
            raise RecordError(f"{code}: mandatory element {ELEMENTS[kind][1]} is missing")
    return status
