"""Reading master data and shipments (shipper-scoped) and adding shipments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from logistics.domain import Location, Principal, Role, Scenario, Service, Shipment, Vehicle
from logistics.errors import NotFound
from logistics.persistence.repositories import locations, services, shipments, vehicles
from logistics.persistence.repositories.page import Page
from logistics.persistence.repositories.shipments import ShipmentFilter
from logistics.services.import_scenario import ImportReport, KindCount, import_scenario


def list_locations(
    session: Session, *, kind: str | None, limit: int, offset: int
) -> Page[Location]:
    """Locations, optionally of one kind."""
    return locations.list_page(session, kind=kind, limit=limit, offset=offset)


def get_location(session: Session, location_id: str) -> Location:
    """One location or NotFound."""
    found = locations.get(session, location_id)
    if found is None:
        raise NotFound(f"no location {location_id!r}")
    return found


def list_services(
    session: Session,
    *,
    mode: str | None,
    origin: str | None,
    destination: str | None,
    departure_from: datetime | None,
    departure_to: datetime | None,
    limit: int,
    offset: int,
) -> Page[Service]:
    """Services by mode, lane and departure window."""
    return services.list_page(
        session,
        mode=mode,
        origin=origin,
        destination=destination,
        departure_from=departure_from,
        departure_to=departure_to,
        limit=limit,
        offset=offset,
    )


def get_service(session: Session, service_id: str) -> Service:
    """One service or NotFound."""
    found = services.get(session, service_id)
    if found is None:
        raise NotFound(f"no service {service_id!r}")
    return found


def list_vehicles(
    session: Session, *, depot: str | None, carrier: str | None, limit: int, offset: int
) -> Page[Vehicle]:
    """Truck shifts by depot and carrier."""
    return vehicles.list_page(session, depot=depot, carrier=carrier, limit=limit, offset=offset)


def get_vehicle(session: Session, vehicle_id: str) -> Vehicle:
    """One truck shift or NotFound."""
    found = vehicles.get(session, vehicle_id)
    if found is None:
        raise NotFound(f"no vehicle {vehicle_id!r}")
    return found


def list_shipments(
    session: Session,
    principal: Principal,
    *,
    shipper: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
    ready_from: datetime | None = None,
    ready_to: datetime | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[Shipment]:
    """Shipments matching the filters; a shipper principal sees only its own."""
    if principal.role is Role.SHIPPER:
        if shipper is not None and shipper != principal.shipper_id:
            return Page([], 0, limit, offset)
        shipper = principal.shipper_id
    filters = ShipmentFilter(shipper, origin, destination, ready_from, ready_to, due_from, due_to)
    return shipments.list_page(session, filters, limit=limit, offset=offset)


def get_shipment(session: Session, principal: Principal, shipment_id: str) -> Shipment:
    """One shipment; another shipper's shipment is NotFound, exactly like a missing one."""
    found = shipments.get(session, shipment_id)
    if found is None or not principal.may_see_shipper(found.shipper):
        raise NotFound(f"no shipment {shipment_id!r}")
    return found


def add_shipments(session: Session, new: Sequence[Shipment]) -> KindCount:
    """Add shipments (identical ones are left alone; conflicting ones refuse the whole batch)."""
    known = locations.by_ids(session, {s.origin for s in new} | {s.destination for s in new})
    scenario = Scenario(locations=tuple(known.values()), shipments=tuple(new))
    report: ImportReport = import_scenario(session, scenario)
    return report.counts["shipments"]
