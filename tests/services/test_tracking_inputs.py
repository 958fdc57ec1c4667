"""Set-based tracking inputs: a batch loads what each shipment alone would, and a refresh's reads
do not grow with the number of shipments it recomputes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import booked_legs, tracking_state
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.services import feed_ingest, tracking_refresh
from logistics.services.import_scenario import import_scenario
from logistics.services.tracking_inputs import load_inputs
from logistics.services.tracking_view import compute_tracking, load_tracking
from tests.booking import BOOKED, FIXTURES, fixture_legs

NOW = datetime.fromisoformat("2026-11-30T12:00:00+00:00")
SHIPMENTS = ["SH00001", "SH00002", "SH00003", "SH00004", "SH00005"]


def _book(session: Session, shipment_ids: list[str]) -> None:
    """Book the shipments on the fixture's legs (truck, flight, truck), as accepting would."""
    for shipment_id in shipment_ids:
        rows = fixture_legs(shipment_id)
        booked_legs.replace_for_shipment(session, shipment_id, "plan-test", rows)
    tracking_state.mark_stale(session, shipment_ids)


def _world(session: Session) -> None:
    """Five shipments on one truck and flight; own, truck, flight events and GPS positions."""
    import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    _book(session, SHIPMENTS)
    own = [
        {
            "event_id": f"OWN-{sid}",
            "source": "portal",
            "milestone": "PICKED_UP",
            "event_time": "2026-11-29T02:40:00+00:00",
            "shipment_id": sid,
            "location": "FXZ",
        }
        for sid in SHIPMENTS[:3]
    ]
    for batch in (own, BOOKED["late_truck"], BOOKED["late_flight"]):
        report = feed_ingest.ingest_unified_batch(session, batch)
        assert {i.status.value for i in report.items} == {"accepted"}, report
    gps = feed_ingest.ingest_raw(session, "gps", BOOKED["gps"].encode())
    assert all(i.status.value != "rejected" for i in gps.items), gps
    session.flush()


@contextmanager
def _selects(session: Session) -> Iterator[list[str]]:
    engine = session.get_bind().engine
    seen: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def test_a_batch_loads_what_each_shipment_alone_would(session: Session) -> None:
    """Own events stay with their shipment; truck and flight events reach every shipment on them."""
    _world(session)
    together = load_inputs(session, SHIPMENTS)
    assert sorted(together) == SHIPMENTS
    for sid in SHIPMENTS:
        alone = load_inputs(session, [sid])[sid]
        assert together[sid] == alone
        own = {e.event_id for e in alone.events if e.shipment_id}
        assert own == ({f"OWN-{sid}"} if sid in SHIPMENTS[:3] else set())
        assert {"TRK-ARR", "EST-1"} <= {e.event_id for e in alone.events}
        assert alone.fixes and len(alone.legs) == 3
        shipment = shipment_repo.by_ids(session, [sid])[sid]
        batch_view = compute_tracking(shipment, together[sid], now=NOW)
        assert batch_view == load_tracking(session, shipment, now=NOW)


def test_refresh_reads_do_not_grow_with_the_shipments(session: Session) -> None:
    """Refreshing five shipments runs as many SELECTs as refreshing two."""
    _world(session)
    with _selects(session) as two:
        assert tracking_refresh.refresh(session, now=NOW, shipment_ids=SHIPMENTS[:2]).refreshed == 2
    with _selects(session) as five:
        assert tracking_refresh.refresh(session, now=NOW, shipment_ids=SHIPMENTS).refreshed == 5
    assert len(five) == len(two)
    for sid in SHIPMENTS:
        state = tracking_state.get(session, sid)
        assert state is not None and not state.stale and state.refreshed_at == NOW
