"""Tracking's clock: the system clock, or the time LOGISTICS_NOW freezes it at."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from logistics import clock
from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import tracking_events as event_repo
from logistics.services.feed_ingest import ingest_raw, ingest_unified_batch
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from tests.conftest import FIXTURES


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


def test_ingestion_stamps_received_at_with_the_frozen_clock(
    monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    """With LOGISTICS_NOW set, every ingestion path stamps received_at with that time."""
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T20:00:00+08:00")
    get_settings.cache_clear()
    try:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        item = {
            "event_id": "clock-1",
            "source": "test",
            "service_id": "CV9751-20261130",
            "milestone": "DEPARTED",
            "time_type": "ACTUAL",
            "event_time": "2026-11-29T19:00:00+08:00",
            "location": "CGO",
        }
        report = ingest_unified_batch(session, [item])
        assert [r.status.value for r in report.items] == ["accepted"]
        raw = json.dumps([item | {"event_id": "clock-2", "milestone": "ARRIVED"}]).encode()
        assert [r.status.value for r in ingest_raw(session, "unified", raw).items] == ["accepted"]
        stored = event_repo.page_after(session, after_seq=0, updated_since=None, limit=10)
        stamped = {e.received_at for _, e in stored}
        assert stamped == {datetime(2026, 11, 29, 12, 0, tzinfo=UTC)}
    finally:
        monkeypatch.delenv("LOGISTICS_NOW")
        get_settings.cache_clear()
