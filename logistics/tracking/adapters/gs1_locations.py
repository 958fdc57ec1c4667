"""GS1 location keys (GLN, SGLN) as EPCIS writes them, turned into one spelling for our places.

An EPCIS `readPoint` / `bizLocation` is an SGLN EPC URN (`urn:epc:id:sgln:4012345.00022.0`), a
GS1 Digital Link URI (`https://id.gs1.org/414/4012345000221`, `/254/<extension>` for a
sub-location) or, rarely, the bare 13-digit GLN. All three name the same place, so each is read as
its GLN (13 digits, check digit computed or verified) and extension (`0` or absent = none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from logistics.tracking.identifiers import check_digit

_SGLN = re.compile(r"^urn:epc:id:sgln:(\d+)\.(\d*)\.(.*)$", re.IGNORECASE)
_LINK = re.compile(r"^https?://[^/]+/(?:.*/)?414/(\d{13})(?:/254/([^/?#]+))?/?(?:[?#].*)?$")
_BARE = re.compile(r"^\d{13}$")


@dataclass(frozen=True, slots=True)
class Gln:
    """A GLN and its optional extension (a sub-location such as a dock door)."""

    gln: str
    extension: str | None

    @property
    def code(self) -> str:
        """The place code kept on an event: `gln:<13 digits>` and `.<extension>` when there is one."""
        return f"gln:{self.gln}" + (f".{self.extension}" if self.extension else "")

    def candidates(self) -> tuple[str, ...]:
        """Spellings looked up among our locations, most specific first."""
        whole = [f"gln:{self.gln}.{self.extension}"] if self.extension else []
        return (*whole, f"gln:{self.gln}", self.gln)


def parse_gln(text: str) -> Gln | None:
    """The GLN an SGLN URN, a Digital Link URI or 13 digits names; None for any other text.

    Raises ValueError for an SGLN or a Digital Link that is malformed (length, check digit).
    """
    text = text.strip()
    urn = _SGLN.match(text)
    if urn:
        stem, written = urn.group(1) + urn.group(2), unquote(urn.group(3))
        if len(stem) != 12:
            raise ValueError(
                f"SGLN {text!r}: company prefix and location reference must be 12 digits together"
            )
        return Gln(stem + check_digit(stem), None if written in ("", "0") else written)
    link = _LINK.match(text)
    digits = link.group(1) if link else text if _BARE.match(text) else None
    if digits is None:
        return None
    if check_digit(digits[:-1]) != digits[-1]:
        raise ValueError(
            f"GLN {digits} has a wrong check digit (expected {check_digit(digits[:-1])})"
        )
    extension = unquote(link.group(2)) if link and link.group(2) else ""
    return Gln(digits, None if extension in ("", "0") else extension)
