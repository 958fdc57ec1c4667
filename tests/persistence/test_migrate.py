"""The packaged migrations build the schema from an empty database, from any directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

import logistics.persistence.tables  # noqa: F401  (registers every table)
from logistics.persistence.base import Base
from logistics.persistence.database import make_engine
from logistics.persistence.migrate import (
    current_revision,
    downgrade_to,
    head_revision,
    upgrade_to_head,
)


def tables(engine: Engine) -> set[str]:
    """Table names in the database."""
    return set(inspect(engine).get_table_names())


def test_empty_database_is_migrated_to_head(database_url: str) -> None:
    """A fresh database has no revision; afterwards it is at head with every model table."""
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None and tables(engine) == set()
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_works_from_any_directory_and_twice(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a URL from a directory without alembic.ini, it migrates; a second run is a no-op."""
    monkeypatch.chdir(tmp_path)
    upgrade_to_head(database_url)
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
        assert "shipments" in tables(engine)
    finally:
        engine.dispose()
    # Nothing but the SQLite database itself appears in the working directory.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("test.db")] == []


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    """Every revision can be reverted (all tables go) and re-applied."""
    downgrade_to(engine, "base")
    assert tables(engine) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade_to_head(engine)
    assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
