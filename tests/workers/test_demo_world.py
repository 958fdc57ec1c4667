"""The demo's consistent world: movements reported on time up to the demo clock, then a
cancelled freighter played through to an accepted recovery (on the recovery bundle)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.services import plan_jobs
from logistics.services.import_scenario import import_scenario
from logistics.services.tracking_view import load_tracking
from logistics.settings import get_settings
from logistics.workers import plan_run
from logistics.workers.demo_world import DEMO, play_cancelled_freighter, report_movements_until
from tests.conftest import FIXTURES


def test_cancelled_freighter_is_recovered_in_a_world_on_one_clock(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the cancellation every booking is on schedule (no exception); after the accepted
    recovery no shipment that got a new booking uses the cancelled flight, and tracking follows
    the new bookings."""
    url = session_factory.kw["bind"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("LOGISTICS_NOW", "2026-11-29T08:30:00+08:00")
    get_settings.cache_clear()
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(FIXTURES / "bundles" / "recovery"))
        job = plan_jobs.create_job(
            session, DEMO, objective="balanced", time_limit_s=20, seed=0, shipment_ids=None
        )
        first = job.id
    assert plan_run.run_job(url, first) == "done"
    with session_scope(session_factory) as session:
        plan_jobs.accept_job(session, first)
    now = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)  # 22:00 in Zhengzhou, before the freighter
    monkeypatch.setenv("LOGISTICS_NOW", now.isoformat())
    get_settings.cache_clear()
    said: list[str] = []
    sent = report_movements_until(session_factory, now, skip=set(), say=said.append)
    assert sent > 0 and "0 exception(s) opened" in said[-1]
    played = play_cancelled_freighter(session_factory, url, now, time_limit_s=20, say=said.append)
    get_settings.cache_clear()
    assert played.service_id == "CV9751-20261130" and played.needing_replan
    assert played.changes.get("rebooked", 0) >= 1
    with session_scope(session_factory) as session:
        for sid in played.needing_replan:
            legs = booked_legs.for_shipment(session, sid)
            shipment = shipment_repo.get(session, sid)
            assert shipment is not None
            view = load_tracking(session, shipment, now=now)
            if not any(leg.service_id == played.service_id for leg in legs):
                assert not any(e.reason.value == "DISRUPTED" for e in view.exceptions)
                assert [leg.leg_index for leg in view.legs] == [r.leg_index for r in legs]
