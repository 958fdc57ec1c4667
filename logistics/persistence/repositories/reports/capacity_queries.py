"""Capacity report queries: booked load per scheduled service, and per truck shift."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, false, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from logistics.domain.enums import Mode
from logistics.domain.report_filter import ReportFilter
from logistics.persistence.repositories.reports.frames import query_frame
from logistics.persistence.repositories.reports.profile import (
    LEGS,
    SERVICES,
    SHIPMENTS,
    VEHICLES,
    in_period,
    lane_of,
)


def _booked(report_filter: ReportFilter, subject: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [LEGS.c[subject].is_not(None)]
    if report_filter.shipper:
        conditions.append(SHIPMENTS.c.shipper == report_filter.shipper)
    return conditions


def service_loads(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """Every service departing in the period with its capacity and booked shipments, kg and m3."""
    f = report_filter
    loads = (
        select(LEGS.c.service_id, SHIPMENTS.c.weight_kg, SHIPMENTS.c.volume_m3)
        .select_from(LEGS.join(SHIPMENTS, SHIPMENTS.c.id == LEGS.c.shipment_id))
        .where(*_booked(f, "service_id"))
        .subquery("service_loads")
    )
    lane = lane_of(SERVICES.c.origin, SERVICES.c.destination)
    conditions = in_period(SERVICES.c.departure, f)
    if f.hub:
        conditions.append((SERVICES.c.origin == f.hub) | (SERVICES.c.destination == f.hub))
    if f.mode:
        conditions.append(SERVICES.c.mode == f.mode.value)
    if f.lane:
        conditions.append(lane == f.lane)
    if f.carrier:
        conditions.append(SERVICES.c.carrier == f.carrier)
    columns = (
        SERVICES.c.id,
        SERVICES.c.mode,
        SERVICES.c.carrier,
        SERVICES.c.origin,
        SERVICES.c.destination,
        SERVICES.c.departure,
        SERVICES.c.capacity_kg,
        SERVICES.c.capacity_m3,
    )
    query = (
        select(
            *columns,
            func.count(loads.c.service_id).label("shipments"),
            func.coalesce(func.sum(loads.c.weight_kg), 0.0).label("booked_kg"),
            func.coalesce(func.sum(loads.c.volume_m3), 0.0).label("booked_m3"),
        )
        .select_from(SERVICES.outerjoin(loads, loads.c.service_id == SERVICES.c.id))
        .where(*conditions)
        .group_by(*columns)
    )
    return query_frame(session, query)


def truck_loads(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """Every truck shift starting in the period: capacity, legs, kg carried and peak load on board.

    The load on board is followed along the shift's booked legs: a leg's cargo is on board from
    its planned departure until its planned arrival (drops at a stop count before pickups there).
    """
    f = report_filter
    legs = (
        select(
            LEGS.c.vehicle_id,
            LEGS.c.shipment_id,
            LEGS.c.planned_depart,
            LEGS.c.planned_arrive,
            SHIPMENTS.c.weight_kg,
            SHIPMENTS.c.volume_m3,
        )
        .select_from(LEGS.join(SHIPMENTS, SHIPMENTS.c.id == LEGS.c.shipment_id))
        .where(*_booked(f, "vehicle_id"))
        .cte("truck_legs")
    )
    changes = union_all(
        select(
            legs.c.vehicle_id,
            legs.c.planned_depart.label("at"),
            literal_column("1").label("pickup"),
            legs.c.weight_kg.label("kg"),
            legs.c.volume_m3.label("m3"),
        ),
        select(
            legs.c.vehicle_id,
            legs.c.planned_arrive,
            literal_column("0"),
            -legs.c.weight_kg,
            -legs.c.volume_m3,
        ),
    ).subquery("load_changes")
    order = (changes.c.at, changes.c.pickup)
    on_board = select(
        changes.c.vehicle_id,
        func.sum(changes.c.kg)
        .over(partition_by=changes.c.vehicle_id, order_by=order, rows=(None, 0))
        .label("kg"),
        func.sum(changes.c.m3)
        .over(partition_by=changes.c.vehicle_id, order_by=order, rows=(None, 0))
        .label("m3"),
    ).subquery("on_board")
    peak = (
        select(
            on_board.c.vehicle_id,
            func.max(on_board.c.kg).label("peak_kg"),
            func.max(on_board.c.m3).label("peak_m3"),
        )
        .group_by(on_board.c.vehicle_id)
        .subquery("peak")
    )
    summary = (
        select(
            legs.c.vehicle_id,
            func.count().label("legs"),
            func.count(legs.c.shipment_id.distinct()).label("shipments"),
            func.sum(legs.c.weight_kg).label("carried_kg"),
            func.min(legs.c.planned_depart).label("first_depart"),
            func.max(legs.c.planned_arrive).label("last_arrive"),
        )
        .group_by(legs.c.vehicle_id)
        .subquery("truck_summary")
    )
    conditions = in_period(VEHICLES.c.available_from, f)
    if f.hub:
        conditions.append(VEHICLES.c.depot == f.hub)
    if f.mode and f.mode is not Mode.ROAD:
        conditions.append(false())
    if f.carrier:
        conditions.append(VEHICLES.c.carrier == f.carrier)
    query = (
        select(
            VEHICLES.c.id,
            VEHICLES.c.carrier,
            VEHICLES.c.depot,
            VEHICLES.c.available_from,
            VEHICLES.c.available_until,
            VEHICLES.c.capacity_kg,
            VEHICLES.c.capacity_m3,
            func.coalesce(summary.c.legs, 0).label("legs"),
            func.coalesce(summary.c.shipments, 0).label("shipments"),
            func.coalesce(summary.c.carried_kg, 0.0).label("carried_kg"),
            func.coalesce(peak.c.peak_kg, 0.0).label("peak_kg"),
            func.coalesce(peak.c.peak_m3, 0.0).label("peak_m3"),
            summary.c.first_depart,
            summary.c.last_arrive,
        )
        .select_from(
            VEHICLES.outerjoin(summary, summary.c.vehicle_id == VEHICLES.c.id).outerjoin(
                peak, peak.c.vehicle_id == VEHICLES.c.id
            )
        )
        .where(*conditions)
    )
    return query_frame(session, query)
