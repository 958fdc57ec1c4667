"""One plain sentence a shipper reads first: where the consignment stands and why (pure).

Examples: "delivered 2026-12-02 11:40 (+01:00)"; "disrupted: CV9751-20261130 cancelled; waiting
for a new booking"; "delayed: CV9751-20261130 cancelled, rebooked on CV9753-20261201, new ETA
2026-12-01 14:10 (+01:00)"; "on its way (departed), ETA ... (due ...)". When the event that gave
the status was about part of the consignment (an air cargo split, `pieces` = "5 of 10"), the
sentence says so: "on its way (departed, 5 of 10 pieces): ...", "delivered (5 of 10 pieces) ...";
`pieces_moved` adds up the parts of one milestone at one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from logistics.domain.tracking import ExceptionReason, Milestone

Fmt = Callable[[datetime], str]
_PART = re.compile(r"^(\d+) of (\d+)$")


def pieces_moved(events: Sequence[tuple[str | None, str, Mapping[str, str]]]) -> str | None:
    """How many pieces the events of one milestone moved: `5 of 10`, else None.

    `events`: (place, time, stored references) of each event of the milestone, oldest first.
    The newest decides the place; there each event's `pieces` reference (`5 of 10`, a split
    status) counts once per flight (its largest report; an event without a flight, such as a
    part delivery, counts once per time), and the parts add up. None when the newest event was
    about every piece, or the parts there reach the total, or their totals disagree.
    """
    if not events or not events[-1][2].get("pieces"):
        return None
    place = events[-1][0]
    per_part: dict[str, int] = {}
    totals: set[int] = set()
    for location, when, refs in events:
        found = _PART.match(refs.get("pieces", ""))
        if found is None or location != place:
            continue
        part = refs.get("flight") or when
        per_part[part] = max(per_part.get(part, 0), int(found.group(1)))
        totals.add(int(found.group(2)))
    if len(totals) != 1:
        return None
    (total,) = totals
    moved = sum(per_part.values())
    return f"{moved} of {total}" if moved < total else None


def pieces_phrase(pieces: str | None) -> str | None:
    """How the sentences word a part of the pieces: `5 of 10 pieces` (None: all of them)."""
    return f"{pieces} pieces" if pieces else None


_WAITING = "waiting for a new booking"


def status_sentence(
    *,
    status: Milestone | None,
    delivered_at: datetime | None,
    eta: datetime | None,
    due_at: datetime,
    open_reasons: Sequence[tuple[ExceptionReason, str]],
    recovered_from: Sequence[str],
    movements: Sequence[str],
    fmt_eta: Fmt,
    fmt_due: Fmt,
    pieces: str | None = None,
) -> str:
    """The sentence. `open_reasons`: open exceptions (reason, detail); `recovered_from`: summaries
    of disruptions or missed connections the shipment was rebooked around; `movements`: the
    services (else trucks) of its booked legs not yet travelled, in order; `pieces`: how many of
    its pieces the newest event of the status milestone was about ("5 of 10"), None for all."""
    part = pieces_phrase(pieces)
    if delivered_at is not None:
        late = " (late)" if delivered_at > due_at else ""
        which = f" ({part})" if part else ""
        return f"delivered{which} {fmt_eta(delivered_at)}{late}"
    reasons = dict(open_reasons)
    if ExceptionReason.DISRUPTED in reasons:
        cause = reasons[ExceptionReason.DISRUPTED].split(" (disruption ")[0]
        return f"disrupted: {cause}; {_WAITING}"
    if ExceptionReason.MISSED_CONNECTION in reasons:
        return f"delayed: missed its connection ({reasons[ExceptionReason.MISSED_CONNECTION]}); {_WAITING}"
    if ExceptionReason.OFFLOADED in reasons:
        return f"delayed: offloaded; {_WAITING}"
    when = f"ETA {fmt_eta(eta)}" if eta is not None else "ETA unknown until a replan"
    if recovered_from:
        cause = recovered_from[-1].split(" (disruption ")[0]
        via = f"rebooked on {movements[0]}" if movements else "rebooked"
        return f"delayed: {cause}, {via}, new {when}"
    if ExceptionReason.DELAY in reasons or (eta is not None and eta > due_at):
        return f"running late: {when}, due {fmt_due(due_at)}"
    if status is None:
        return f"booked: {when}, due {fmt_due(due_at)}"
    where = ", ".join(p for p in (status.value.lower().replace("_", " "), part) if p)
    return f"on its way ({where}): {when}, due {fmt_due(due_at)}"
