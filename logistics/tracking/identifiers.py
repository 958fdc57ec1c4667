"""GS1 identifiers as feeds write them (EPC URNs, GS1 Digital Link, plain digits), canonicalised.

Canonical spellings (what a shipment reference stores and what adapters look up):
- `sscc`: the 18 digits (extension digit, company prefix, serial reference, check digit);
- `grai`: the 14 digits of AI 8003 (a leading 0, company prefix, asset type, check digit)
  followed by the serial, e.g. `04012345666663` + `ABC123`;
- `giai`: company prefix and asset reference as one string;
- `sgtin`: the GTIN-14, `/`, the serial.
EPC URNs (`urn:epc:id:sscc:0614141.1234567890`, TDS 2.0) carry the company prefix length in the
dot; the check digit they leave out is computed here.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

GS1_KINDS = ("sscc", "grai", "giai", "sgtin")
_URN = re.compile(r"^urn:epc:id:(sscc|grai|giai|sgtin):(.+)$", re.IGNORECASE)
_DIGITAL_LINK = re.compile(r"^https?://[^/]+/(?:.*/)?(00|8003|8004|01)/([^/?#]+)(?:/21/([^/?#]+))?")


def check_digit(digits: str) -> str:
    """GS1 mod-10 check digit of a digit string (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _digits(value: str, length: int, name: str) -> str:
    if not value.isdigit() or len(value) != length:
        raise ValueError(f"{name} {value!r} must be {length} digits")
    if check_digit(value[:-1]) != value[-1]:
        raise ValueError(
            f"{name} {value!r} has a wrong check digit (expected {check_digit(value[:-1])})"
        )
    return value


def _from_urn(kind: str, body: str) -> str:
    parts = unquote(body).split(".")
    if kind == "sscc":
        if len(parts) != 2 or not "".join(parts).isdigit() or len("".join(parts)) != 17:
            raise ValueError(f"SSCC EPC {body!r} must be CompanyPrefix.SerialReference, 17 digits")
        prefix, serial = parts
        stem = serial[0] + prefix + serial[1:]
        return stem + check_digit(stem)
    if kind == "grai":
        if len(parts) != 3 or not (parts[0] + parts[1]).isdigit() or len(parts[0] + parts[1]) != 12:
            raise ValueError(f"GRAI EPC {body!r} must be CompanyPrefix.AssetType.Serial")
        stem = "0" + parts[0] + parts[1]
        return stem + check_digit(stem) + parts[2]
    if kind == "giai":
        if len(parts) != 2 or not parts[0].isdigit():
            raise ValueError(f"GIAI EPC {body!r} must be CompanyPrefix.IndividualAssetReference")
        return parts[0] + parts[1]
    if len(parts) != 3 or not (parts[0] + parts[1]).isdigit() or len(parts[0] + parts[1]) != 13:
        raise ValueError(f"SGTIN EPC {body!r} must be CompanyPrefix.IndicatorItemReference.Serial")
    stem = parts[1][0] + parts[0] + parts[1][1:]
    return f"{stem}{check_digit(stem)}/{parts[2]}"


def parse_identifier(text: str) -> tuple[str, str] | None:
    """(kind, canonical value) of an EPC URN or GS1 Digital Link URI; None if it is neither.

    Raises ValueError when the text is one of those forms but malformed (wrong length, check digit).
    """
    text = text.strip()
    urn = _URN.match(text)
    if urn:
        return urn.group(1).lower(), _from_urn(urn.group(1).lower(), urn.group(2))
    link = _DIGITAL_LINK.match(text)
    if link:
        ai, value, serial = link.group(1), unquote(link.group(2)), link.group(3)
        if ai == "00":
            return "sscc", _digits(value, 18, "SSCC")
        if ai == "8003":
            return "grai", canonical("grai", value)
        if ai == "8004":
            return "giai", value
        if serial:
            return "sgtin", f"{_digits(value, 14, 'GTIN')}/{unquote(serial)}"
    return None


def canonical(kind: str, value: str) -> str:
    """The canonical spelling of a GS1 identifier given as a URN, a Digital Link or plain digits."""
    value = value.strip()
    parsed = parse_identifier(value)
    if parsed is not None:
        if parsed[0] != kind:
            raise ValueError(f"{value!r} is a {parsed[0].upper()}, not a {kind.upper()}")
        return parsed[1]
    if kind == "sscc":
        return _digits(value.removeprefix("00") if len(value) == 20 else value, 18, "SSCC")
    if kind == "grai":
        digits = (
            value.removeprefix("8003") if len(value) > 14 and value.startswith("8003") else value
        )
        if len(digits) < 14 or not digits[:14].isdigit():
            raise ValueError(f"GRAI {value!r} must start with 14 digits (0 + 13-digit GRAI)")
        _digits(digits[:14], 14, "GRAI")
        return digits
    if kind == "giai":
        if not value:
            raise ValueError("GIAI must not be empty")
        return value
    if kind == "sgtin":
        gtin, _, serial = value.partition("/")
        if not serial:
            raise ValueError(f"SGTIN {value!r} must be GTIN-14/serial")
        return f"{_digits(gtin, 14, 'GTIN')}/{serial}"
    raise ValueError(f"unknown GS1 identifier kind {kind!r}")
