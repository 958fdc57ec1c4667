"""UTC text written from tables and a per-day cache is exactly what datetime writes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from logistics.domain.utc_text import utc_isoformat, utc_sqlite_text

ZONES = [
    UTC,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-3, minutes=-30)),
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Luxembourg"),
]


def _instants(count: int) -> list[datetime]:
    """Instants of any year (to the day before 9999's end), whole seconds and fractions, in
    fixed and named zones."""
    rng = random.Random(11)
    out = []
    for _ in range(count):
        moment = datetime(rng.randint(2, 9998), 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randint(0, 366 * 86400),
            microseconds=rng.choice((0, rng.randint(1, 999_999))),
        )
        out.append(moment.astimezone(rng.choice(ZONES)))
    return out


def test_utc_isoformat_is_isoformat_in_utc() -> None:
    for local in _instants(20_000):
        assert utc_isoformat(local) == local.astimezone(UTC).isoformat()


def test_utc_sqlite_text_is_the_stored_form() -> None:
    for local in _instants(20_000):
        expected = local.astimezone(UTC).isoformat(" ", "microseconds")[:26]
        assert utc_sqlite_text(local) == expected


def test_the_same_instant_in_any_zone_is_one_text() -> None:
    for local in _instants(2_000):
        utc = local.astimezone(UTC)
        assert utc_isoformat(local) == utc_isoformat(utc)
        assert utc_sqlite_text(local) == utc_sqlite_text(utc)
