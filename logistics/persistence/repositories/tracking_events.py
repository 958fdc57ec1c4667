"""Raw messages and normalised tracking events (append-only)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Table, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Milestone, Mode, TimeType, TrackingEvent
from logistics.persistence.base import offset_of, with_offset
from logistics.persistence.tables import EventRow, RawMessageRow


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


def to_values(
    event: TrackingEvent, content_hash: str, references: dict[str, str], raw_id: int | None
) -> dict[str, Any]:
    """Domain event to column values (event_time offset kept)."""
    assert event.received_at is not None
    return {
        "event_id": event.event_id,
        "source": event.source,
        "content_hash": content_hash,
        "shipment_id": event.shipment_id,
        "service_id": event.service_id,
        "vehicle_id": event.vehicle_id,
        "milestone": event.milestone.value,
        "time_type": event.time_type.value,
        "event_time": event.event_time,
        "event_offset_min": offset_of(event.event_time),
        "recorded_at": event.recorded_at,
        "received_at": event.received_at,
        "location": event.location,
        "mode": event.mode.value if event.mode else None,
        "reason": event.reason.value if event.reason else None,
        "retracts": event.retracts,
        "source_code": event.source_code,
        "raw_message_id": raw_id,
        "inferred": event.inferred,
        "references": json.dumps(references, sort_keys=True),
    }


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


def existing_keys(
    session: Session, pairs: Collection[tuple[str, str]], hashes: Collection[str]
) -> tuple[set[tuple[str, str]], set[str]]:
    """Which (source, event_id) pairs and content hashes are already stored."""
    seen_pairs: set[tuple[str, str]] = set()
    seen_hashes: set[str] = set()
    ids = list({event_id for _, event_id in pairs})
    for start in range(0, len(ids), 500):
        query = select(EventRow.source, EventRow.event_id).where(
            EventRow.event_id.in_(ids[start : start + 500])
        )
        seen_pairs.update((s, e) for s, e in session.execute(query) if (s, e) in pairs)
    hash_list = list(hashes)
    for start in range(0, len(hash_list), 500):
        by_hash = select(EventRow.content_hash).where(
            EventRow.content_hash.in_(hash_list[start : start + 500])
        )
        seen_hashes.update(session.scalars(by_hash))
    return seen_pairs, seen_hashes


def add_new(session: Session, values: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
    """Append events not stored yet; return the (source, event_id) pairs really inserted.

    One cached INSERT … ON CONFLICT DO NOTHING … RETURNING run as an executemany, which
    SQLAlchemy sends as multi-row INSERTs ("insertmanyvalues": one statement per 1,000 rows on
    PostgreSQL) with no ORM objects and no per-batch SQL compilation. An event a concurrent
    request stored first is skipped, not an IntegrityError. Rows go in the order given (storage
    order is submission order).
    """
    rows = list(values)
    if not rows:
        return set()
    connection = session.connection()
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = cast(Table, EventRow.__table__)
    statement = insert(table).on_conflict_do_nothing().returning(table.c.source, table.c.event_id)
    return {(s, e) for s, e in connection.execute(statement, rows)}


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
