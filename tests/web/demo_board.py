"""The demo's data behind a served app: the reference week imported, planned, accepted, replayed,
and a few reported exceptions so the inbox has work whatever the planner managed under load."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.app import create_app
from logistics.domain import Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories.booked_legs import BookedLeg
from logistics.services import tracking_refresh
from logistics.services.api_keys import create_api_key
from logistics.services.feed_ingest import ingest_unified_batch
from logistics.settings import get_settings
from logistics.workers.demo_setup import prepare_demo_data
from tests.api.live_server import serve_in_thread

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True)
class DemoBoard:
    """The served app, a coordinator key and the demo plan's id."""

    base_url: str
    key: str
    plan_id: str
    replan: tuple[str, ...]  # shipments the replay broke


def disrupt(session: Session, skip: set[str]) -> None:
    """Whatever the replay left open on a loaded machine, two booked shipments are offloaded at
    their first hub (they need a replan) and one is reported damaged (a reported exception)."""
    first: dict[str, BookedLeg] = {}
    for leg in booked_legs.all_legs(session):
        if leg.shipment_id not in skip and leg.service_id and leg.shipment_id not in first:
            first[leg.shipment_id] = leg
    chosen = sorted(first)[:3]
    assert len(chosen) == 3, "the demo plan books too few shipments on services"
    events = [
        {
            "event_id": f"WEB-{reason}-{sid}",
            "source": "web-test",
            "shipment_id": sid,
            "milestone": "EXCEPTION",
            "reason": reason,
            "time_type": "ACTUAL",
            "event_time": first[sid].planned_depart.isoformat(),
            "location": first[sid].from_location,
            "mode": first[sid].mode,
        }
        for sid, reason in zip(chosen, ("OFFLOADED", "OFFLOADED", "DAMAGED"), strict=True)
    ]
    report = ingest_unified_batch(session, events)
    assert all(item.status.value == "accepted" for item in report.items), report
    tracking_refresh.refresh(session)


@pytest.fixture(scope="module")
def demo_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBoard]:
    """What `logistics demo` prepares (5 s of planning), served over HTTP for one test module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with pytest.MonkeyPatch.context() as patch:  # the demo world's one clock, as the demo sets it

        def set_clock(now: datetime) -> None:
            patch.setenv("LOGISTICS_NOW", now.isoformat())
            get_settings.cache_clear()

        data = prepare_demo_data(
            factory,
            FIXTURES / "zhengzhou",
            FIXTURES / "emission_factors.csv",
            time_limit_s=10,
            set_clock=set_clock,
        )
        with session_scope(factory) as session:
            key, _ = create_api_key(session, role=Role.COORDINATOR, name="web test")
            disrupt(session, skip=set(data.replayed.shipments))
        with serve_in_thread(create_app(session_factory=factory)) as base_url:
            yield DemoBoard(base_url, key, data.plan.plan_id, data.replayed.shipments)
    get_settings.cache_clear()
    engine.dispose()
