"""Report leg times drop a versioned event whose eventID a retraction names (DCSA 3.0)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.persistence.base import offset_of
from logistics.persistence.repositories.reports.leg_queries import actual_times
from logistics.persistence.tables import EventRow
from logistics.tracking.versions import versioned_id

UPDATED = datetime.fromisoformat("2026-11-30T07:10:00+00:00")


def _row(event_id: str, at: str, retracts: str | None = None) -> EventRow:
    when = datetime.fromisoformat(at)
    return EventRow(
        event_id=event_id,
        source="dcsa",
        content_hash=hashlib.sha256(event_id.encode()).hexdigest(),
        service_id="X9001-1201",
        milestone="DEPARTED",
        time_type="ACTUAL",
        event_time=when,
        event_offset_min=offset_of(when),
        received_at=UPDATED,
        location="LUXD",
        mode="rail",
        retracts=retracts,
    )


def test_a_retraction_of_an_event_id_removes_its_stored_versions(session: Session) -> None:
    """A version `<eventID>~v...` is out once `<eventID>` is retracted; other events stay."""
    session.add_all(
        [
            _row(versioned_id("evt-1", UPDATED), "2026-11-30T06:00:00+00:00"),
            _row("evt-1#retracted", "2026-11-30T06:00:00+00:00", retracts="evt-1"),
            _row(versioned_id("evt-2", UPDATED), "2026-11-30T06:30:00+00:00"),
        ]
    )
    session.flush()
    times = actual_times()
    rows = session.execute(select(times.c.service_id, times.c.at)).all()
    assert len(rows) == 1
    expected = datetime.fromisoformat("2026-11-30T06:30:00+00:00").timestamp()
    assert rows[0].service_id == "X9001-1201" and abs(rows[0].at - expected) < 1
