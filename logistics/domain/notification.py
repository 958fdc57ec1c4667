"""What tracking tells subscribers: a change of a shipment's status, ETA or exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from logistics.domain.validation import require_aware


class NoticeKind(StrEnum):
    """The kinds of change a webhook subscriber can receive."""

    MILESTONE = "shipment.milestone"  # the shipment's status moved to a new milestone
    ETA_CHANGED = "shipment.eta_changed"
    EXCEPTION_OPENED = "exception.opened"
    EXCEPTION_CLOSED = "exception.closed"


@dataclass(frozen=True, slots=True)
class Notice:
    """One change to one shipment, produced when its tracking projection is refreshed.

    `milestone` is set for MILESTONE notices, `exception_reason` for EXCEPTION_* notices;
    `data` is the JSON-ready body subscribers receive (its keys depend on the kind). `basis`
    names the stored state the change was computed from: two refreshes computing the same change
    from the same state produce the same notice (its id), so it is queued only once.
    """

    kind: NoticeKind
    shipment_id: str
    shipper: str
    occurred_at: datetime
    milestone: str | None = None
    exception_reason: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    basis: str = ""

    def __post_init__(self) -> None:
        require_aware("notice occurred_at", self.occurred_at)
