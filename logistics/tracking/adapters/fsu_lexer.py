"""Cargo-IMP FSU text cut into messages and lines: Type-B envelopes, consignment lines, status
lines with their continuations (the adapter's first stage; element layouts are in fsu_grammar)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from logistics.tracking.adapters.fsu_grammar import QUANTITY
from logistics.tracking.results import ResultBuilder

SMI = re.compile(r"^(FSU|FSA)/(\d{1,3})$")
AWB = re.compile(r"^(\d{3})-(\d{8})(?:([A-Z]{3})([A-Z]{3}))?(?:/(.*))?$")
_ADDRESS = re.compile(r"^(Q[A-Z]|[A-Z]{2})( [A-Z0-9]{7})+$")
_ORIGIN = re.compile(r"^\.([A-Z0-9]{7})(?: (\d{6}))?(?: (\S+))?")
_LINE_ID = re.compile(r"^([A-Z]{3})/(.*)$")
_CONTROL = str.maketrans("", "", "\x01\x02\x03\x04")
_LB_TO_KG = 0.45359237


@dataclass
class Logical:
    """One text element: a status (or ULD/OCI/OSI) line and its `/` continuation lines."""

    number: int
    code: str
    fields: list[str]
    text: str
    continuation: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Message:
    """One message (or one consignment part of an FSA): its AWB, details and lines."""

    number: int
    version: str
    awb: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    lines: list[Logical] = field(default_factory=list)


_ONE_LINE = re.compile(r"^((?:FSU|FSA)/\d{1,3})\s+(\d{3}-\d{8}\S*)\s+([A-Z]{3}/.*)$")


def _lines(text: str) -> list[tuple[int, str]]:
    """Numbered lines; a message written on one line (`FSU/14 <AWB line> <status line>`, as
    documentation quotes them) is read as its three lines, all numbered as that line."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        m = _ONE_LINE.match(raw.translate(_CONTROL).strip().upper())
        if m:
            start = raw.upper().index(m.group(3)[:4])
            out += [(number, m.group(1)), (number, m.group(2)), (number, raw.strip()[start:])]
        else:
            out.append((number, raw))
    return out


def split_messages(text: str, builder: ResultBuilder) -> list[Message]:
    """Cut the payload into messages (skipping Type-B envelopes) and logical lines."""
    messages: list[Message] = []
    current: Message | None = None
    expect_awb = False
    origin: dict[str, str] = {}
    for number, raw in _lines(text):
        ends = "\x03" in raw
        line = raw.translate(_CONTROL).strip()
        if line and (m := SMI.match(line.upper())):
            current = Message(number, m.group(2), details=dict(origin))
            messages.append(current)
            expect_awb, origin = True, {}
        elif line and not expect_awb and (_ADDRESS.match(line) or _ORIGIN.match(line)):
            current = None
            if o := _ORIGIN.match(line):
                origin = {"type_b_origin": o.group(1)}
                if o.group(3):
                    origin["type_b_message_id"] = o.group(3)
        elif line and current is not None and expect_awb:
            expect_awb = False
            _consignment(current, line.upper(), number, builder)
        elif line and current is not None and AWB.match(line.upper()):
            # an FSA may report several consignments: each consignment line starts a new part
            envelope = {k: v for k, v in current.details.items() if k.startswith("type_b_")}
            current = Message(number - 1, current.version, details=envelope)
            messages.append(current)
            _consignment(current, line.upper(), number, builder)
        elif line and current is not None:
            if line.startswith("/") and current.lines:
                current.lines[-1].continuation.append((number, line))
            elif m := _LINE_ID.match(line.upper()):
                text_fields = line.split("/")[1:]
                current.lines.append(Logical(number, m.group(1), text_fields, line))
            else:
                builder.error(
                    f"line {number}",
                    f"{line[:20]!r} is neither a status line (CODE/...) nor a continuation (/...)",
                    index=number,
                    code="unrecognised_line",
                )
        elif line:
            builder.error(
                f"line {number}",
                "outside an FSU message: a message starts with its FSU/nn line",
                index=number,
                code="outside_message",
            )
        if ends:
            current, expect_awb = None, False
    return messages


def _consignment(message: Message, line: str, number: int, builder: ResultBuilder) -> None:
    ref = f"line {number}"
    m = AWB.match(line)
    if not m:
        builder.error(
            ref,
            f"consignment detail: expected the AWB (e.g. 160-12345675CGOLUX/T10K250), got {line!r}",
            index=number,
            code="bad_consignment_line",
        )
        return
    prefix, serial, origin, destination, quantity = m.groups()
    message.awb = f"{prefix}-{serial}"
    if quantity and not QUANTITY.match(quantity):
        # the statuses are still about this AWB: only the consignment's quantity is not read
        builder.warning(
            ref,
            f"consignment detail: quantity {quantity!r} is not T/P pieces [K|L weight] "
            "[T total]; not read",
            index=number,
            code="bad_element",
        )
        quantity = None
    if int(serial[:7]) % 7 != int(serial[7]):
        builder.warning(
            ref,
            f"AWB {message.awb}: check digit does not match (serial mod 7)",
            index=number,
            code="awb_check_digit",
        )
    if origin:
        message.details.update(awb_origin=origin, awb_destination=destination or "")
    if quantity:
        message.details.update(quantity_details(quantity, "awb_"))


def quantity_details(text: str, prefix: str = "") -> dict[str, str]:
    """A quantity element (`P4K120T10`) as details: kind, pieces, weight in kg, total pieces."""
    m = QUANTITY.match(text)
    assert m is not None
    kind, pieces, unit, weight, total = m.groups()
    kinds = {"T": "total", "P": "part", "S": "split", "D": "divided", "M": "multi"}
    out = {f"{prefix}quantity_type": kinds[kind], f"{prefix}pieces": pieces}
    if weight:
        kg = float(weight) if unit == "K" else round(float(weight) * _LB_TO_KG, 1)
        out[f"{prefix}weight_kg"] = f"{kg:g}"
        if unit == "L":
            out[f"{prefix}weight_lb"] = weight
    if total:
        out[f"{prefix}total_pieces"] = total
    return out
