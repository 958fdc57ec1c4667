"""Subject ids seen committed are not looked up again; ids of a rolled-back transaction are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.persistence.repositories import confirmed_ids
from logistics.persistence.repositories.tracking_events import known_subjects
from logistics.services import feed_ingest
from logistics.services.import_scenario import import_scenario
from tests.booking import FIXTURES

START = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def _event(n: int, shipment_id: str) -> dict[str, Any]:
    return {
        "event_id": f"C-{n}",
        "source": "confirmed",
        "milestone": "PICKED_UP",
        "time_type": "ACTUAL",
        "event_time": (START + timedelta(minutes=n)).isoformat(),
        "shipment_id": shipment_id,
    }


@contextmanager
def _shipment_lookups(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT id FROM shipments"):
            seen.append(f"{statement} {parameters!r}")

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _ingest(factory: sessionmaker[Session], batch: list[dict[str, Any]]) -> list[str]:
    with factory() as session, session.begin():
        report = feed_ingest.ingest_unified_batch(session, batch)
    return [item.status.value for item in report.items]


def test_a_shipment_seen_committed_is_not_looked_up_again(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session, session.begin():
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    with _shipment_lookups(engine) as lookups:
        assert _ingest(session_factory, [_event(1, "SH00001")]) == ["accepted"]
        assert len(lookups) == 1
        # the next batch names the same shipment and an unknown one: only the unknown is asked
        second = _ingest(session_factory, [_event(2, "SH00001"), _event(3, "NOPE")])
        assert second == ["accepted", "rejected"]
        assert len(lookups) == 2 and "SH00001" not in lookups[1] and "NOPE" in lookups[1]
        # an unknown id is never remembered: it is asked again, and still refused
        assert _ingest(session_factory, [_event(4, "NOPE")]) == ["rejected"]
        assert len(lookups) == 3


def test_an_id_found_in_a_rolled_back_transaction_is_asked_again(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """The transaction that created the shipment found it, then rolled back: not remembered."""
    with session_factory() as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
        found = known_subjects(session, shipment_ids={"SH00001"}, service_ids=(), vehicle_ids=())
        assert found[0] == {"SH00001"}
        session.rollback()
    assert _ingest(session_factory, [_event(1, "SH00001")]) == ["rejected"]


def test_each_database_has_its_own_memory(
    engine: Engine, session_factory: sessionmaker[Session], tmp_path: Any
) -> None:
    """Ids confirmed in one database say nothing about another."""
    from logistics.persistence.database import make_engine, make_session_factory
    from logistics.persistence.migrate import upgrade_to_head

    with session_factory() as session, session.begin():
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    assert _ingest(session_factory, [_event(1, "SH00001")]) == ["accepted"]
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        upgrade_to_head(other)
        assert _ingest(make_session_factory(other), [_event(1, "SH00001")]) == ["rejected"]
    finally:
        other.dispose()


def test_past_the_limit_memory_starts_again_and_answers_stay_right(
    engine: Engine, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(confirmed_ids, "LIMIT", 2)
    with session_factory() as session, session.begin():
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "minimal"))
    shipments = ["SH00001", "SH00002", "SH00003", "SH00004"]
    for n, shipment in enumerate(shipments * 2):
        assert _ingest(session_factory, [_event(n, shipment), _event(100 + n, "NOPE")]) == [
            "accepted",
            "rejected",
        ]
    with _shipment_lookups(engine) as lookups:
        assert _ingest(session_factory, [_event(50, "SH00004")]) == ["accepted"]
        assert lookups == []  # the last ids confirmed are remembered
    confirmed_ids.forget(engine)
    with _shipment_lookups(engine) as lookups:
        assert _ingest(session_factory, [_event(51, "SH00004")]) == ["accepted"]
        assert len(lookups) == 1
