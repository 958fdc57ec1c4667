"""Loading a whole scenario (for the planner) from the database."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from logistics.domain import Scenario
from logistics.persistence.repositories import (
    locations,
    road_links,
    services,
    shipment_changes,
    shipments,
    vehicles,
)


def load_scenario(session: Session, *, shipment_ids: Collection[str] | None = None) -> Scenario:
    """All master data with every shipment, or only the selected shipments (never cancelled ones)."""
    chosen = (
        shipments.all_shipments(session)
        if shipment_ids is None
        else sorted(shipments.by_ids(session, shipment_ids).values(), key=lambda s: s.id)
    )
    cancelled = shipment_changes.cancelled_ids(session)
    chosen = [s for s in chosen if s.id not in cancelled]
    return Scenario(
        locations=tuple(locations.all_locations(session)),
        services=tuple(services.all_services(session)),
        vehicles=tuple(vehicles.all_vehicles(session)),
        shipments=tuple(chosen),
        road_links=tuple(road_links.all_links(session).values()),
    )
