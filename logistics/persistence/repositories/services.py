"""Scheduled services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import Mode, Service
from logistics.domain.validation import format_tags, parse_tags
from logistics.persistence.base import offset_of, with_offset
from logistics.persistence.repositories.lookup import insert_new, rows_by_ids
from logistics.persistence.repositories.page import Page, paginate
from logistics.persistence.tables import ServiceRow


def to_domain(row: ServiceRow) -> Service:
    """Row to domain value (original offsets restored)."""
    return Service(
        row.id,
        Mode(row.mode),
        row.carrier,
        row.origin,
        row.destination,
        with_offset(row.departure, row.departure_offset_min),
        with_offset(row.arrival, row.arrival_offset_min),
        row.cutoff_minutes,
        row.capacity_kg,
        row.capacity_m3,
        row.cost_per_kg,
        parse_tags(row.capabilities),
        row.emission_class,
    )


def to_values(s: Service) -> dict[str, Any]:
    """Domain value to column values."""
    return dict(
        id=s.id,
        mode=s.mode.value,
        carrier=s.carrier,
        origin=s.origin,
        destination=s.destination,
        departure=s.departure,
        departure_offset_min=offset_of(s.departure),
        arrival=s.arrival,
        arrival_offset_min=offset_of(s.arrival),
        cutoff_minutes=s.cutoff_minutes,
        capacity_kg=s.capacity_kg,
        capacity_m3=s.capacity_m3,
        cost_per_kg=s.cost_per_kg,
        capabilities=format_tags(s.capabilities),
        emission_class=s.emission_class,
    )


def add_all(session: Session, services: Iterable[Service]) -> set[str]:
    """Insert new services in bulk (no ORM objects: imports reach many thousands); return the
    ids stored (one a concurrent writer stored first is skipped: see `insert_new`)."""
    return insert_new(session, ServiceRow, [to_values(x) for x in services])


def get(session: Session, service_id: str) -> Service | None:
    """One service, or None."""
    row = session.get(ServiceRow, service_id)
    return to_domain(row) if row else None


def by_ids(session: Session, ids: Iterable[str]) -> dict[str, Service]:
    """Stored services among `ids`."""
    return {row.id: to_domain(row) for row in rows_by_ids(session, ServiceRow, ids)}


def all_services(session: Session) -> list[Service]:
    """Every service, by departure."""
    query = select(ServiceRow).order_by(ServiceRow.departure, ServiceRow.id)
    return [to_domain(r) for r in session.scalars(query)]


def list_page(
    session: Session,
    *,
    mode: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
    departure_from: datetime | None = None,
    departure_to: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[Service]:
    """Services filtered by mode, lane and departure window, one page by departure."""
    query = select(ServiceRow)
    if mode:
        query = query.where(ServiceRow.mode == mode)
    if origin:
        query = query.where(ServiceRow.origin == origin)
    if destination:
        query = query.where(ServiceRow.destination == destination)
    if departure_from:
        query = query.where(ServiceRow.departure >= departure_from)
    if departure_to:
        query = query.where(ServiceRow.departure <= departure_to)
    rows, total = paginate(session, query, [ServiceRow.departure, ServiceRow.id], limit, offset)
    return Page([to_domain(r) for r in rows], total, limit, offset)
