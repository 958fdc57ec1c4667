"""Raw messages and normalised tracking events (append-only)."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timezone
from functools import cache
from typing import Any, cast

from psycopg.types.string import BytesBinaryDumper
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    LargeBinary,
    Row,
    String,
    Table,
    Text,
    or_,
    select,
)
from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Milestone, Mode, TimeType, TrackingEvent
from logistics.domain.utc_text import utc_sqlite_text
from logistics.persistence.base import UtcDateTime, offset_of, with_offset
from logistics.persistence.repositories import confirmed_ids
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

    Ids this process has seen committed already are known without a query (`confirmed_ids`:
    these rows are never deleted); the others are looked up with driver-level statements on the
    primary keys: PostgreSQL one per kind with a binary array parameter (psycopg's text arrays
    quote each element through a regular expression in Python), SQLite one per kind and 500 ids.
    """
    return (
        _known(session, ShipmentRow.__tablename__, shipment_ids),
        _known(session, ServiceRow.__tablename__, service_ids),
        _known(session, VehicleRow.__tablename__, vehicle_ids),
    )


def _known(session: Session, table: str, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    wanted = confirmed_ids.unconfirmed(session, table, ids)
    if not wanted:
        return set(ids)
    found = _stored(session, table, wanted)
    confirmed_ids.found(session, table, found)
    return found | (set(ids) - set(wanted))


def _stored(session: Session, table: str, wanted: list[str]) -> set[str]:
    """Which of the ids (sorted) are stored in the table, by query."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(
            f"SELECT id FROM {table} WHERE id = ANY(%(ids)b::varchar[])", {"ids": wanted}
        )
        return {i for (i,) in rows}
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = tuple(wanted[start : start + 500])
        query = f"SELECT id FROM {table} WHERE id IN ({', '.join(['?'] * len(chunk))})"
        known.update(i for (i,) in connection.exec_driver_sql(query, chunk))
    return known


_INCOMING = "tracking_events_incoming"
"""PostgreSQL: a session's temporary table a batch is copied into (emptied at commit)."""

NEW_EVENT_COLUMNS = (
    "event_id",
    "source",
    "content_key",
    "shipment_id",
    "service_id",
    "vehicle_id",
    "milestone",
    "time_type",
    "event_time",
    "recorded_at",
    "received_at",
    "location",
    "mode",
    "reason",
    "retracts",
    "source_code",
    "inferred",
    "references",
)
"""The values of a new event `add_new` takes, in this order (columns of the same names)."""

_WRITTEN = (*NEW_EVENT_COLUMNS, "event_offset_min", "raw_message_id")
"""The columns `add_new` writes, in this order: the given values, then those it derives."""


@cache
def _copy_statements() -> tuple[str, str, str]:
    """PostgreSQL: create the incoming table, COPY into it, move its rows into the events.

    The temporary table has the events' columns and types (LIKE), so an over-long value is
    refused as the insert would refuse it; `seq` carries the submission order there.
    """
    names = ", ".join(f'"{name}"' for name in _WRITTEN)
    return (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} (LIKE tracking_events) "
        "ON COMMIT DELETE ROWS",
        f"COPY {_INCOMING} (seq, {names}) FROM STDIN (FORMAT BINARY)",
        f"WITH given AS (DELETE FROM {_INCOMING} RETURNING *) "
        f"INSERT INTO tracking_events ({names}) SELECT {names} FROM given ORDER BY seq "
        "ON CONFLICT DO NOTHING RETURNING source, event_id, content_key",
    )


@cache
def _copy_types() -> tuple[str, ...]:
    """PostgreSQL: the type of each column `add_new` writes, in `_WRITTEN` order, as binary
    COPY needs them (read from the table's definition, so the two cannot drift).

    Binary, not text: psycopg then packs times and numbers in C and the server reads them
    without parsing text (measured: about 60 % less client CPU for the insert, and less server
    CPU); the server still applies each column's length limit (typmod) to binary input.
    """
    table = cast(Table, EventRow.__table__)
    return tuple(_binary_type(table.c[name].type) for name in _WRITTEN)


def _binary_type(column_type: object) -> str:
    """The PostgreSQL type name binary COPY sends a value of this column type as."""
    if isinstance(column_type, UtcDateTime):
        return "timestamptz"
    for kind, name in _BINARY_TYPES:
        if isinstance(column_type, kind):
            return name
    raise TypeError(f"no binary COPY type for column type {column_type!r}")


_BINARY_TYPES: tuple[tuple[type, str], ...] = (
    (Text, "text"),  # before String: Text is a String
    (String, "varchar"),
    (LargeBinary, "bytea"),
    (Boolean, "bool"),
    (Integer, "int4"),
)


_SAVEPOINT = "tracking_events_copy"
_UNIQUE_VIOLATION = "23505"


@cache
def _direct_copy() -> str:
    names = ", ".join(f'"{name}"' for name in _WRITTEN)
    return f"COPY tracking_events ({names}) FROM STDIN (FORMAT BINARY)"


def _copying(driver: Any) -> Any:
    """PostgreSQL: a cursor for binary COPY of the events. Its content keys (bytes) are packed
    by psycopg's C dumper: the one psycopg finds for the bytea type by default (the DB-API
    `Binary` wrapper's, in Python) costs about a microsecond a row."""
    cursor = driver.cursor()
    cursor.adapters.register_dumper(bytes, BytesBinaryDumper)
    return cursor


def _distinct(events: Sequence[Sequence[Any]]) -> bool:
    """No two events share their source and id, nor their content key."""
    return len({(e[1], e[0]) for e in events}) == len(events) == len({e[2] for e in events})


def _copy_directly(driver: Any, rows: Sequence[Sequence[Any]]) -> list[Stored] | None:
    """PostgreSQL: COPY the rows into the events under a savepoint; None (and nothing written)
    when one of them is stored already (a unique violation: the copy is rolled back)."""
    driver.execute(f"SAVEPOINT {_SAVEPOINT}")
    try:
        with _copying(driver) as cursor, cursor.copy(_direct_copy()) as copy:
            copy.set_types(_copy_types())
            for row in rows:
                copy.write_row(row)
    except Exception as error:
        if getattr(error, "sqlstate", None) != _UNIQUE_VIOLATION:
            raise
        driver.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        driver.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        return None
    driver.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return [(row[1], row[0], row[2]) for row in rows]


Stored = tuple[str, str, bytes]
"""An event `add_new` really inserted: its source, id and content key."""


def add_new(
    session: Session, events: Sequence[Sequence[Any]], raw_id: int | None = None
) -> list[Stored]:
    """Append the events not stored yet, and say which: (source, event_id, content_key) of each
    event really inserted.

    An event is not stored when one with the same source and id, or the same content key, is
    stored already or comes earlier in `events`: the unique constraints decide, row by row in
    the order given (ON CONFLICT DO NOTHING), so the caller needs no lookup beforehand and a
    concurrent request that stored the same event first is no error.

    Each event is its values in `NEW_EVENT_COLUMNS` order (times aware, `references` a dict);
    `event_offset_min` is taken from `event_time` and `raw_message_id` is `raw_id` for all.
    Each row is converted in one pass and handed to the driver (no dict per event, no
    SQLAlchemy compilation or per-value bind processing).

    Rows go in the order given (storage order is submission order). PostgreSQL: events that
    name no source and id, and no content, twice are first copied straight into the events
    (binary COPY, psycopg packs the rows in C) under a savepoint, on the chance that none is stored
    yet (the usual case of a live feed); if one is, the copy is rolled back and the batch is
    copied into a temporary table of the session, then moved with one INSERT … SELECT … ON
    CONFLICT DO NOTHING RETURNING, as is a batch with a repeat. SQLite: one INSERT … ON CONFLICT
    DO NOTHING run for every event (executemany), its values converted as the column types would
    (times as UtcDateTime stores them); when fewer rows were inserted than given, the ones
    inserted are the last stored (SQLite has a single writer, this transaction).
    """
    if not events:
        return []
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    offsets = _Offsets()
    if connection.dialect.name == "postgresql":
        rows = [(*e[:17], _references(e[17]), offsets.of(e[8]), raw_id) for e in events]
        if _distinct(events):
            copied = _copy_directly(driver, rows)
            if copied is not None:
                return copied
        create, copy_sql, move = _copy_statements()
        connection.exec_driver_sql(create)
        with _copying(driver) as cursor, cursor.copy(copy_sql) as copy:
            copy.set_types(("int4", *_copy_types()))
            for seq, row in enumerate(rows):
                copy.write_row((seq, *row))
        return [(s, e, bytes(k)) for s, e, k in connection.exec_driver_sql(move)]
    event_times, recorded_times, received_times = _SqliteTimes(), _SqliteTimes(), _SqliteTimes()
    rows = [
        (
            *e[:8],
            event_times.of(e[8]),
            recorded_times.of(e[9]),
            received_times.of(e[10]),
            *e[11:17],
            _references(e[17]),
            offsets.of(e[8]),
            raw_id,
        )
        for e in events
    ]
    cursor = driver.cursor()
    try:
        cursor.executemany(_sqlite_insert(), rows)
        count = cursor.rowcount
        if count == len(rows):  # every event was new: the usual case of a live feed
            return [(row[1], row[0], row[2]) for row in rows]
        if count <= 0:
            return []
        if not driver.in_transaction:  # each row committed alone: others may have written since
            raise RuntimeError("add_new on SQLite needs a transaction (not autocommit)")
        # SQLite has one writer: this transaction holds the write lock since its first insert,
        # so the `count` rows stored last (storage order) are those this call inserted.
        cursor.execute(_SQLITE_LAST, (count,))
        return [(s, e, bytes(k)) for s, e, k in reversed(cursor.fetchall())]
    finally:
        cursor.close()


_SQLITE_LAST = "SELECT source, event_id, content_key FROM tracking_events ORDER BY seq DESC LIMIT ?"


def _references(given: Mapping[str, str] | None) -> str:
    return json.dumps(given, sort_keys=True) if given else "{}"


class _Offsets:
    """`offset_of` per event time, computed once per fixed-offset time zone of a batch."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[object, int] = {}

    def of(self, value: datetime) -> int:
        zone = value.tzinfo
        if type(zone) is not timezone:  # a named zone's offset depends on the date
            return offset_of(value)
        found = self._known.get(zone)
        if found is None:
            found = self._known[zone] = offset_of(value)
        return found


class _SqliteTimes:
    """Times as SQLAlchemy's UtcDateTime stores them on SQLite (UTC, `YYYY-MM-DD
    HH:MM:SS.ffffff`); the last object converted is remembered (a batch's received time)."""

    __slots__ = ("_last", "_text")

    def __init__(self) -> None:
        self._last: object = object()
        self._text: str | None = None

    def of(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value is self._last:
            return self._text
        self._last = value
        self._text = utc_sqlite_text(value)
        return self._text


@cache
def _sqlite_insert() -> str:
    """SQLite: the one-row INSERT … ON CONFLICT DO NOTHING run for every event (executemany:
    the statement is prepared once and each row bound in C, faster than multi-row VALUES with
    RETURNING)."""
    names = ", ".join(f'"{name}"' for name in _WRITTEN)
    marks = ", ".join("?" * len(_WRITTEN))
    return f"INSERT INTO tracking_events ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"


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
