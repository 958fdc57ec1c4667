"""One plain sentence a shipper reads first: where the consignment stands and why (pure).

Examples: "delivered 2026-12-02 11:40 (+01:00)"; "disrupted: CV9751-20261130 cancelled; waiting
for a new booking"; "delayed: CV9751-20261130 cancelled, rebooked on CV9753-20261201, new ETA
2026-12-01 14:10 (+01:00)"; "on its way (departed), ETA ... (due ...)".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from logistics.domain.tracking import ExceptionReason, Milestone

Fmt = Callable[[datetime], str]
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
) -> str:
    """The sentence. `open_reasons`: open exceptions (reason, detail); `recovered_from`: summaries
    of disruptions or missed connections the shipment was rebooked around; `movements`: the
    services (else trucks) of its booked legs not yet travelled, in order."""
    if delivered_at is not None:
        late = " (late)" if delivered_at > due_at else ""
        return f"delivered {fmt_eta(delivered_at)}{late}"
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
    return f"on its way ({status.value.lower().replace('_', ' ')}): {when}, due {fmt_due(due_at)}"
