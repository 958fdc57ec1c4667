"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL.

The migrations run once per test session, into a template (a SQLite file, a PostgreSQL
database); each test that asks for a migrated database gets a copy of it (a file copy,
`CREATE DATABASE … TEMPLATE`), which its `engine` then brings to head (nothing left to do):
running every migration for every test took most of the suite's time."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import (
    make_engine,
    make_session_factory,
    temporary_postgres_database,
)
from logistics.persistence.migrate import upgrade_to_head

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POSTGRES_ENV = "LOGISTICS_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, made once per test session (copied by each test)."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()  # the last connection closed: everything is in the file itself
    return path


@pytest.fixture(scope="session")
def migrated_postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, made once per test session; tests
    copy it (`CREATE DATABASE … TEMPLATE`), nobody connects to it otherwise."""
    admin_url = os.environ[POSTGRES_ENV]
    with temporary_postgres_database(admin_url, "logistics_template") as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        database = make_url(url).database
        assert database is not None
        yield database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh database: a SQLite file, or a new database on the test server.

    Empty, unless the test uses `engine` (which migrates it): then a copy of the session's
    migrated template, so that the migrations do not run again.
    """
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
        yield f"sqlite:///{path}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("LOGISTICS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_ENV} is not set but LOGISTICS_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (a server URL such as "
            "postgresql+psycopg://postgres@127.0.0.1:54329/postgres; CI sets it)"
        )
    template = request.getfixturevalue("migrated_postgres_template") if migrated else None
    with temporary_postgres_database(admin_url, "logistics_test", template=template) as url:
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
