"""API tests run against a real uvicorn server on loopback, over both database dialects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import session_scope
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from tests.api.live_server import serve_in_thread

FIXTURE_BUNDLE = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "minimal"
# The minimal bundle's world: shipments ready from 09:00 on 29 November (Zhengzhou time), the
# first freighter at 01:30 the next night. Its tests run at this time, whatever today is; a test
# that needs another moment sets LOGISTICS_NOW itself before this fixture runs.
MINIMAL_NOW = "2026-11-29T10:30:00+08:00"


@dataclass(frozen=True)
class LiveApi:
    """A served app with the minimal bundle imported and one key per role."""

    base_url: str
    keys: dict[str, str]
    shippers: list[str]

    def client(self, role: str | None = None) -> httpx.Client:
        """An HTTP client, authenticated as `role` when given."""
        headers = {"Authorization": f"Bearer {self.keys[role]}"} if role else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)


@contextmanager
def frozen_now(when: str) -> Iterator[None]:
    """The platform's one clock (LOGISTICS_NOW) at `when`, an ISO 8601 time with offset, for the
    block (settings re-read on entry and exit). A test module's autouse fixture runs before
    `live_api`, so the served app sees it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGISTICS_NOW", when)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture
def minimal_clock() -> Iterator[None]:
    """Freeze the clock (tracking, planning, ingestion) in the minimal bundle's world."""
    with pytest.MonkeyPatch.context() as patch:
        if "LOGISTICS_NOW" not in os.environ:
            patch.setenv("LOGISTICS_NOW", MINIMAL_NOW)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture
def live_api(session_factory: sessionmaker[Session], minimal_clock: None) -> Iterator[LiveApi]:
    """Import the minimal bundle, create keys for every role, and serve the app over HTTP."""
    scenario = read_bundle(FIXTURE_BUNDLE)
    shippers = sorted({s.shipper for s in scenario.shipments})
    keys: dict[str, str] = {}
    with session_scope(session_factory) as session:
        import_scenario(session, scenario)
        for role in Role:
            shipper = shippers[0] if role is Role.SHIPPER else None
            secret, _ = create_api_key(session, role=role, shipper_id=shipper, name=role.value)
            keys[role.value] = secret
        secret, _ = create_api_key(session, role=Role.SHIPPER, shipper_id=shippers[1], name="other")
        keys["other_shipper"] = secret
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        yield LiveApi(base_url=base_url, keys=keys, shippers=shippers)
