"""Codes that name a location in carriers' messages: UN/LOCODE and GS1 GLN (pure checks).

A UN/LOCODE is an ISO 3166 country code and a three-character location part (letters and the
digits 2-9), written `DEHAM` or `DE HAM`; a GLN (GS1 Global Location Number) is 13 digits whose
last is the GS1 mod-10 check digit of the first twelve.
"""

from __future__ import annotations

import re

from logistics.errors import DomainError

_UNLOCODE = re.compile(r"^([A-Z]{2})\s?([A-Z2-9]{3})$")


def gs1_check_digit(digits: str) -> str:
    """GS1 mod-10 check digit of a digit string (weights 3, 1, 3, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def normalise_gln(value: str, what: str = "gln") -> str:
    """A GLN as 13 digits; DomainError naming the problem (length, non-digits, check digit)."""
    text = value.strip()
    if not text.isdigit() or len(text) != 13:
        raise DomainError(f"{what} {value!r} must be 13 digits (a GS1 Global Location Number)")
    expected = gs1_check_digit(text[:12])
    if text[12] != expected:
        raise DomainError(
            f"{what} {value!r} has a wrong check digit {text[12]} (GS1 mod-10 gives {expected})"
        )
    return text


def normalise_unlocode(value: str, what: str = "unlocode") -> str:
    """A UN/LOCODE as five characters (`DE HAM` -> `DEHAM`); DomainError when not one."""
    match = _UNLOCODE.match(value.strip().upper())
    if not match:
        raise DomainError(
            f"{what} {value!r} is not a UN/LOCODE (2-letter country and 3 characters A-Z, 2-9)"
        )
    return match.group(1) + match.group(2)
