"""Shipment-level report queries: throughput, deliveries for on-time, exceptions."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, case, func, literal_column, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import bindparam

from logistics.domain.freight import VOLUMETRIC_KG_PER_M3
from logistics.domain.report_filter import ReportFilter
from logistics.persistence.base import UtcDateTime
from logistics.persistence.repositories.reports.frames import query_frame
from logistics.persistence.repositories.reports.profile import (
    SHIPMENTS,
    in_period,
    shipment_conditions,
    shipment_profile,
)
from logistics.persistence.repositories.reports.sql_time import minutes_between, utc_day
from logistics.persistence.tables import BookedLegRow, ExceptionRow, ShipmentStateRow

STATES = ShipmentStateRow.__table__
EXCEPTIONS = ExceptionRow.__table__
BOOKED_LEGS = BookedLegRow.__table__


def throughput(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """Per UTC day of first planned departure, main mode and lane: shipments, pieces, kg, chargeable kg."""
    p = shipment_profile()
    factor = case(
        *(
            (p.c.mode == literal_column(f"'{m.value}'"), literal_column(repr(f)))
            for m, f in VOLUMETRIC_KG_PER_M3.items()
        )
    )
    volumetric_kg = SHIPMENTS.c.volume_m3 * factor
    chargeable = case(
        (SHIPMENTS.c.weight_kg >= volumetric_kg, SHIPMENTS.c.weight_kg), else_=volumetric_kg
    )
    day = utc_day(p.c.first_depart)
    query = (
        select(
            day.label("day"),
            p.c.mode,
            p.c.lane,
            func.count().label("shipments"),
            func.sum(SHIPMENTS.c.pieces).label("pieces"),
            func.sum(SHIPMENTS.c.weight_kg).label("weight_kg"),
            func.sum(chargeable).label("chargeable_kg"),
        )
        .select_from(p.join(SHIPMENTS, SHIPMENTS.c.id == p.c.shipment_id))
        .where(*shipment_conditions(p, report_filter), *in_period(p.c.first_depart, report_filter))
        .group_by(day, p.c.mode, p.c.lane)
    )
    return query_frame(session, query)


def deliveries(session: Session, report_filter: ReportFilter, as_of: datetime) -> pd.DataFrame:
    """One row per booked shipment delivered by `as_of`: actual delivery, else the planned arrival."""
    p = shipment_profile()
    delivered = func.coalesce(STATES.c.delivered_at, p.c.last_arrive)
    basis = case((STATES.c.delivered_at.is_not(None), "actual"), else_="planned")
    query = (
        select(
            p.c.mode,
            p.c.lane,
            SHIPMENTS.c.shipper,
            p.c.carrier,
            utc_day(delivered).label("day"),
            basis.label("basis"),
            minutes_between(SHIPMENTS.c.due_at, delivered).label("late_min"),
        )
        .select_from(
            p.join(SHIPMENTS, SHIPMENTS.c.id == p.c.shipment_id).outerjoin(
                STATES, STATES.c.shipment_id == p.c.shipment_id
            )
        )
        .where(
            delivered <= as_of,
            *shipment_conditions(p, report_filter),
            *in_period(delivered, report_filter),
        )
    )
    return query_frame(session, query)


def exception_summary(
    session: Session, report_filter: ReportFilter, as_of: datetime
) -> pd.DataFrame:
    """Per reason, hub and mode: exceptions opened, open at `as_of`, open ages and hours to close."""
    p = shipment_profile(among=select(EXCEPTIONS.c.shipment_id))
    f = report_filter
    at = bindparam("as_of", as_of, type_=UtcDateTime())
    unknown: ColumnElement[str] = literal_column("'unknown'")
    leg = BOOKED_LEGS.alias("exception_leg")
    # where it happened: the exception's place, else its leg's next stop, else (a derived
    # lateness against due, which has neither) the shipment's destination
    late_at = case((EXCEPTIONS.c.reason == "DELAY", SHIPMENTS.c.destination), else_=unknown)
    hub = func.coalesce(EXCEPTIONS.c.location, leg.c.to_location, late_at)
    mode = func.coalesce(EXCEPTIONS.c.mode, p.c.mode, unknown)
    is_open = or_(EXCEPTIONS.c.closed_at.is_(None), EXCEPTIONS.c.closed_at > at)
    age_h = minutes_between(EXCEPTIONS.c.opened_at, at) / 60.0
    close_h = minutes_between(EXCEPTIONS.c.opened_at, EXCEPTIONS.c.closed_at) / 60.0
    conditions = [EXCEPTIONS.c.opened_at <= at, *in_period(EXCEPTIONS.c.opened_at, f)]
    if f.hub:
        conditions.append(hub == f.hub)
    if f.mode:
        conditions.append(mode == f.mode.value)
    if f.lane:
        conditions.append(p.c.lane == f.lane)
    if f.shipper:
        conditions.append(SHIPMENTS.c.shipper == f.shipper)
    if f.carrier:
        conditions.append(p.c.carrier == f.carrier)
    query = (
        select(
            EXCEPTIONS.c.reason,
            hub.label("hub"),
            mode.label("mode"),
            func.count().label("exceptions"),
            func.sum(case((is_open, 1), else_=0)).label("open"),
            func.avg(case((is_open, age_h))).label("open_age_mean_h"),
            func.max(case((is_open, age_h))).label("open_age_max_h"),
            func.avg(case((~is_open, close_h))).label("hours_to_close_mean"),
        )
        .select_from(
            EXCEPTIONS.join(SHIPMENTS, SHIPMENTS.c.id == EXCEPTIONS.c.shipment_id)
            .outerjoin(p, p.c.shipment_id == EXCEPTIONS.c.shipment_id)
            .outerjoin(
                leg,
                (leg.c.shipment_id == EXCEPTIONS.c.shipment_id)
                & (leg.c.leg_index == EXCEPTIONS.c.leg_index),
            )
        )
        .where(*conditions)
        .group_by(EXCEPTIONS.c.reason, hub, mode)
    )
    return query_frame(session, query)
