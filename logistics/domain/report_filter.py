"""What an analyst report is restricted to: period, hub, mode, lane, shipper, carrier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from logistics.domain.enums import Mode
from logistics.domain.validation import require_aware
from logistics.errors import DomainError


class Granularity(StrEnum):
    """The time bucket of a report's period column."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Report restrictions; None means no restriction. The period is half-open [start, end)."""

    start: datetime | None = None
    end: datetime | None = None
    hub: str | None = None
    mode: Mode | None = None
    lane: str | None = None
    shipper: str | None = None
    carrier: str | None = None

    def __post_init__(self) -> None:
        if self.start is not None:
            require_aware("report period start", self.start)
        if self.end is not None:
            require_aware("report period end", self.end)
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise DomainError(
                f"the report period must end after it starts: to {self.end.isoformat()} "
                f"is not after from {self.start.isoformat()}"
            )

    def described(self) -> dict[str, str]:
        """Every restriction as text ("all" where there is none), for export headers."""
        return {
            "from": self.start.isoformat() if self.start else "open",
            "to": self.end.isoformat() if self.end else "open",
            "hub": self.hub or "all",
            "mode": self.mode.value if self.mode else "all",
            "lane": self.lane or "all",
            "shipper": self.shipper or "all",
            "carrier": self.carrier or "all",
        }


def parse_bound(text: str, name: str) -> datetime:
    """A period bound: `YYYY-MM-DD` (midnight UTC) or ISO 8601 date-time with a UTC offset."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(
            f"{name} {text!r} is not a date (2026-11-30) or a time with offset (2026-11-30T08:00+08:00)"
        ) from None
    if len(value) == 10:
        moment = moment.replace(tzinfo=UTC)
    if moment.tzinfo is None:
        raise DomainError(
            f"{name} {text!r} has no UTC offset; write it like {value}+08:00 or {value}Z"
        )
    if not 1970 <= moment.year <= 9998:  # year 1 at +14:00 has no year in UTC
        raise DomainError(f"{name} {text!r} is out of range: dates from 1970 to 9998 are accepted")
    return moment
