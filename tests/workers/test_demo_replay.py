"""The demo replay: a scrambled simulated stream moves the booked shipments' tracking along."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import tracking_state
from logistics.services.import_scenario import import_scenario
from logistics.workers.demo_replay import replay
from tests.booking import BOOKED, FIXTURES, book_minimal


def test_the_replay_delays_the_flight_and_counts_duplicates_once(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        book_minimal(session)
    lines: list[str] = []
    summary = replay(session_factory, say=lines.append)
    assert summary.shipments == tuple(BOOKED["shipments"])
    assert summary.delayed_service == "CV9751-20261130"
    assert summary.accepted > 0 and summary.duplicates > 0
    assert len(lines) >= 3 and all(line.startswith("  batch ") for line in lines[1:])
    planned_arrival = datetime.fromisoformat(BOOKED["legs"][-1]["planned_arrive"])
    with session_scope(session_factory) as session:
        for shipment_id in BOOKED["shipments"]:
            state = tracking_state.get(session, shipment_id)
            assert state is not None and state.status == "DELIVERED"
            assert state.delivered_at is not None
            assert (state.delivered_at - planned_arrival).total_seconds() > 8 * 3600
    again: list[str] = []
    second = replay(session_factory, say=again.append)  # the same feeds again: all duplicates
    assert second.accepted == 0 and second.duplicates > 0
