"""Leg-level report queries: hub dwell between consecutive legs, and leg tonnage for emissions.

Actual leg times come from ACTUAL DEPARTED / ARRIVED (or DELIVERED) events at the leg's end
locations, reported for the shipment itself or for its service or truck, retracted events left
out; the earliest such event counts. Of the versions of one source event (DCSA 3.0, `<eventID>~v<UTC
update time>`, `tracking.versions`) only the latest counts, and a retraction of the eventID
removes the versions up to its own, as on the timeline. Where none exists the booked (planned) time is used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import CTE, ColumnElement, Select, and_, case, func, literal_column, or_, select
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
from logistics.persistence.repositories.reports.sql_time import epoch_seconds
from logistics.persistence.tables import EventRow

EVENTS = EventRow.__table__


_VERSIONED = "%~v________T______.______Z"
"""An event id carrying a version (`tracking.versions`): `<eventID>~v<UTC update time>`."""


_SUFFIX = len("~v20250101T000000.000000Z")
_STAMP = len("20250101T000000.000000Z")
_ANY_VERSION = "~"
"""Stands for the version of a retraction without one: it sorts after every version stamp."""


def _versioned() -> ColumnElement[bool]:
    return EVENTS.c.event_id.like(_VERSIONED)


def _base_id() -> ColumnElement[Any]:
    """The id a stored event's retraction names: the eventID of a version, else the id itself."""
    base = func.substr(EVENTS.c.event_id, 1, func.length(EVENTS.c.event_id) - _SUFFIX)
    return case((_versioned(), base), else_=EVENTS.c.event_id)


def _stamp() -> ColumnElement[Any]:
    """The version stamp of a versioned id (`YYYYMMDDTHHMMSS.ffffffZ`, sorts as time)."""
    return func.substr(EVENTS.c.event_id, func.length(EVENTS.c.event_id) - (_STAMP - 1))


def _latest_versions() -> CTE:
    """Per (source, eventID) with versions: the id of its latest version (a retraction is none)."""
    versions = (
        select(EVENTS.c.source, _base_id().label("base_id"), EVENTS.c.event_id)
        .where(_versioned(), EVENTS.c.retracts.is_(None))
        .subquery("versions")
    )
    return (
        select(versions.c.source, versions.c.base_id, func.max(versions.c.event_id).label("latest"))
        .group_by(versions.c.source, versions.c.base_id)
        .cte("latest_versions")
    )


def _retracted_upto() -> CTE:
    """Per retracted id: the newest version a retraction of it reaches (`~`: every version)."""
    upto = case((_versioned(), _stamp()), else_=literal_column(f"'{_ANY_VERSION}'"))
    named = (
        select(EVENTS.c.retracts, upto.label("upto"))
        .where(EVENTS.c.retracts.is_not(None))
        .subquery("retractions")
    )
    return (
        select(named.c.retracts, func.max(named.c.upto).label("upto"))
        .group_by(named.c.retracts)
        .cte("retracted_upto")
    )


def actual_times() -> CTE:
    """Earliest effective ACTUAL movement event (`at`, epoch seconds) per subject, location, milestone."""
    retracted = select(EVENTS.c.retracts).where(EVENTS.c.retracts.is_not(None))
    latest, upto = _latest_versions(), _retracted_upto()
    arrived = case(
        (EVENTS.c.milestone == "DEPARTED", literal_column("'DEPARTED'")),
        else_=literal_column("'ARRIVED'"),
    )
    events = EVENTS.outerjoin(
        latest, and_(latest.c.source == EVENTS.c.source, latest.c.base_id == _base_id())
    ).outerjoin(upto, upto.c.retracts == _base_id())
    return (
        select(
            EVENTS.c.shipment_id,
            EVENTS.c.service_id,
            EVENTS.c.vehicle_id,
            EVENTS.c.location,
            arrived.label("milestone"),
            epoch_seconds(func.min(EVENTS.c.event_time)).label("at"),
        )
        .select_from(events)
        .where(
            EVENTS.c.time_type == "ACTUAL",
            EVENTS.c.milestone.in_(("DEPARTED", "ARRIVED", "DELIVERED")),
            EVENTS.c.location.is_not(None),
            EVENTS.c.retracts.is_(None),
            EVENTS.c.event_id.not_in(retracted),
            # a later version of the same source event supersedes this one
            or_(latest.c.latest.is_(None), EVENTS.c.event_id == latest.c.latest),
            # a 3.0 retraction names the eventID: it removes the versions up to its own
            or_(upto.c.upto.is_(None), and_(_versioned(), _stamp() > upto.c.upto)),
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


def _stops(report_filter: ReportFilter) -> Select[Any]:
    """Consecutive leg pairs of a shipment: the hub between them, direction, and their subjects."""
    f = report_filter
    inbound, onward = LEGS.alias("inbound_leg"), LEGS.alias("onward_leg")
    joined = inbound.join(
        onward,
        and_(
            onward.c.shipment_id == inbound.c.shipment_id,
            onward.c.leg_index == inbound.c.leg_index + 1,
        ),
    )
    road: ColumnElement[str] = literal_column("'road'")
    direction = case(
        (and_(inbound.c.mode != road, onward.c.mode == road), literal_column("'inbound'")),
        (and_(inbound.c.mode == road, onward.c.mode != road), literal_column("'outbound'")),
        else_=literal_column("'transfer'"),
    )
    conditions: list[ColumnElement[bool]] = []
    if f.hub:
        conditions.append(inbound.c.to_location == f.hub)
    if f.shipper:
        joined = joined.join(SHIPMENTS, SHIPMENTS.c.id == inbound.c.shipment_id)
        conditions.append(SHIPMENTS.c.shipper == f.shipper)
    if f.mode or f.lane or f.carrier:
        p = shipment_profile()
        joined = joined.join(p, p.c.shipment_id == inbound.c.shipment_id)
        conditions += [p.c.mode == f.mode.value] if f.mode else []
        conditions += [p.c.lane == f.lane] if f.lane else []
        conditions += [p.c.carrier == f.carrier] if f.carrier else []
    return (
        select(
            inbound.c.to_location.label("hub"),
            direction.label("direction"),
            inbound.c.shipment_id,
            inbound.c.service_id.label("in_service_id"),
            inbound.c.vehicle_id.label("in_vehicle_id"),
            onward.c.service_id.label("out_service_id"),
            onward.c.vehicle_id.label("out_vehicle_id"),
            epoch_seconds(inbound.c.planned_arrive).label("planned_arrive"),
            epoch_seconds(onward.c.planned_depart).label("planned_depart"),
        )
        .select_from(joined)
        .where(*conditions)
    )


def _first_actual(
    stops: pd.DataFrame, actual: pd.DataFrame, milestone: str, subjects: dict[str, str]
) -> pd.Series:
    """Per stop, the actual time of the shipment, else of its service, else of its truck."""
    found = pd.Series(pd.NaT, index=stops.index, dtype="datetime64[us, UTC]")
    mine = actual[actual["milestone"] == milestone]
    for subject, column in subjects.items():
        times = mine.dropna(subset=[subject]).groupby([subject, "location"])["at"].min()
        keys = pd.MultiIndex.from_arrays([stops[column], stops["hub"]])
        matched = pd.Series(times.reindex(keys).array, index=stops.index)
        found = found.fillna(matched.astype("datetime64[us, UTC]"))
    return found


def _utc(values: pd.Series) -> pd.Series:
    seconds = pd.to_numeric(values).astype("float64").round(3)
    return pd.to_datetime(seconds, unit="s", utc=True).astype("datetime64[us, UTC]")


def hub_visits(session: Session, report_filter: ReportFilter) -> pd.DataFrame:
    """One row per hub stop (a leg's end where the next leg starts): hub, direction, dwell hours, basis.

    The movement events are aggregated in SQL; stops and actual times are matched with pandas
    merges (hash joins), which keeps the time linear on both dialects.
    """
    stops = query_frame(session, _stops(report_filter))
    actual = query_frame(session, select(actual_times()))
    for column in ("planned_arrive", "planned_depart"):
        stops[column] = _utc(stops[column])
    actual["at"] = _utc(actual["at"])
    arrived_actual = _first_actual(
        stops,
        actual,
        "ARRIVED",
        {
            "shipment_id": "shipment_id",
            "service_id": "in_service_id",
            "vehicle_id": "in_vehicle_id",
        },
    )
    departed_actual = _first_actual(
        stops,
        actual,
        "DEPARTED",
        {
            "shipment_id": "shipment_id",
            "service_id": "out_service_id",
            "vehicle_id": "out_vehicle_id",
        },
    )
    arrived = arrived_actual.fillna(stops["planned_arrive"])
    departed = departed_actual.fillna(stops["planned_depart"])
    both, neither = (
        arrived_actual.notna() & departed_actual.notna(),
        arrived_actual.isna() & departed_actual.isna(),
    )
    out = pd.DataFrame(
        {
            "hub": stops["hub"],
            "direction": stops["direction"],
            "dwell_h": (departed - arrived).dt.total_seconds() / 3600.0,
            "basis": np.where(both, "actual", np.where(neither, "planned", "mixed")),
        }
    )
    f = report_filter
    keep = pd.Series(True, index=stops.index)
    if f.start is not None:
        keep &= arrived >= pd.Timestamp(f.start)
    if f.end is not None:
        keep &= arrived < pd.Timestamp(f.end)
    return out[keep].reset_index(drop=True)


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
