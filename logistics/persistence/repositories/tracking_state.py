"""Per-shipment tracking state and exceptions: the stored projections of the event store.

They are handed out as `ShipmentState` and `StoredException` values; a refresh writes them back
with `save_states`, `add_exceptions` and `close`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    Select,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from logistics.persistence.repositories import booked_legs
from logistics.persistence.repositories.page import Page, paginate
from logistics.persistence.tables import ExceptionRow, ShipmentRow, ShipmentStateRow


@dataclass(frozen=True, slots=True)
class ShipmentState:
    """A shipment's stored tracking projection (`stale`: events arrived since it was computed)."""

    shipment_id: str
    stale: bool
    status: str | None
    eta: datetime | None
    due_at: datetime
    delivered_at: datetime | None
    needs_replan: bool
    last_event_at: datetime | None
    refreshed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewException:
    """An exception to open (the store gives it its id)."""

    shipment_id: str
    key: str
    reason: str
    origin: str  # derived | reported
    leg_index: int | None
    location: str | None
    mode: str | None
    detail: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class StoredException:
    """An opened exception; `closed_at` once it no longer holds."""

    id: int
    shipment_id: str
    key: str
    reason: str
    origin: str
    leg_index: int | None
    location: str | None
    mode: str | None
    detail: str
    opened_at: datetime
    closed_at: datetime | None = None


def _state(row: ShipmentStateRow) -> ShipmentState:
    return ShipmentState(
        shipment_id=row.shipment_id,
        stale=row.stale,
        status=row.status,
        eta=row.eta,
        due_at=row.due_at,
        delivered_at=row.delivered_at,
        needs_replan=row.needs_replan,
        last_event_at=row.last_event_at,
        refreshed_at=row.refreshed_at,
    )


def _exception(row: ExceptionRow) -> StoredException:
    return StoredException(
        id=row.id,
        shipment_id=row.shipment_id,
        key=row.key,
        reason=row.reason,
        origin=row.origin,
        leg_index=row.leg_index,
        location=row.location,
        mode=row.mode,
        detail=row.detail,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
    )


def mark_stale(session: Session, shipment_ids: Collection[str]) -> int:
    """Flag shipments for a projection refresh (creating their state row); return how many."""
    return mark_touched(session, shipment_ids=shipment_ids)


def mark_touched(
    session: Session,
    *,
    shipment_ids: Collection[str] = (),
    service_ids: Collection[str] = (),
    vehicle_ids: Collection[str] = (),
) -> int:
    """Flag the shipments, and those booked on the services or vehicles, as stale; return how
    many state rows were flagged (or created).

    Set-based: `INSERT INTO state SELECT … FROM shipments WHERE … ORDER BY id ON CONFLICT DO
    UPDATE SET stale = true`, in id order: every writer (ingestion, the refresher's claims, the
    sweep) locks state rows in ascending id order, so none deadlocks. PostgreSQL: one statement
    whatever the number of ids (array parameters); SQLite: one per 500 shipments.
    """
    if not (shipment_ids or service_ids or vehicle_ids):
        return 0
    if session.get_bind().dialect.name == "postgresql":
        flagged = _upsert_stale_postgresql(session, shipment_ids, service_ids, vehicle_ids)
    else:
        ids = sorted(
            set(shipment_ids)
            | booked_legs.shipments_on(session, service_ids=service_ids, vehicle_ids=vehicle_ids)
        )
        flagged = []
        connection = session.connection()
        for start in range(0, len(ids), 500):
            chunk = tuple(ids[start : start + 500])
            found = connection.exec_driver_sql(_sqlite_upsert_stale(len(chunk)), chunk)
            flagged += [sid for (sid,) in found]
    for sid in flagged:  # rows this session already holds see the new flag too
        loaded = session.identity_map.get(identity_key(ShipmentStateRow, sid))
        if loaded is not None:
            set_committed_value(loaded, "stale", True)
    return len(flagged)


def _upsert_stale_postgresql(
    session: Session,
    shipment_ids: Collection[str],
    service_ids: Collection[str],
    vehicle_ids: Collection[str],
) -> list[str]:
    """PostgreSQL: the stale upsert as one driver-level statement with binary array parameters
    (SQLAlchemy's ARRAY binds are text arrays psycopg quotes element by element in Python, and
    the ORM statement was compiled for every batch)."""
    booked = (
        " OR s.id IN (SELECT shipment_id FROM booked_legs"
        " WHERE service_id = ANY(%(services)b::varchar[])"
        " OR vehicle_id = ANY(%(vehicles)b::varchar[]))"
        if service_ids or vehicle_ids
        else ""
    )
    statement = (
        "INSERT INTO shipment_tracking_state (shipment_id, stale, due_at, needs_replan) "
        "SELECT s.id, true, s.due_at, false FROM shipments AS s "
        f"WHERE s.id = ANY(%(ids)b::varchar[]){booked} ORDER BY s.id "
        "ON CONFLICT (shipment_id) DO UPDATE SET stale = true "
        "WHERE NOT shipment_tracking_state.stale RETURNING shipment_id"
    )
    parameters: dict[str, list[str]] = {"ids": sorted(set(shipment_ids))}
    if booked:
        parameters["services"] = sorted(set(service_ids))
        parameters["vehicles"] = sorted(set(vehicle_ids))
    found = session.connection().exec_driver_sql(statement, parameters)
    return [sid for (sid,) in found]


@cache
def _sqlite_upsert_stale(count: int) -> str:
    """SQLite: the stale upsert of `count` shipment ids as one driver-level statement (the ORM
    statement was compiled for every batch, its IN list having the batch's length)."""
    marks = ", ".join("?" * count)
    return (
        "INSERT INTO shipment_tracking_state (shipment_id, stale, due_at, needs_replan) "
        f"SELECT id, 1, due_at, 0 FROM shipments WHERE id IN ({marks}) ORDER BY id "
        "ON CONFLICT (shipment_id) DO UPDATE SET stale = 1 "
        "WHERE NOT shipment_tracking_state.stale RETURNING shipment_id"
    )


def stale_ids(session: Session, limit: int | None = None) -> list[str]:
    """Shipments waiting for a refresh, oldest id first (no locks: for reading)."""
    query = (
        select(ShipmentStateRow.shipment_id)
        .where(ShipmentStateRow.stale.is_(True))
        .order_by(ShipmentStateRow.shipment_id)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def _write_lock_sqlite(session: Session) -> None:
    # SQLite has no row locks: take the database's write lock before reading what a refresh
    # recomputes, so two refreshes of one shipment run one after the other (never both open
    # the same exception). A write statement matching no row is enough; elsewhere a no-op.
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE shipment_tracking_state SET stale = stale WHERE 0"))


def lock_in_order(session: Session, shipment_ids: Sequence[str]) -> list[str]:
    """Lock the state rows of these shipments in ascending id order (PostgreSQL: FOR UPDATE)."""
    _write_lock_sqlite(session)
    ids = sorted(set(shipment_ids))
    locked: list[str] = []
    for start in range(0, len(ids), 500):
        query = (
            select(ShipmentStateRow.shipment_id)
            .where(ShipmentStateRow.shipment_id.in_(ids[start : start + 500]))
            .order_by(ShipmentStateRow.shipment_id)
            .with_for_update()
        )
        locked += session.scalars(query)
    return locked


def claim_stale(
    session: Session, limit: int | None = None, *, skip_locked: bool = False
) -> list[str]:
    """Lock stale shipments' state rows for a refresh, in id order (PostgreSQL: FOR UPDATE).

    A reader that must see current projections waits for rows another refresh holds (and then
    finds them fresh); a background refresher passes `skip_locked` and leaves them to the other.
    """
    _write_lock_sqlite(session)
    query = (
        select(ShipmentStateRow.shipment_id)
        .where(ShipmentStateRow.stale.is_(True))
        .order_by(ShipmentStateRow.shipment_id)
        .with_for_update(skip_locked=skip_locked)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def undelivered_ids(session: Session) -> list[str]:
    """Tracked shipments not delivered yet (what time-based rules must look at again)."""
    query = select(ShipmentStateRow.shipment_id).where(ShipmentStateRow.delivered_at.is_(None))
    return sorted(session.scalars(query))


def get(session: Session, shipment_id: str) -> ShipmentState | None:
    """The shipment's state, as stored now."""
    row = session.get(ShipmentStateRow, shipment_id, populate_existing=True)
    return _state(row) if row is not None else None


def states_of(session: Session, shipment_ids: Collection[str]) -> dict[str, ShipmentState]:
    """The states of the shipments that have one, as stored now."""
    if not shipment_ids:
        return {}
    query = select(ShipmentStateRow).where(ShipmentStateRow.shipment_id.in_(list(shipment_ids)))
    rows = session.scalars(query.execution_options(populate_existing=True))
    return {row.shipment_id: _state(row) for row in rows}


def save_states(session: Session, states: Sequence[ShipmentState]) -> None:
    """Store recomputed states over the existing rows (one executemany UPDATE)."""
    if not states:
        return
    session.execute(
        update(ShipmentStateRow),
        [
            {
                "shipment_id": s.shipment_id,
                "stale": s.stale,
                "status": s.status,
                "eta": s.eta,
                "due_at": s.due_at,
                "delivered_at": s.delivered_at,
                "needs_replan": s.needs_replan,
                "last_event_at": s.last_event_at,
                "refreshed_at": s.refreshed_at,
            }
            for s in states
        ],
    )


def open_reasons(session: Session, shipment_ids: Collection[str]) -> dict[str, list[str]]:
    """Reasons of each shipment's open exceptions (each reason once), oldest first."""
    if not shipment_ids:
        return {}
    query = (
        select(ExceptionRow.shipment_id, ExceptionRow.reason)
        .where(ExceptionRow.shipment_id.in_(list(shipment_ids)), ExceptionRow.closed_at.is_(None))
        .order_by(ExceptionRow.opened_at, ExceptionRow.id)
    )
    out: dict[str, list[str]] = {}
    for shipment_id, reason in session.execute(query):
        reasons = out.setdefault(shipment_id, [])
        if reason not in reasons:
            reasons.append(reason)
    return out


def open_for(session: Session, shipment_id: str) -> list[StoredException]:
    """The shipment's open exceptions, oldest first."""
    query = (
        select(ExceptionRow)
        .where(ExceptionRow.shipment_id == shipment_id, ExceptionRow.closed_at.is_(None))
        .order_by(ExceptionRow.opened_at, ExceptionRow.id)
        .execution_options(populate_existing=True)
    )
    return [_exception(row) for row in session.scalars(query)]


def open_for_many(
    session: Session, shipment_ids: Collection[str]
) -> dict[str, list[StoredException]]:
    """Each shipment's open exceptions, oldest first (one query per 500 shipments)."""
    ids = sorted(set(shipment_ids))
    out: dict[str, list[StoredException]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(ExceptionRow)
            .where(
                ExceptionRow.shipment_id.in_(ids[start : start + 500]),
                ExceptionRow.closed_at.is_(None),
            )
            .order_by(ExceptionRow.opened_at, ExceptionRow.id)
            .execution_options(populate_existing=True)
        )
        for row in session.scalars(query):
            out.setdefault(row.shipment_id, []).append(_exception(row))
    return out


def add_exceptions(session: Session, opened: Sequence[NewException]) -> list[StoredException]:
    """Open exceptions (flushed together); the stored ones, with their ids, in the same order."""
    rows = [
        ExceptionRow(
            shipment_id=e.shipment_id,
            key=e.key,
            reason=e.reason,
            origin=e.origin,
            leg_index=e.leg_index,
            location=e.location,
            mode=e.mode,
            detail=e.detail,
            opened_at=e.opened_at,
        )
        for e in opened
    ]
    if rows:
        session.add_all(rows)
        session.flush()
    return [_exception(row) for row in rows]


@dataclass(frozen=True, slots=True)
class ExceptionFilter:
    """What `list_exceptions` returns."""

    state: str = "open"  # open | closed | all
    reason: str | None = None
    location: str | None = None
    mode: str | None = None
    shipment_id: str | None = None
    shippers: Collection[str] | None = None  # None: every shipper


def _filtered(f: ExceptionFilter) -> Select[tuple[ExceptionRow]]:
    query = select(ExceptionRow).execution_options(populate_existing=True)
    if f.state == "open":
        query = query.where(ExceptionRow.closed_at.is_(None))
    elif f.state == "closed":
        query = query.where(ExceptionRow.closed_at.is_not(None))
    if f.reason:
        query = query.where(ExceptionRow.reason == f.reason)
    if f.location:
        query = query.where(ExceptionRow.location == f.location)
    if f.mode:
        query = query.where(ExceptionRow.mode == f.mode)
    if f.shipment_id:
        query = query.where(ExceptionRow.shipment_id == f.shipment_id)
    if f.shippers is not None:
        owned = select(ShipmentRow.id).where(ShipmentRow.shipper.in_(sorted(f.shippers)))
        query = query.where(ExceptionRow.shipment_id.in_(owned))
    return query


def list_exceptions(
    session: Session, f: ExceptionFilter, *, limit: int, offset: int
) -> Page[StoredException]:
    """Exceptions matching the filter, oldest opened first."""
    rows, total = paginate(
        session, _filtered(f), (ExceptionRow.opened_at, ExceptionRow.id), limit, offset
    )
    return Page([_exception(row) for row in rows], total, limit, offset)


def needing_replan(
    session: Session, *, shippers: Collection[str] | None, limit: int, offset: int
) -> Page[ShipmentState]:
    """Shipments whose accepted itinerary no longer holds."""
    query = select(ShipmentStateRow).where(ShipmentStateRow.needs_replan.is_(True))
    if shippers is not None:
        owned = select(ShipmentRow.id).where(ShipmentRow.shipper.in_(sorted(shippers)))
        query = query.where(ShipmentStateRow.shipment_id.in_(owned))
    query = query.execution_options(populate_existing=True)
    rows, total = paginate(session, query, (ShipmentStateRow.shipment_id,), limit, offset)
    return Page([_state(row) for row in rows], total, limit, offset)


def close(session: Session, exception_ids: Collection[int], at: datetime) -> None:
    """Close exceptions that no longer hold (one executemany UPDATE)."""
    if exception_ids:
        session.execute(
            update(ExceptionRow), [{"id": i, "closed_at": at} for i in sorted(exception_ids)]
        )


def closed_for(
    session: Session, shipment_id: str, reasons: Collection[str]
) -> list[StoredException]:
    """The shipment's closed exceptions of the given reasons, oldest first."""
    query = (
        select(ExceptionRow)
        .where(
            ExceptionRow.shipment_id == shipment_id,
            ExceptionRow.closed_at.is_not(None),
            ExceptionRow.reason.in_(sorted(reasons)),
        )
        .order_by(ExceptionRow.closed_at, ExceptionRow.id)
        .execution_options(populate_existing=True)
    )
    return [_exception(row) for row in session.scalars(query)]
