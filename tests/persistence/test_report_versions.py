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
        content_key=hashlib.sha256(event_id.encode()).digest()[:16],
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


def _times(session: Session) -> list[tuple[str | None, float]]:
    times = actual_times()
    return [tuple(r) for r in session.execute(select(times.c.service_id, times.c.at)).all()]


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_only_the_latest_version_of_an_event_counts(session: Session) -> None:
    """A republished event (same eventID, later eventUpdatedDateTime) supersedes the earlier one.

    The first version said 05:00, the correction says 06:00: the leg time is 06:00, not the
    earliest of the two.
    """
    later = datetime.fromisoformat("2026-11-30T09:00:00+00:00")
    session.add_all(
        [
            _row(versioned_id("evt-1", UPDATED), "2026-11-30T05:00:00+00:00"),
            _row(versioned_id("evt-1", later), "2026-11-30T06:00:00+00:00"),
        ]
    )
    session.flush()
    [(service, at)] = _times(session)
    assert service == "X9001-1201" and abs(at - _at("2026-11-30T06:00:00+00:00")) < 1


def test_a_version_published_after_its_retraction_counts(session: Session) -> None:
    """A retraction removes the versions up to its own; a later republication stands (timeline rule)."""
    retracted_at = datetime.fromisoformat("2026-11-30T08:00:00+00:00")
    later = datetime.fromisoformat("2026-11-30T09:00:00+00:00")
    session.add_all(
        [
            _row(versioned_id("evt-1", UPDATED), "2026-11-30T05:00:00+00:00"),
            _row(
                versioned_id("evt-1#retracted", retracted_at),
                "2026-11-30T05:00:00+00:00",
                retracts="evt-1",
            ),
            _row(versioned_id("evt-1", later), "2026-11-30T06:30:00+00:00"),
        ]
    )
    session.flush()
    [(_, at)] = _times(session)
    assert abs(at - _at("2026-11-30T06:30:00+00:00")) < 1
