"""Checking a bundle file's header row: the wrong separator, and renamed or missing columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from logistics.domain.tags import closest

if TYPE_CHECKING:  # table.py calls this module; the types only are needed here
    from logistics.bundles.table import Column, ProblemLog

SEPARATORS = {";": "semicolon", "\t": "tab", "|": "vertical bar"}


def _other_separator(
    first_line: str, header: Sequence[str], columns: Sequence[Column]
) -> str | None:
    """The separator the file seems to use instead of commas, if its header reads that way."""
    if len(header) > 1:
        return None
    names = {c.name for c in columns}
    for sep in SEPARATORS:
        cells = next(csv.reader(io.StringIO(first_line), delimiter=sep), [])
        if len(cells) > 1 and names & {c.strip() for c in cells}:
            return sep
    return None


def header_ok(
    first_line: str, header: Sequence[str], columns: Sequence[Column], log: ProblemLog
) -> bool:
    """Log what is wrong with the header (one hint for a wrong separator); True when it is usable."""
    sep = _other_separator(first_line, header, columns)
    if sep is not None:
        log.add(
            1,
            "*",
            f"the file is separated by {SEPARATORS[sep]}s ({sep!r}), not commas; save it as "
            "comma-separated CSV (in a spreadsheet: 'Save as CSV', field delimiter ',')",
        )
        return False
    missing = [c.name for c in columns if c.required and c.name not in header]
    unexpected = [h for h in header if h and h not in {c.name for c in columns}]
    for name in missing:
        guess = closest(name, unexpected)
        if guess is None:
            guess = next((h for h in unexpected if name.startswith(h) or h.startswith(name)), None)
        if guess is not None:
            unexpected.remove(guess)
            log.add(
                1,
                name,
                f"required column {name!r} is missing; found {guess!r} — did you mean {name}?",
            )
        else:
            log.add(1, name, f"required column {name!r} is missing from the header")
    return not missing
