"""Tracking's clock: the system clock, or the time LOGISTICS_NOW freezes it at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from logistics import clock
from logistics.settings import get_settings


def test_frozen_clock_reads_the_setting_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOGISTICS_NOW with any offset is returned as the same instant in UTC."""
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T20:00:00+08:00")
    get_settings.cache_clear()
    try:
        assert clock.now() == datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
        assert clock.now().tzinfo is UTC
    finally:
        monkeypatch.delenv("LOGISTICS_NOW")
        get_settings.cache_clear()


def test_unset_clock_is_the_system_clock() -> None:
    """Without the setting the clock is within a second of the system's, in UTC."""
    get_settings.cache_clear()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_a_frozen_time_without_offset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A naive time is an error that says how to write it."""
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T12:00:00")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValidationError, match="UTC offset"):
            get_settings()
    finally:
        monkeypatch.delenv("LOGISTICS_NOW")
        get_settings.cache_clear()
