"""Bulk ingestion: duplicates found within and across batches, mixed batches answered per item,
set-based stale marking (one state statement per batch), nothing half-stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import tracking_state
from logistics.persistence.tables import EventRow
from logistics.services import feed_ingest
from logistics.services.import_scenario import import_scenario
from tests.booking import FIXTURES, book_minimal

START = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
SHIPMENTS = ["SH00001", "SH00002", "SH00003", "SH00004"]


def _setup(session: Session) -> None:
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    book_minimal(session)
    session.flush()


def _event(n: int, *, event_id: str | None = None, source: str = "bulk") -> dict[str, Any]:
    """A distinct shipment-level event per `n` (its time differs by a minute)."""
    return {
        "event_id": event_id or f"B-{n}",
        "source": source,
        "milestone": "PICKED_UP",
        "time_type": "ACTUAL",
        "event_time": (START + timedelta(minutes=n)).isoformat(),
        "shipment_id": SHIPMENTS[n % len(SHIPMENTS)],
        "location": "FXZ",
    }


def _statuses(report: feed_ingest.IngestReport) -> list[str]:
    return [item.status.value for item in report.items]


def _stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(EventRow)) or 0)


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    engine = session.get_bind().engine
    seen: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def test_duplicates_within_a_batch_and_across_batches_are_found_in_bulk(session: Session) -> None:
    """1,200 events (past every 500-row chunk), repeats by id and by content, then a resend."""
    _setup(session)
    batch = [_event(n) for n in range(1200)]
    batch.append(_event(7))  # the same source and id again in the same batch
    batch.append(_event(8, event_id="B-8-again"))  # the same content under another id
    batch.append(_event(9, source="other"))  # the same id from another source: a new event
    first = feed_ingest.ingest_unified_batch(session, batch)
    statuses = _statuses(first)
    assert statuses[:1200] == ["accepted"] * 1200
    assert statuses[1200:] == ["duplicate", "duplicate", "accepted"]
    assert first.items[1200].event_id == "B-7" and first.items[1201].event_id == "B-8-again"
    assert _stored(session) == 1201

    resend = [_event(n) for n in range(600, 1800)]  # half stored already, half new
    resend.append(_event(1000, event_id="B-1000-renamed"))  # stored content, new id
    second = feed_ingest.ingest_unified_batch(session, resend)
    statuses = _statuses(second)
    assert statuses[:600] == ["duplicate"] * 600
    assert statuses[600:1200] == ["accepted"] * 600
    assert statuses[1200] == "duplicate"
    assert _stored(session) == 1801
    ids = set(session.scalars(select(EventRow.event_id).where(EventRow.source == "bulk")))
    assert ids == {f"B-{n}" for n in range(1800)}


def test_a_batch_mixing_good_and_bad_items_answers_each_with_its_place(session: Session) -> None:
    """Every item gets its own answer; the refused ones say where and why; the good are stored."""
    _setup(session)
    batch: list[Any] = [
        _event(0),
        _event(1) | {"milestone": "TELEPORTED"},
        _event(2) | {"shipment_id": "SH99999"},
        _event(3) | {"event_time": "2026-11-29T10:00:00"},
        "not an object",
        _event(5) | {"event_id": "x" * 129},
        _event(6),
        _event(6),
    ]
    report = feed_ingest.ingest_unified_batch(session, batch)
    assert _statuses(report) == [
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "accepted",
        "duplicate",
    ]
    items = report.items
    assert [i.index for i in items] == list(range(len(batch)))
    assert items[1].record == "index 1" and "TELEPORTED" in items[1].reason
    assert items[1].code == "invalid_record"
    assert items[2].code == "unknown_subject" and "SH99999" in items[2].reason
    assert items[3].record == "index 3" and "UTC offset" in items[3].reason
    assert items[4].record == "index 4" and "JSON object" in items[4].reason
    assert items[5].record == "index 5" and "at most 128" in items[5].reason
    ids = set(session.scalars(select(EventRow.event_id)))
    assert ids == {"B-0", "B-6"}


def test_stale_marking_is_one_statement_per_batch(session: Session) -> None:
    """A batch about shipments, a truck and a flight marks exactly the shipments it touches,
    with one write to the state table for the whole batch."""
    _setup(session)
    stale = set(tracking_state.stale_ids(session))
    assert stale == {"SH00001", "SH00002"}  # booked: marked when booked
    for sid in stale:
        state = tracking_state.get(session, sid)
        assert state is not None
        tracking_state.save_states(session, [replace(state, stale=False)])
    session.flush()

    batch = [_event(n) | {"shipment_id": "SH00003"} for n in range(600)]
    batch.append(
        {
            "event_id": "TRUCK-1",
            "source": "telematics",
            "milestone": "DEPARTED",
            "event_time": START.isoformat(),
            "vehicle_id": "ZAEZ-V42-1129",  # both booked shipments ride it
            "location": "FXZ",
        }
    )
    with _statements(session) as seen:
        report = feed_ingest.ingest_unified_batch(session, batch)
    assert report.count(feed_ingest.ItemStatus.ACCEPTED) == 601
    writes = [s for s in seen if "shipment_tracking_state" in s and s.lstrip().startswith("INSERT")]
    assert len(writes) == 1
    assert set(tracking_state.stale_ids(session)) == {"SH00001", "SH00002", "SH00003"}
