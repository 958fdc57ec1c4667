"""Raw messages and normalised tracking events (append-only)."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import chain
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Table, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Milestone, Mode, TimeType, TrackingEvent
from logistics.persistence.base import offset_of, with_offset
from logistics.persistence.tables import (
    EventRow,
    RawMessageRow,
    ServiceRow,
    ShipmentRow,
    VehicleRow,
)


def add_raw(
    session: Session,
    *,
    source: str,
    format_: str,
    received_at: datetime,
    sha256: str,
    payload: bytes,
) -> int:
    """Store a raw payload; return its id."""
    row = RawMessageRow(
        source=source, format=format_, received_at=received_at, sha256=sha256, payload=payload
    )
    session.add(row)
    session.flush()
    return row.id


def to_domain(row: EventRow | Row[Any]) -> TrackingEvent:
    """Row (an ORM object, or a row of the table's columns) to domain event."""
    return TrackingEvent(
        event_id=row.event_id,
        source=row.source,
        milestone=Milestone(row.milestone),
        time_type=TimeType(row.time_type),
        event_time=with_offset(row.event_time, row.event_offset_min),
        shipment_id=row.shipment_id,
        service_id=row.service_id,
        vehicle_id=row.vehicle_id,
        recorded_at=row.recorded_at,
        received_at=row.received_at,
        location=row.location,
        mode=Mode(row.mode) if row.mode else None,
        reason=ExceptionReason(row.reason) if row.reason else None,
        retracts=row.retracts,
        source_code=row.source_code,
        raw_ref=f"raw:{row.raw_message_id}" if row.raw_message_id else None,
        inferred=row.inferred,
    )


def known_subjects(
    session: Session,
    *,
    shipment_ids: Collection[str],
    service_ids: Collection[str],
    vehicle_ids: Collection[str],
) -> tuple[set[str], set[str], set[str]]:
    """Which of the shipments, services and vehicles events name are stored (ids only).

    Driver-level statements on the primary keys: PostgreSQL one per kind with a binary array
    parameter (psycopg's text arrays quote each element through a regular expression in
    Python), SQLite one per kind and 500 ids.
    """
    return (
        _known(session, ShipmentRow.__tablename__, shipment_ids),
        _known(session, ServiceRow.__tablename__, service_ids),
        _known(session, VehicleRow.__tablename__, vehicle_ids),
    )


def _known(session: Session, table: str, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        found = connection.exec_driver_sql(
            f"SELECT id FROM {table} WHERE id = ANY(%(ids)b::varchar[])", {"ids": sorted(ids)}
        )
        return {i for (i,) in found}
    wanted = sorted(ids)
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = tuple(wanted[start : start + 500])
        query = f"SELECT id FROM {table} WHERE id IN ({', '.join(['?'] * len(chunk))})"
        known.update(i for (i,) in connection.exec_driver_sql(query, chunk))
    return known


def existing_keys(
    session: Session, pairs: Collection[tuple[str, str]], hashes: Collection[str]
) -> tuple[set[tuple[str, str]], set[str]]:
    """Which (source, event_id) pairs and content hashes are already stored.

    Index lookups, not scans: `(source, event_id)` on the unique constraint's index, the hash on
    its own. PostgreSQL: two statements per batch whatever its size (array parameters, so the
    statements stay short, cached and prepared); SQLite: two per 500 events.
    """
    if not pairs and not hashes:
        return set(), set()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ordered = sorted(pairs)
        found = connection.exec_driver_sql(
            "SELECT source, event_id FROM tracking_events WHERE (source, event_id) IN "
            "(SELECT * FROM unnest(%(sources)b::varchar[], %(ids)b::varchar[]))",
            {"sources": [s for s, _ in ordered], "ids": [e for _, e in ordered]},
        )
        seen_pairs = {(s, e) for s, e in found}
        by_hash = connection.exec_driver_sql(
            "SELECT content_hash FROM tracking_events WHERE content_hash = ANY(%(hashes)b::varchar[])",
            {"hashes": sorted(hashes)},
        )
        return seen_pairs, {h for (h,) in by_hash}
    stored_pairs: set[tuple[str, str]] = set()
    stored_hashes: set[str] = set()
    pair_list = sorted(pairs)
    for start in range(0, len(pair_list), 500):
        chunk = pair_list[start : start + 500]
        found = connection.exec_driver_sql(_pairs_query(len(chunk)), tuple(chain(*chunk)))
        stored_pairs.update((s, e) for s, e in found)
    hash_list = sorted(hashes)
    for start in range(0, len(hash_list), 500):
        chunk_hashes = tuple(hash_list[start : start + 500])
        by_hash = connection.exec_driver_sql(_hashes_query(len(chunk_hashes)), chunk_hashes)
        stored_hashes.update(h for (h,) in by_hash)
    return stored_pairs, stored_hashes


@cache
def _pairs_query(count: int) -> str:
    """SQLite: which of `count` (source, event_id) pairs are stored, one search of the unique
    index per pair (`(source, event_id) IN (VALUES …)` scans the whole index instead; CROSS JOIN
    keeps the given pairs the outer loop)."""
    pairs = ", ".join(["(?, ?)"] * count)
    return (
        f"SELECT t.source, t.event_id FROM (VALUES {pairs}) AS given "
        "CROSS JOIN tracking_events AS t "
        "ON t.source = given.column1 AND t.event_id = given.column2"
    )


@cache
def _hashes_query(count: int) -> str:
    """SQLite: which of `count` content hashes are stored (on the hash's unique index)."""
    return f"SELECT content_hash FROM tracking_events WHERE content_hash IN ({', '.join(['?'] * count)})"


_INCOMING = "tracking_events_incoming"
"""PostgreSQL: a session's temporary table a batch is copied into (emptied at commit)."""


@cache
def _copy_statements() -> tuple[str, str, str]:
    """PostgreSQL: create the incoming table, COPY into it, move its rows into the events.

    The temporary table has the events' columns and types (LIKE), so an over-long value is
    refused as the insert would refuse it; `seq` carries the submission order there.
    """
    names = ", ".join(f'"{name}"' for name in _COLUMNS)
    return (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} (LIKE tracking_events) "
        "ON COMMIT DELETE ROWS",
        f"COPY {_INCOMING} (seq, {names}) FROM STDIN",
        f"WITH given AS (DELETE FROM {_INCOMING} RETURNING *) "
        f"INSERT INTO tracking_events ({names}) SELECT {names} FROM given ORDER BY seq "
        "ON CONFLICT DO NOTHING RETURNING source, event_id",
    )


def _copy_in(connection: Connection, values: Mapping[str, Sequence[Any]], count: int) -> Any:
    """PostgreSQL: the batch by COPY (psycopg formats rows in C), then one INSERT … SELECT …
    ON CONFLICT DO NOTHING RETURNING; returns the inserted (source, event_id) rows."""
    create, copy_sql, move = _copy_statements()
    connection.exec_driver_sql(create)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in zip(range(count), *(values[name] for name in _COLUMNS), strict=True):
            copy.write_row(row)
    return connection.exec_driver_sql(move)


def add_new(
    session: Session, columns: Mapping[str, Sequence[Any]], raw_id: int | None = None
) -> set[tuple[str, str]]:
    """Append events not stored yet; return the (source, event_id) pairs really inserted.

    `columns` holds one list per column of the table (the same names) but `seq`,
    `event_offset_min` (taken from `event_time`) and `raw_message_id` (`raw_id` for all), all
    of one length; `references` as dicts. Column lists, not row objects: the batch goes to the
    database as arrays (PostgreSQL) or flat parameter tuples (SQLite) without a per-event dict.

    An event a concurrent request stored first is skipped (ON CONFLICT DO NOTHING), not an
    IntegrityError. Rows go in the order given (storage order is submission order). PostgreSQL:
    the batch is copied (COPY) into a temporary table of the session, then moved with one
    INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING (an INSERT from unnest(arrays) spent
    most of its time in psycopg dumping each array element in Python). SQLite: one
    multi-row INSERT … VALUES … ON CONFLICT DO NOTHING RETURNING per 500 events, its values
    converted as the column types would (without SQLAlchemy's per-value bind processing).
    """
    count = len(columns["event_id"])
    if not count:
        return set()
    values: dict[str, Sequence[Any]] = dict(columns)
    values["event_offset_min"] = [offset_of(t) for t in columns["event_time"]]
    values["raw_message_id"] = [raw_id] * count
    values["references"] = [
        json.dumps(r, sort_keys=True) if r else "{}" for r in columns["references"]
    ]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return {(s, e) for s, e in _copy_in(connection, values, count)}
    for name in ("event_time", "recorded_at", "received_at"):
        values[name] = _sqlite_times(values[name])
    rows = list(zip(*(values[name] for name in _COLUMNS), strict=True))
    inserted_pairs: set[tuple[str, str]] = set()
    for start in range(0, count, _SQLITE_ROWS):
        chunk = rows[start : start + _SQLITE_ROWS]
        flat = tuple(chain.from_iterable(chunk))
        found = connection.exec_driver_sql(_values_insert(len(chunk)), flat)
        inserted_pairs.update((s, e) for s, e in found)
    return inserted_pairs


_COLUMNS = tuple(c.name for c in cast(Table, EventRow.__table__).columns if c.name != "seq")
_SQLITE_ROWS = 500  # 10,000 parameters a statement, well under SQLite's limit


def _sqlite_times(values: Sequence[datetime | None]) -> list[str | None]:
    """Times as SQLAlchemy's UtcDateTime stores them on SQLite (UTC, `YYYY-MM-DD HH:MM:SS.ffffff`);
    a run of the same object (a batch's received time) is converted once."""
    out: list[str | None] = []
    last: object = object()
    text: str | None = None
    for value in values:
        if value is not last:
            last = value
            text = (
                None if value is None else value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
            )
        out.append(text)
    return out


@cache
def _values_insert(rows: int) -> str:
    """SQLite: a multi-row INSERT … ON CONFLICT DO NOTHING RETURNING of `rows` rows."""
    names = ", ".join(f'"{name}"' for name in _COLUMNS)
    one = "(" + ", ".join("?" * len(_COLUMNS)) + ")"
    return (
        f"INSERT INTO tracking_events ({names}) VALUES {', '.join([one] * rows)} "
        "ON CONFLICT DO NOTHING RETURNING source, event_id"
    )


def for_subjects(
    session: Session, *, shipment_id: str, service_ids: Sequence[str], vehicle_ids: Sequence[str]
) -> list[TrackingEvent]:
    """Events about the shipment itself, or about the movements it is booked on."""
    conditions = [EventRow.shipment_id == shipment_id]
    if service_ids:
        conditions.append((EventRow.shipment_id.is_(None)) & EventRow.service_id.in_(service_ids))
    if vehicle_ids:
        conditions.append((EventRow.shipment_id.is_(None)) & EventRow.vehicle_id.in_(vehicle_ids))
    query = select(EventRow).where(or_(*conditions)).order_by(EventRow.seq)
    return [to_domain(r) for r in session.scalars(query)]


def for_many_subjects(
    session: Session,
    *,
    shipment_ids: Collection[str],
    service_ids: Collection[str],
    vehicle_ids: Collection[str],
) -> list[TrackingEvent]:
    """Events about any of the shipments, or (with no shipment) about any of the movements, in
    storage order: what `for_subjects` returns for each, in one query (columns, no ORM objects)."""
    conditions: list[ColumnElement[bool]] = []
    if shipment_ids:
        conditions.append(EventRow.shipment_id.in_(sorted(shipment_ids)))
    if service_ids:
        conditions.append(
            EventRow.shipment_id.is_(None) & EventRow.service_id.in_(sorted(service_ids))
        )
    if vehicle_ids:
        conditions.append(
            EventRow.shipment_id.is_(None) & EventRow.vehicle_id.in_(sorted(vehicle_ids))
        )
    if not conditions:
        return []
    table = cast(Table, EventRow.__table__)
    query = select(table).where(or_(*conditions)).order_by(table.c.seq)
    return [to_domain(row) for row in session.execute(query)]


def page_after(
    session: Session, *, after_seq: int, updated_since: datetime | None, limit: int
) -> list[tuple[int, TrackingEvent]]:
    """Events stored after `after_seq` (and received since `updated_since`), in storage order."""
    query = select(EventRow).where(EventRow.seq > after_seq)
    if updated_since is not None:
        query = query.where(EventRow.received_at >= updated_since)
    rows = session.scalars(query.order_by(EventRow.seq).limit(limit))
    return [(r.seq, to_domain(r)) for r in rows]


def subject_shipment_ids(session: Session) -> set[str]:
    """Shipment ids that have at least one direct event."""
    query = select(EventRow.shipment_id).where(EventRow.shipment_id.is_not(None)).distinct()
    return {s for s in session.scalars(query) if s}
