"""Measured road distances."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from logistics.domain import RoadLink
from logistics.persistence.repositories.lookup import insert_new_keys
from logistics.persistence.tables import RoadLinkRow


def to_domain(row: RoadLinkRow) -> RoadLink:
    """Row to domain value."""
    return RoadLink(row.origin, row.destination, row.distance_km, row.duration_minutes)


def add_all(session: Session, links: Iterable[RoadLink]) -> set[tuple[str, str]]:
    """Insert new road links in bulk; return the (origin, destination) pairs stored (one a
    concurrent writer stored first is skipped: see `insert_new_keys`)."""
    values = [
        {
            "origin": x.origin,
            "destination": x.destination,
            "distance_km": x.distance_km,
            "duration_minutes": x.duration_minutes,
        }
        for x in links
    ]
    return insert_new_keys(session, RoadLinkRow, values)


def all_links(session: Session) -> dict[tuple[str, str], RoadLink]:
    """Every road link by (origin, destination)."""
    rows = session.scalars(
        select(RoadLinkRow).order_by(RoadLinkRow.origin, RoadLinkRow.destination)
    )
    return {(r.origin, r.destination): to_domain(r) for r in rows}
