"""Engines, session factories and the unit-of-work scope."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from logistics.settings import get_settings


def normalise_url(url: str) -> str:
    """Map `postgresql://` and `postgres://` to the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


IMMEDIATE = {"logistics_sqlite_begin": "IMMEDIATE"}  # execution options of a writing transaction


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # Left alone, pysqlite begins lazily before the first write (reads before it see the latest
    # commit, and the write waits for the lock under busy_timeout). A writer that must read its
    # input in the same snapshot takes the write lock first: BEGIN IMMEDIATE, never "database is
    # locked" when it later writes.
    if connection.get_execution_options().get("logistics_sqlite_begin") == "IMMEDIATE":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _milliseconds(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def make_engine(
    url: str, *, lock_timeout_s: float | None = None, statement_timeout_s: float | None = None
) -> Engine:
    """An engine for SQLite (foreign keys, WAL, busy timeout) or PostgreSQL (psycopg 3).

    PostgreSQL sessions get `lock_timeout` and `statement_timeout` (default: the settings
    LOGISTICS_DB_LOCK_TIMEOUT_SECONDS and LOGISTICS_DB_STATEMENT_TIMEOUT_SECONDS; 0 disables).
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    settings = get_settings()
    lock_ms = _milliseconds(
        settings.db_lock_timeout_seconds if lock_timeout_s is None else lock_timeout_s
    )
    statement_ms = _milliseconds(
        settings.db_statement_timeout_seconds
        if statement_timeout_s is None
        else statement_timeout_s
    )
    options = f"-c lock_timeout={lock_ms} -c statement_timeout={statement_ms}"
    # prepare_threshold None: psycopg never prepares statements on its own (it does after five
    # runs by default). PostgreSQL then plans each run for its parameters; the generic plan of a
    # prepared `= ANY($1)`, as ingestion's stale marking runs it, took 4.4 ms a batch where a
    # custom plan takes 1.3 (measured); planning a statement costs a fraction of a millisecond.
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"options": options, "prepare_threshold": None},
    )


def writing(session: Session) -> Session:
    """Make the session's next transaction a writer's: on SQLite it begins IMMEDIATE.

    Call it before the transaction starts (or after a commit); on PostgreSQL it changes nothing.
    """
    if session.in_transaction():
        return session
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.connection(execution_options=IMMEDIATE)
    return session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def temporary_postgres_database(
    admin_url: str, prefix: str = "logistics_tmp", *, template: str | None = None
) -> Iterator[str]:
    """Create a fresh PostgreSQL database on the server of `admin_url`; yield its URL; drop it.

    With `template`, the new database is a copy of that database (nobody may be connected to
    it meanwhile): e.g. one migrated once, instead of running every migration again.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    copied = "" if template is None else f' TEMPLATE "{template}" STRATEGY FILE_COPY'
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    try:
        yield (
            make_url(normalise_url(admin_url))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
