"""FSU times: station time zones, year-less dates, hhmm with day changes (the adapter's clock)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.tracking import places
from logistics.tracking.adapters._common import RecordError, Subjects
from logistics.tracking.adapters._places import Places
from logistics.tracking.adapters.fsu_grammar import DAY_CHANGE, ELEMENTS, MONTHS


@dataclass
class FsuContext:
    """What the adapter knows besides the text: zones, reception time, source, subjects, and
    our locations standing for a station (`locations`: a table or the service's lookup)."""

    zones: Mapping[str, str]
    reference: datetime
    source: str
    received_at: datetime | None
    subjects: Subjects
    locations: Places = None


def zone_of(airport: str, ctx: FsuContext) -> ZoneInfo:
    """The IANA zone of a station: the platform's locations first, then any IATA airport."""
    name = ctx.zones.get(airport) or places.timezone_of(airport)
    if not name:
        raise RecordError(f"no time zone known for {airport}: not an IATA airport code")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RecordError(f"unknown time zone {name!r} for airport {airport}") from exc


def date_near(day: str, month: str, ctx: FsuContext, zone: ZoneInfo) -> datetime:
    """Midnight of day+month in the year that puts it nearest the reference time."""
    if month not in MONTHS:
        raise RecordError(f"unknown month {month!r} in {day}{month}")
    best: datetime | None = None
    for year in (ctx.reference.year - 1, ctx.reference.year, ctx.reference.year + 1):
        try:
            candidate = datetime(year, MONTHS.index(month) + 1, int(day), tzinfo=zone)
        except ValueError:
            continue
        if best is None or abs(candidate - ctx.reference) < abs(best - ctx.reference):
            best = candidate
    if best is None:
        raise RecordError(f"day {day} does not exist in {month}")
    return best


def at_time(base: datetime, hhmm: str, change: str | None, zone: ZoneInfo) -> datetime:
    """hhmm on the day of `base`, moved by a day-change indicator, in `zone`."""
    hh, mm = int(hhmm[:2]), int(hhmm[2:])
    if hh > 23 or mm > 59:
        raise RecordError(f"time {hhmm} is not a valid hhmm")
    if change is not None and change not in DAY_CHANGE:
        raise RecordError(f"day change indicator -{change} is not in code list 1.41 (P N S T A-L)")
    day = base.date() + timedelta(days=DAY_CHANGE.get(change or "", 0))
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone)


_T = TypeVar("_T")


def element(kind: str, text: str, compute: Callable[[], _T]) -> _T:
    """Run `compute`; a RecordError names the element and the value it came from."""
    try:
        return compute()
    except RecordError as exc:
        raise RecordError(f"element {ELEMENTS[kind][1]} {text!r}: {exc}") from exc
