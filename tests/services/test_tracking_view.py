"""A shipment's tracking view: an open exception says when it opened, not when it was asked for."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories import tracking_state
from logistics.services import feed_ingest, tracking_refresh
from logistics.services.import_scenario import import_scenario
from logistics.services.tracking_view import load_tracking
from tests.booking import BOOKED, FIXTURES, book_minimal

OPENED = datetime.fromisoformat("2026-11-29T10:00:00+00:00")


def test_since_is_when_the_exception_opened(session: Session) -> None:
    """A DELAY opened at one refresh keeps that time when the view is read hours later."""
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    book_minimal(session)
    feed_ingest.ingest_unified_batch(session, BOOKED["late_flight"])
    tracking_refresh.refresh(session, now=OPENED)
    stored = {row.reason: row.opened_at for row in tracking_state.open_for(session, "SH00001")}
    assert stored == {"DELAY": OPENED}

    shipment = shipment_repo.get(session, "SH00001")
    assert shipment is not None
    later = OPENED + timedelta(hours=5)
    view = load_tracking(session, shipment, now=later)
    delays = [e for e in view.exceptions if e.reason.value == "DELAY"]
    assert len(delays) == 1 and delays[0].since == OPENED  # not `later`
    assert view.as_of == later
