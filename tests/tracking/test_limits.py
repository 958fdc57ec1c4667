"""Event limits: text no longer than its column and times in range, else a reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from logistics.domain.tracking import Milestone, TimeType, TrackingEvent
from logistics.tracking.limits import storable

EVENT = TrackingEvent(
    event_id="EV-1",
    source="portal",
    milestone=Milestone.PICKED_UP,
    time_type=TimeType.ACTUAL,
    event_time=datetime(2026, 11, 29, 10, 5, tzinfo=timezone(timedelta(hours=8))),
    shipment_id="SH00001",
)


def test_a_storable_event_has_no_reason() -> None:
    """An ordinary event passes."""
    assert storable(EVENT, {"awb": "160-12345675"}) is None


def test_text_over_its_column_nul_and_surrogates_are_refused() -> None:
    """Each field names itself, its length and the limit."""
    assert storable(replace(EVENT, event_id="E" * 129), {}) == (
        "event_id is 129 characters long; at most 128 are stored"
    )
    assert "NUL" in (storable(replace(EVENT, shipment_id="SH\x001"), {}) or "")
    assert "surrogate" in (storable(replace(EVENT, source="s\ud800"), {}) or "")
    assert "at most 512" in (storable(EVENT, {"awb": "1" * 513}) or "")


def test_times_outside_1970_to_9998_are_refused() -> None:
    """Year 1 (which has no room for an offset on the way to UTC) is out of range."""
    old = replace(EVENT, event_time=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))
    assert "out of range" in (storable(old, {}) or "")
