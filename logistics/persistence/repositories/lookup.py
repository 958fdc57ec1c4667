"""Fetching many rows by id in as few round trips as each database allows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

# SQLite caps bound parameters per statement (32766 since 3.32, 999 before).
SQLITE_CHUNK = 500


def rows_by_ids(session: Session, model: Any, ids: Iterable[str]) -> list[Any]:
    """Rows of `model` whose `id` is among `ids`."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter: a single statement and a primary-key index scan, where a long
        # `IN ($1, ..., $n)` list is compared row by row once psycopg prepares the statement.
        ids_param = bindparam("ids", wanted, type_=ARRAY(String()))
        return list(session.scalars(select(model).where(model.id == any_(ids_param))))
    rows: list[Any] = []
    for start in range(0, len(wanted), SQLITE_CHUNK):
        chunk = wanted[start : start + SQLITE_CHUNK]
        rows.extend(session.scalars(select(model).where(model.id.in_(chunk))))
    return rows


def known_ids(session: Session, model: Any, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are stored as `model` rows (ids only, no objects built)."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        ids_param = bindparam("ids", wanted, type_=ARRAY(String()))
        return set(session.scalars(select(model.id).where(model.id == any_(ids_param))))
    found: set[str] = set()
    for start in range(0, len(wanted), SQLITE_CHUNK):
        chunk = wanted[start : start + SQLITE_CHUNK]
        found.update(session.scalars(select(model.id).where(model.id.in_(chunk))))
    return found


def dialect_insert(session: Session) -> Any:
    """The INSERT construct of the session's database (PostgreSQL's or SQLite's), which has
    `on_conflict_do_nothing` / `on_conflict_do_update`."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _insert_skipping_stored(
    session: Session, model: Any, values: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the primary key; the primary keys stored."""
    if not values:
        return []
    key = list(model.__table__.primary_key.columns)
    # In primary key order: two writers inserting overlapping rows lock them in the same order,
    # so on PostgreSQL one waits for the other instead of both deadlocking.
    ordered = sorted(values, key=lambda v: tuple(v[column.key] for column in key))
    statement = dialect_insert(session)(model.__table__).on_conflict_do_nothing().returning(*key)
    return [tuple(row) for row in session.execute(statement, ordered)]


def insert_new(session: Session, model: Any, values: list[dict[str, Any]]) -> set[str]:
    """Insert `values` as `model` rows, skipping any whose id is stored; return the ids stored.

    ON CONFLICT DO NOTHING: an id a concurrent writer stored first (after the caller read)
    is left out instead of failing the transaction, so the caller can read it and judge it.
    """
    return {row[0] for row in _insert_skipping_stored(session, model, values)}


def insert_new_keys(
    session: Session, model: Any, values: list[dict[str, Any]]
) -> set[tuple[Any, ...]]:
    """`insert_new` for a table keyed by several columns: the primary keys stored, as tuples
    in the key's column order (a key a concurrent writer stored first is left out)."""
    return set(_insert_skipping_stored(session, model, values))
