"""The scenario as it stands at `now`: only what can still be booked from that moment on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from logistics.domain import Scenario
from logistics.domain.validation import require_aware

MIN_SHIFT_LEFT = timedelta(minutes=30)  # less than this left of a shift at now: none


def whole_minute(now: datetime) -> datetime:
    """`now` rounded up to the next whole minute (the unit the solvers work in), so nothing a
    solver rounds to its minute can fall before it."""
    require_aware("now", now)
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + timedelta(minutes=1)


def as_of(scenario: Scenario, now: datetime) -> Scenario:
    """The scenario without services whose cutoff is before `now` and with truck shifts starting
    no earlier than `now` (a shift with less than MIN_SHIFT_LEFT left is gone). Shipments stay
    as they are: the search treats one as ready at the later of its ready time and now."""
    services = tuple(s for s in scenario.services if s.cutoff >= now)
    vehicles = tuple(
        v if v.available_from >= now else replace(v, available_from=now)
        for v in scenario.vehicles
        if v.available_until - max(now, v.available_from) >= MIN_SHIFT_LEFT
    )
    return replace(scenario, services=services, vehicles=vehicles)
