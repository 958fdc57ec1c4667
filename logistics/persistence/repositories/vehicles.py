"""Truck shifts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import Vehicle
from logistics.domain.validation import format_tags, parse_tags
from logistics.persistence.base import offset_of, with_offset
from logistics.persistence.repositories.lookup import insert_new, rows_by_ids
from logistics.persistence.repositories.page import Page, paginate
from logistics.persistence.tables import VehicleRow


def to_domain(row: VehicleRow) -> Vehicle:
    """Row to domain value (original offsets restored)."""
    return Vehicle(
        row.id,
        row.carrier,
        row.depot,
        row.capacity_kg,
        row.capacity_m3,
        with_offset(row.available_from, row.available_from_offset_min),
        with_offset(row.available_until, row.available_until_offset_min),
        row.speed_kmh,
        row.cost_per_km,
        row.cost_per_hour,
        row.fixed_cost,
        parse_tags(row.capabilities),
        row.emission_class,
    )


def to_values(v: Vehicle) -> dict[str, Any]:
    """Domain value to column values."""
    return dict(
        id=v.id,
        carrier=v.carrier,
        depot=v.depot,
        capacity_kg=v.capacity_kg,
        capacity_m3=v.capacity_m3,
        available_from=v.available_from,
        available_from_offset_min=offset_of(v.available_from),
        available_until=v.available_until,
        available_until_offset_min=offset_of(v.available_until),
        speed_kmh=v.speed_kmh,
        cost_per_km=v.cost_per_km,
        cost_per_hour=v.cost_per_hour,
        fixed_cost=v.fixed_cost,
        capabilities=format_tags(v.capabilities),
        emission_class=v.emission_class,
    )


def add_all(session: Session, vehicles: Iterable[Vehicle]) -> set[str]:
    """Insert new vehicles in bulk (no ORM objects: imports reach many thousands); return the
    ids stored (one a concurrent writer stored first is skipped: see `insert_new`)."""
    return insert_new(session, VehicleRow, [to_values(x) for x in vehicles])


def get(session: Session, vehicle_id: str) -> Vehicle | None:
    """One vehicle, or None."""
    row = session.get(VehicleRow, vehicle_id)
    return to_domain(row) if row else None


def by_ids(session: Session, ids: Iterable[str]) -> dict[str, Vehicle]:
    """Stored vehicles among `ids`."""
    return {row.id: to_domain(row) for row in rows_by_ids(session, VehicleRow, ids)}


def all_vehicles(session: Session) -> list[Vehicle]:
    """Every vehicle, by id."""
    return [to_domain(r) for r in session.scalars(select(VehicleRow).order_by(VehicleRow.id))]


def list_page(
    session: Session,
    *,
    depot: str | None = None,
    carrier: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[Vehicle]:
    """Vehicles filtered by depot and carrier, one page."""
    query = select(VehicleRow)
    if depot:
        query = query.where(VehicleRow.depot == depot)
    if carrier:
        query = query.where(VehicleRow.carrier == carrier)
    rows, total = paginate(session, query, [VehicleRow.id], limit, offset)
    return Page([to_domain(r) for r in rows], total, limit, offset)
