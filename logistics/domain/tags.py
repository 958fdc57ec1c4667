"""The known requirement and capability tags (`dg`, `reefer`, ...), and close-match suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Tag -> what a shipment requiring it needs from a service or truck (tags are lower case).
KNOWN_TAGS: dict[str, str] = {
    "dg": "dangerous goods (IATA DGR / ADR / RID classes)",
    "reefer": "temperature-controlled (refrigerated) carriage",
    "pharma": "GDP pharmaceutical handling",
    "perishable": "perishable cargo (fresh food, flowers)",
    "live_animals": "live animals",
    "valuables": "high-value cargo in secured handling",
    "oversize": "out-of-gauge or heavy-lift pieces",
    "bonded": "customs-bonded carriage",
}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word` (case-insensitive), or None if none is close."""
    options = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.75)
    return options[match[0]] if match else None


def unknown_tag_message(tag: str) -> str:
    """Why `tag` is refused, with a did-you-mean and the known tags."""
    guess = closest(tag, KNOWN_TAGS)
    hint = f"; did you mean {guess!r}?" if guess else ""
    return f"unknown tag {tag!r}{hint} (known tags: {', '.join(KNOWN_TAGS)})"
