"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import (
    make_engine,
    make_session_factory,
    temporary_postgres_database,
)
from logistics.persistence.migrate import upgrade_to_head

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POSTGRES_ENV = "LOGISTICS_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh, empty database: a SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("LOGISTICS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set but LOGISTICS_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (a server URL such as "
            "postgresql+psycopg://postgres@127.0.0.1:54329/postgres; CI sets it)"
        )
    with temporary_postgres_database(admin_url, "logistics_test") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the fresh database, migrated to the newest schema."""
    eng = make_engine(database_url)
    upgrade_to_head(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the migrated test database."""
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session; rolled back at the end."""
    with session_factory() as s:
        yield s
        s.rollback()
