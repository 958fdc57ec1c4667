"""Locations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from logistics.domain import Location, LocationKind
from logistics.persistence.repositories.lookup import insert_new, rows_by_ids
from logistics.persistence.repositories.page import Page, paginate
from logistics.persistence.tables import LocationRow


def to_domain(row: LocationRow) -> Location:
    """Row to domain value."""
    return Location(
        row.id,
        row.name,
        LocationKind(row.kind),
        row.lat,
        row.lon,
        row.timezone,
        row.service_minutes,
        row.handling_minutes,
        row.unlocode,
        row.gln,
    )


def to_values(loc: Location) -> dict[str, Any]:
    """Domain value to column values."""
    return dict(
        id=loc.id,
        name=loc.name,
        kind=loc.kind.value,
        lat=loc.lat,
        lon=loc.lon,
        timezone=loc.timezone,
        service_minutes=loc.service_minutes,
        handling_minutes=loc.handling_minutes,
        unlocode=loc.unlocode,
        gln=loc.gln,
    )


def add_all(session: Session, locations: Iterable[Location]) -> set[str]:
    """Insert new locations in bulk (no ORM objects: imports reach many thousands); return the
    ids stored (one a concurrent writer stored first is skipped: see `insert_new`)."""
    return insert_new(session, LocationRow, [to_values(x) for x in locations])


def set_codes(session: Session, coded: Iterable[Location]) -> None:
    """Store the UN/LOCODE and GLN of these (already stored) locations."""
    for loc in coded:
        session.execute(
            update(LocationRow)
            .where(LocationRow.id == loc.id)
            .values(unlocode=loc.unlocode, gln=loc.gln)
        )


def get(session: Session, location_id: str) -> Location | None:
    """One location, or None."""
    row = session.get(LocationRow, location_id)
    return to_domain(row) if row else None


def by_ids(session: Session, ids: Iterable[str]) -> dict[str, Location]:
    """Stored locations among `ids`."""
    return {row.id: to_domain(row) for row in rows_by_ids(session, LocationRow, ids)}


def all_ids(session: Session) -> set[str]:
    """Every stored location id."""
    return set(session.scalars(select(LocationRow.id)))


def all_locations(session: Session) -> list[Location]:
    """Every location, by id."""
    return [to_domain(r) for r in session.scalars(select(LocationRow).order_by(LocationRow.id))]


def list_page(session: Session, *, kind: str | None, limit: int, offset: int) -> Page[Location]:
    """Locations filtered by kind, one page."""
    query = select(LocationRow)
    if kind:
        query = query.where(LocationRow.kind == kind)
    rows, total = paginate(session, query, [LocationRow.id], limit, offset)
    return Page([to_domain(r) for r in rows], total, limit, offset)
