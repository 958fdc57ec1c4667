"""The embedded refresher waits for ingestion to pause before each batch, and not longer than
its bound; a real ingestion request over HTTP counts as ingestion while it runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

import api.routes.tracking
from api.intake_activity import IntakeActivity
from api.tracking_refresher import TrackingRefresher
from logistics.bundles.reader import read_bundle
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import tracking_state
from logistics.services import feed_ingest
from logistics.services.import_scenario import import_scenario
from tests.api.conftest import FIXTURE_BUNDLE, LiveApi
from tests.booking import book_minimal

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
EVENT = {
    "event_id": "GW-1",
    "source": "portal",
    "milestone": "PICKED_UP",
    "event_time": "2026-11-29T10:05:00+08:00",
    "shipment_id": "SH00001",
    "location": "FXZ",
}


def _stale(factory: sessionmaker[Session]) -> set[str]:
    with session_scope(factory) as session:
        return set(tracking_state.stale_ids(session))


def _refresher_of_one_stale_shipment(
    factory: sessionmaker[Session], intake: IntakeActivity, *, quiet_s: float, max_defer_s: float
) -> TrackingRefresher:
    """A refresher waiting on `intake`, with one shipment (SH00001) stale."""
    _one_stale_shipment(factory)
    return TrackingRefresher(
        factory, poll_s=1, sweep_s=60, quiet_s=quiet_s, max_defer_s=max_defer_s, intake=intake
    )


def _one_stale_shipment(factory: sessionmaker[Session]) -> None:
    refresher = TrackingRefresher(factory, poll_s=1, sweep_s=60)
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURE_BUNDLE))
        book_minimal(session)
    refresher.run_once()
    assert _stale(factory) == set()
    with session_scope(factory) as session:
        feed_ingest.ingest_unified_batch(session, [EVENT], received_at=RECEIVED)
    assert _stale(factory) == {"SH00001"}


def test_the_refresher_waits_while_ingestion_runs_and_refreshes_after(
    session_factory: sessionmaker[Session],
) -> None:
    factory, intake = session_factory, IntakeActivity()
    refresher = _refresher_of_one_stale_shipment(factory, intake, quiet_s=0.05, max_defer_s=600)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (refresher.run_once(), done.set()), daemon=True)
    with intake.running():  # an ingestion request in flight
        worker.start()
        assert not done.wait(0.5)  # still waiting for the request to end
        assert _stale(factory) == {"SH00001"}
    assert done.wait(30)  # the request ended: the batch ran
    assert _stale(factory) == set()


def test_the_refresher_waits_no_longer_than_its_bound(
    session_factory: sessionmaker[Session],
) -> None:
    factory, intake = session_factory, IntakeActivity()
    refresher = _refresher_of_one_stale_shipment(factory, intake, quiet_s=600, max_defer_s=0.2)
    with intake.running():  # ingestion never pauses
        refresher.run_once()  # returns after its bound, having refreshed the batch
        assert _stale(factory) == set()


def test_wait_quiet_answers_once_intake_has_paused_long_enough() -> None:
    intake = IntakeActivity()
    never = threading.Event()
    assert intake.wait_quiet(0.01, 0, never)  # nothing ran yet: quiet
    with intake.running():
        assert not intake.wait_quiet(0.01, 0.05, never)  # running: not quiet within the bound
    assert not intake.wait_quiet(600, 0.05, never)  # just ended: not quiet for 600 s
    stop = threading.Event()
    stop.set()
    with intake.running():
        assert not intake.wait_quiet(0.01, 600, stop)  # stopping: gives up at once


class _Counted(IntakeActivity):
    def __init__(self) -> None:
        super().__init__()
        self.entered = 0

    @contextmanager
    def running(self) -> Iterator[None]:
        self.entered += 1
        with super().running():
            yield


def test_ingestion_requests_over_http_count_as_intake(
    live_api: LiveApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _Counted()
    monkeypatch.setattr(api.routes.tracking, "INTAKE", counted)
    with live_api.client("feed") as client:
        events = client.post("/v1/events", json=[EVENT])
        feed = client.post("/v1/feeds/unified", json={"events": [{**EVENT, "event_id": "GW-2"}]})
        client.get("/v1/events")  # reading is not intake
    assert events.status_code == 200 and feed.status_code == 200
    assert counted.entered == 2
