"""Stored projections: ingestion marks shipments stale, refresh opens and closes exceptions,
rebuild reproduces the same state, GPS positions feed lost-tracking, notices follow changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.domain import NoticeKind
from logistics.persistence.repositories import tracking_state
from logistics.services import feed_ingest, tracking_refresh
from logistics.services.import_scenario import import_scenario
from tests.booking import BOOKED, FIXTURES, book_minimal

NOW = datetime.fromisoformat("2026-11-29T10:00:00+00:00")


def _book(session: Session) -> None:
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    book_minimal(session)


def _send(session: Session, name: str) -> None:
    report = feed_ingest.ingest_unified_batch(session, BOOKED[name])
    assert all(item.status.value == "accepted" for item in report.items), report


def _open(session: Session, shipment_id: str) -> list[str]:
    return sorted(row.reason for row in tracking_state.open_for(session, shipment_id))


def test_state_follows_events_and_exceptions_open_and_close(session: Session) -> None:
    _book(session)
    first = tracking_refresh.refresh(session, now=NOW)
    assert first.refreshed == 2 and first.opened == 0
    state = tracking_state.get(session, "SH00001")
    assert state is not None and not state.stale
    assert state.eta == datetime.fromisoformat(BOOKED["legs"][-1]["planned_arrive"])
    assert {n.kind for n in first.notices} == {NoticeKind.ETA_CHANGED}

    _send(session, "late_truck")  # a vehicle event: both shipments are on that truck
    assert sorted(tracking_state.stale_ids(session)) == BOOKED["shipments"]
    missed = tracking_refresh.refresh(session, now=NOW)
    assert missed.refreshed == 2 and missed.opened == 2
    assert _open(session, "SH00001") == ["MISSED_CONNECTION"] == _open(session, "SH00002")
    state = tracking_state.get(session, "SH00001")
    assert state is not None and state.needs_replan and state.eta is None
    opened = [n for n in missed.notices if n.kind is NoticeKind.EXCEPTION_OPENED]
    assert {(n.shipment_id, n.exception_reason) for n in opened} == {
        ("SH00001", "MISSED_CONNECTION"),
        ("SH00002", "MISSED_CONNECTION"),
    }

    _send(session, "retract_late_truck")  # the arrival was wrong: back on plan
    back = tracking_refresh.refresh(session, now=NOW)
    assert back.closed == 2 and _open(session, "SH00001") == []
    state = tracking_state.get(session, "SH00001")
    assert state is not None and not state.needs_replan and state.eta is not None

    _send(session, "late_flight")  # one service event fans out to both booked shipments
    delayed = tracking_refresh.refresh(session, now=NOW)
    assert delayed.refreshed == 2 and delayed.opened == 2
    assert _open(session, "SH00001") == ["DELAY"] == _open(session, "SH00002")
    state = tracking_state.get(session, "SH00001")
    assert state is not None and state.eta is not None and state.eta > state.due_at


def test_rebuild_reproduces_the_incremental_state(session: Session) -> None:
    _book(session)
    for batch in ("late_flight", "late_truck"):
        _send(session, batch)
        tracking_refresh.refresh(session, now=NOW)

    def snapshot() -> list[tuple[Any, ...]]:
        rows = []
        for sid in BOOKED["shipments"]:
            s = tracking_state.get(session, sid)
            assert s is not None
            keys = sorted(r.key for r in tracking_state.open_for(session, sid))
            rows.append((sid, s.status, s.eta, s.needs_replan, keys))
        return rows

    before = snapshot()
    report = tracking_refresh.rebuild(session, now=NOW)
    assert report.refreshed == 2 and report.opened == 0 and report.closed == 0
    assert snapshot() == before


def test_gps_positions_are_stored_and_silence_loses_tracking(session: Session) -> None:
    _book(session)
    report = feed_ingest.ingest_raw(session, "gps", BOOKED["gps"].encode())
    assert report.items and all(i.status.value == "accepted" for i in report.items)  # inferred
    tracking_refresh.refresh(session, now=datetime.fromisoformat("2026-11-30T11:45:00+00:00"))
    assert _open(session, "SH00001") == []
    swept = tracking_refresh.sweep(session, now=datetime.fromisoformat("2026-11-30T13:00:00+00:00"))
    assert swept.refreshed == 2
    assert _open(session, "SH00001") == ["TRACKING_LOST"]
    again = feed_ingest.ingest_raw(session, "gps", BOOKED["gps"].encode())
    assert all(item.status.value == "duplicate" for item in again.items)
