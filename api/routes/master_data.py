"""Locations, services and vehicles: list with filters and pagination, get one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.dependencies import CoordinatorDep, MasterDataReaderDep, SessionDep
from api.schemas.common import Page
from api.schemas.location_intake import LocationIn, LocationsCreated
from api.schemas.master_data import LocationOut, ServiceOut, VehicleOut
from api.schemas.params import IdPath, IdQuery, Offset, TimeQuery
from logistics.services import master_data, shipment_intake

router = APIRouter(tags=["master data"])

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]


@router.get("/locations", response_model=Page[LocationOut])
def list_locations(
    session: SessionDep,
    principal: MasterDataReaderDep,
    kind: Annotated[
        str | None, Query(max_length=32, description="airport, rail_terminal, depot, ...")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[LocationOut]:
    """List locations, optionally of one kind."""
    page = master_data.list_locations(session, kind=kind, limit=limit, offset=offset)
    return Page(
        items=[LocationOut.of(x) for x in page.items], total=page.total, limit=limit, offset=offset
    )


@router.post("/locations", response_model=LocationsCreated, status_code=status.HTTP_201_CREATED)
def create_locations(
    body: LocationIn | list[LocationIn], session: SessionDep, principal: CoordinatorDep
) -> LocationsCreated:
    """Create one location or a batch, validated like locations.csv rows; all or nothing."""
    rows = [item.as_row() for item in (body if isinstance(body, list) else [body])]
    result = shipment_intake.submit_location_rows(session, rows)
    return LocationsCreated(
        created=result.created, unchanged=result.unchanged, updated=result.updated, ids=result.ids
    )


@router.get("/locations/{location_id}", response_model=LocationOut)
def get_location(
    location_id: IdPath, session: SessionDep, principal: MasterDataReaderDep
) -> LocationOut:
    """One location."""
    return LocationOut.of(master_data.get_location(session, location_id))


@router.get("/services", response_model=Page[ServiceOut])
def list_services(
    session: SessionDep,
    principal: MasterDataReaderDep,
    mode: Annotated[str | None, Query(max_length=8, description="air, rail or road")] = None,
    origin: IdQuery = None,
    destination: IdQuery = None,
    departure_from: TimeQuery = None,
    departure_to: TimeQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[ServiceOut]:
    """List scheduled services (flights, trains, scheduled trucks) by mode, lane and departure."""
    page = master_data.list_services(
        session,
        mode=mode,
        origin=origin,
        destination=destination,
        departure_from=departure_from,
        departure_to=departure_to,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[ServiceOut.of(x) for x in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/services/{service_id}", response_model=ServiceOut)
def get_service(
    service_id: IdPath, session: SessionDep, principal: MasterDataReaderDep
) -> ServiceOut:
    """One scheduled service."""
    return ServiceOut.of(master_data.get_service(session, service_id))


@router.get("/vehicles", response_model=Page[VehicleOut])
def list_vehicles(
    session: SessionDep,
    principal: MasterDataReaderDep,
    depot: IdQuery = None,
    carrier: IdQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[VehicleOut]:
    """List truck shifts by depot and carrier."""
    page = master_data.list_vehicles(
        session, depot=depot, carrier=carrier, limit=limit, offset=offset
    )
    return Page(
        items=[VehicleOut.of(x) for x in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/vehicles/{vehicle_id}", response_model=VehicleOut)
def get_vehicle(
    vehicle_id: IdPath, session: SessionDep, principal: MasterDataReaderDep
) -> VehicleOut:
    """One truck shift."""
    return VehicleOut.of(master_data.get_vehicle(session, vehicle_id))
