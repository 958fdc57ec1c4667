"""Leg-level report queries: hub dwell between consecutive legs, and leg tonnage for emissions.

Actual leg times come from ACTUAL DEPARTED / ARRIVED (or DELIVERED) events at the leg's end
locations, reported for the shipment itself or for its service or truck, retracted events left
out; the earliest such event counts. Where none exists the booked (planned) time is used.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import CTE, ColumnElement, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from logistics.domain.report_filter import ReportFilter
from logistics.persistence.repositories.reports.frames import query_frame
from logistics.persistence.repositories.reports.profile import (
    LEGS,
    SERVICES,
    SHIPMENTS,
    VEHICLES,
    in_period,
    passes_hub,
    shipment_profile,
)
from logistics.persistence.repositories.reports.sql_time import minutes_between
from logistics.persistence.tables import EventRow

EVENTS = EventRow.__table__


def actual_times() -> CTE:
    """Earliest effective ACTUAL movement event per subject, location and milestone."""
    retracted = select(EVENTS.c.retracts).where(EVENTS.c.retracts.is_not(None))
    arrived = case(
        (EVENTS.c.milestone == "DEPARTED", literal_column("'DEPARTED'")),
        else_=literal_column("'ARRIVED'"),
    )
    return (
        select(
            EVENTS.c.shipment_id,
            EVENTS.c.service_id,
            EVENTS.c.vehicle_id,
            EVENTS.c.location,
            arrived.label("milestone"),
            func.min(EVENTS.c.event_time).label("at"),
        )
        .where(
            EVENTS.c.time_type == "ACTUAL",
            EVENTS.c.milestone.in_(("DEPARTED", "ARRIVED", "DELIVERED")),
            EVENTS.c.location.is_not(None),
            EVENTS.c.retracts.is_(None),
            EVENTS.c.event_id.not_in(retracted),
        )
        .group_by(
            EVENTS.c.shipment_id,
            EVENTS.c.service_id,
            EVENTS.c.vehicle_id,
            EVENTS.c.location,
            arrived,
        )
        .cte("actual_times")
    )


def _actual_joins(
    joined: Any, actual: CTE, leg: Any, location: Any, milestone: str, tag: str
) -> tuple[Any, ColumnElement[Any]]:
    """Left-join the shipment's, its service's and its truck's actual time; return the first found."""
    found = []
    for subject in ("shipment_id", "service_id", "vehicle_id"):
        a = actual.alias(f"{tag}_{subject}")
        joined = joined.outerjoin(
            a,
            and_(
                a.c[subject] == leg.c[subject],
                a.c.location == location,
                a.c.milestone == milestone,
            ),
        )
        found.append(a.c.at)
    return joined, func.coalesce(*found)


def hub_visits(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """One row per hub stop (a leg's end where the next leg starts): hub, direction, dwell hours, basis."""
    f = report_filter
    p = shipment_profile()
    actual = actual_times()
    inbound, onward = LEGS.alias("inbound_leg"), LEGS.alias("onward_leg")
    joined = inbound.join(
        onward,
        and_(
            onward.c.shipment_id == inbound.c.shipment_id,
            onward.c.leg_index == inbound.c.leg_index + 1,
        ),
    )
    joined = joined.join(p, p.c.shipment_id == inbound.c.shipment_id).join(
        SHIPMENTS, SHIPMENTS.c.id == inbound.c.shipment_id
    )
    joined, arrived_actual = _actual_joins(
        joined, actual, inbound, inbound.c.to_location, "ARRIVED", "arr"
    )
    joined, departed_actual = _actual_joins(
        joined, actual, onward, onward.c.from_location, "DEPARTED", "dep"
    )
    arrived = func.coalesce(arrived_actual, inbound.c.planned_arrive)
    departed = func.coalesce(departed_actual, onward.c.planned_depart)
    road: ColumnElement[str] = literal_column("'road'")
    direction = case(
        (and_(inbound.c.mode != road, onward.c.mode == road), literal_column("'inbound'")),
        (and_(inbound.c.mode == road, onward.c.mode != road), literal_column("'outbound'")),
        else_=literal_column("'transfer'"),
    )
    basis = case(
        (and_(arrived_actual.is_not(None), departed_actual.is_not(None)), "actual"),
        (and_(arrived_actual.is_(None), departed_actual.is_(None)), "planned"),
        else_="mixed",
    )
    conditions = in_period(arrived, f)
    if f.hub:
        conditions.append(inbound.c.to_location == f.hub)
    if f.mode:
        conditions.append(p.c.mode == f.mode.value)
    if f.lane:
        conditions.append(p.c.lane == f.lane)
    if f.shipper:
        conditions.append(SHIPMENTS.c.shipper == f.shipper)
    if f.carrier:
        conditions.append(p.c.carrier == f.carrier)
    query = (
        select(
            inbound.c.to_location.label("hub"),
            direction.label("direction"),
            (minutes_between(arrived, departed) / 60.0).label("dwell_h"),
            basis.label("basis"),
        )
        .select_from(joined)
        .where(*conditions)
    )
    return query_frame(session, query)


def leg_tonnage(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """Booked legs grouped by mode, lane, shipper, ends and emission class: legs and kg carried.

    `emission_class` is what the service or truck names ('' when none); `capacity_kg` is the
    truck's (NULL on service legs), from which a default truck class follows.
    """
    f = report_filter
    p = shipment_profile()
    service, vehicle = SERVICES.alias("leg_service"), VEHICLES.alias("leg_vehicle")
    emission_class = func.coalesce(service.c.emission_class, vehicle.c.emission_class)
    carrier = func.coalesce(service.c.carrier, vehicle.c.carrier)
    on_service = case((LEGS.c.service_id.is_(None), literal_column("0")), else_=literal_column("1"))
    conditions = in_period(LEGS.c.planned_depart, f)
    if f.hub:
        conditions.append(passes_hub(LEGS.c.shipment_id, f.hub))
    if f.mode:
        conditions.append(LEGS.c.mode == f.mode.value)
    if f.lane:
        conditions.append(p.c.lane == f.lane)
    if f.shipper:
        conditions.append(SHIPMENTS.c.shipper == f.shipper)
    if f.carrier:
        conditions.append(carrier == f.carrier)
    keys = (
        LEGS.c.mode,
        p.c.lane,
        SHIPMENTS.c.shipper,
        LEGS.c.from_location,
        LEGS.c.to_location,
        on_service,
        emission_class,
        vehicle.c.capacity_kg,
    )
    query = (
        select(
            LEGS.c.mode,
            p.c.lane,
            SHIPMENTS.c.shipper,
            LEGS.c.from_location,
            LEGS.c.to_location,
            on_service.label("on_service"),
            emission_class.label("emission_class"),
            vehicle.c.capacity_kg,
            func.count().label("legs"),
            func.sum(SHIPMENTS.c.weight_kg).label("weight_kg"),
        )
        .select_from(
            LEGS.join(SHIPMENTS, SHIPMENTS.c.id == LEGS.c.shipment_id)
            .join(p, p.c.shipment_id == LEGS.c.shipment_id)
            .outerjoin(service, service.c.id == LEGS.c.service_id)
            .outerjoin(vehicle, vehicle.c.id == LEGS.c.vehicle_id)
        )
        .where(*conditions)
        .group_by(*keys)
    )
    return query_frame(session, query)
