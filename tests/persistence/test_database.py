"""Engines, URLs, the unit-of-work scope and the UTC datetime column."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from logistics.bundles.reader import read_bundle
from logistics.persistence.database import make_engine, normalise_url, session_scope
from logistics.persistence.repositories import locations, shipments
from logistics.persistence.tables import ApiKeyRow
from tests.persistence.records import MINIMAL


def test_postgres_urls_use_psycopg_3() -> None:
    """Plain postgresql:// and postgres:// URLs map to the psycopg driver; others are kept."""
    assert normalise_url("postgresql://u:p@h:5432/db") == "postgresql+psycopg://u:p@h:5432/db"
    assert normalise_url("postgres://h/db") == "postgresql+psycopg://h/db"
    assert normalise_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    assert make_engine("postgresql://u@127.0.0.1/db").dialect.driver == "psycopg"


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(tmp_path: Path) -> None:
    """Every SQLite connection has foreign keys on and the WAL journal."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_session_scope_commits_on_success(session_factory: sessionmaker[Session]) -> None:
    """Work done inside the scope is visible to a later session."""
    lux = read_bundle(MINIMAL).location_by_id["LUX"]
    with session_scope(session_factory) as session:
        locations.add_all(session, [lux])
    with session_factory() as session:
        assert locations.get(session, "LUX") == lux


def test_session_scope_rolls_back_on_error(session_factory: sessionmaker[Session]) -> None:
    """An exception inside the scope discards everything the scope wrote, and propagates."""
    lux = read_bundle(MINIMAL).location_by_id["LUX"]
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        locations.add_all(session, [lux])
        session.flush()
        raise RuntimeError("boom")
    with session_factory() as session:
        assert locations.get(session, "LUX") is None


def test_foreign_keys_are_enforced(session: Session) -> None:
    """A shipment whose origin is not stored is refused by the database itself."""
    scenario = read_bundle(MINIMAL)
    with pytest.raises(IntegrityError):
        shipments.add_all(session, scenario.shipments[:1])
        session.flush()


def test_naive_datetimes_are_refused(session: Session) -> None:
    """A datetime without offset never reaches a UtcDateTime column."""
    session.add(
        ApiKeyRow(
            id="k1", name="", role="admin", key_hash="0" * 64, created_at=datetime(2026, 1, 1)
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()
