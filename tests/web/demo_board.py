"""The demo's data behind a served app: the reference week imported, planned, accepted, replayed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.app import create_app
from logistics.domain import Role
from logistics.persistence.database import make_engine, make_session_factory, session_scope
from logistics.persistence.migrate import upgrade_to_head
from logistics.services.api_keys import create_api_key
from logistics.services.demo_setup import prepare_demo_data
from tests.api.live_server import serve_in_thread

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True)
class DemoBoard:
    """The served app, a coordinator key and the demo plan's id."""

    base_url: str
    key: str
    plan_id: str
    replan: tuple[str, ...]  # shipments the replay broke


@pytest.fixture(scope="module")
def demo_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBoard]:
    """What `logistics demo` prepares (5 s of planning), served over HTTP for one test module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    data = prepare_demo_data(
        factory, FIXTURES / "zhengzhou", FIXTURES / "emission_factors.csv", time_limit_s=5
    )
    with session_scope(factory) as session:
        key, _ = create_api_key(session, role=Role.COORDINATOR, name="web test")
    with serve_in_thread(create_app(session_factory=factory)) as base_url:
        yield DemoBoard(base_url, key, data.plan.plan_id, data.replayed.shipments)
    engine.dispose()
