"""One row per booked shipment: its main mode, line-haul lane, carrier, first departure, arrival.

- main mode: air if any booked leg flies, else rail if any leg is on a train, else road;
- lane: from the first to the last scheduled-service (air or rail) leg, e.g. `CGO-LUX`; for a
  road-only shipment, from its first leg's start to its last leg's end;
- carrier: the carrier of the lane's first leg (its service's, else its truck's).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)

from logistics.domain.report_filter import ReportFilter
from logistics.persistence.tables import BookedLegRow, ServiceRow, ShipmentRow, VehicleRow

LEGS = BookedLegRow.__table__
SHIPMENTS = ShipmentRow.__table__
SERVICES = ServiceRow.__table__
VEHICLES = VehicleRow.__table__


def lane_of(origin: Any, destination: Any) -> ColumnElement[str]:
    """`ORIGIN-DESTINATION` as SQL text."""
    lane: ColumnElement[str] = origin + literal_column("'-'") + destination
    return lane


def shipment_profile(among: Any = None) -> Subquery:
    """The per-shipment profile subquery (shipment_id, mode, lane, carrier, ...).

    `among`, a query of shipment ids, restricts it to those shipments (much faster when few).
    """
    rank = case((LEGS.c.mode == "air", 3), (LEGS.c.mode == "rail", 2), else_=1)
    haul = LEGS.c.mode != "road"
    summary = (
        select(
            LEGS.c.shipment_id,
            func.min(LEGS.c.leg_index).label("first_leg"),
            func.max(LEGS.c.leg_index).label("last_leg"),
            func.min(case((haul, LEGS.c.leg_index))).label("first_haul"),
            func.max(case((haul, LEGS.c.leg_index))).label("last_haul"),
            func.max(rank).label("mode_rank"),
        )
        .where(*([] if among is None else [LEGS.c.shipment_id.in_(among)]))
        .group_by(LEGS.c.shipment_id)
        .subquery("leg_summary")
    )
    start, end = LEGS.alias("lane_start"), LEGS.alias("lane_end")
    first, last = LEGS.alias("first_leg_row"), LEGS.alias("last_leg_row")
    service, vehicle = SERVICES.alias("lane_service"), VEHICLES.alias("lane_vehicle")
    main_mode = case(
        (summary.c.mode_rank == 3, literal_column("'air'")),
        (summary.c.mode_rank == 2, literal_column("'rail'")),
        else_=literal_column("'road'"),
    )

    def leg(alias: Any, index: Any) -> ColumnElement[bool]:
        return and_(alias.c.shipment_id == summary.c.shipment_id, alias.c.leg_index == index)

    joined = (
        summary.join(start, leg(start, func.coalesce(summary.c.first_haul, summary.c.first_leg)))
        .join(end, leg(end, func.coalesce(summary.c.last_haul, summary.c.last_leg)))
        .join(first, leg(first, summary.c.first_leg))
        .join(last, leg(last, summary.c.last_leg))
        .outerjoin(service, service.c.id == start.c.service_id)
        .outerjoin(vehicle, vehicle.c.id == start.c.vehicle_id)
    )
    return (
        select(
            summary.c.shipment_id,
            main_mode.label("mode"),
            lane_of(start.c.from_location, end.c.to_location).label("lane"),
            func.coalesce(service.c.carrier, vehicle.c.carrier).label("carrier"),
            first.c.planned_depart.label("first_depart"),
            last.c.planned_arrive.label("last_arrive"),
        )
        .select_from(joined)
        .subquery("profile")
    )


def passes_hub(shipment_id: Any, hub: str) -> ColumnElement[bool]:
    """The shipment has a booked leg from or to `hub`."""
    hub_leg = LEGS.alias("hub_leg")
    return exists().where(
        hub_leg.c.shipment_id == shipment_id,
        or_(hub_leg.c.from_location == hub, hub_leg.c.to_location == hub),
    )


def in_period(column: Any, report_filter: ReportFilter) -> list[ColumnElement[bool]]:
    """`start <= column < end` for the bounds the filter sets."""
    conditions: list[ColumnElement[bool]] = []
    if report_filter.start is not None:
        conditions.append(column >= report_filter.start)
    if report_filter.end is not None:
        conditions.append(column < report_filter.end)
    return conditions


def shipment_conditions(
    profile: Subquery, report_filter: ReportFilter
) -> list[ColumnElement[bool]]:
    """Hub, main mode, lane, shipper and carrier restrictions on profile joined with shipments."""
    f = report_filter
    conditions: list[ColumnElement[bool]] = []
    if f.hub:
        conditions.append(passes_hub(profile.c.shipment_id, f.hub))
    if f.mode:
        conditions.append(profile.c.mode == f.mode.value)
    if f.lane:
        conditions.append(profile.c.lane == f.lane)
    if f.shipper:
        conditions.append(SHIPMENTS.c.shipper == f.shipper)
    if f.carrier:
        conditions.append(profile.c.carrier == f.carrier)
    return conditions
