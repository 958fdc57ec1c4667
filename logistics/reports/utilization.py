"""Capacity utilization: load factors per service, per lane and per truck shift."""

from __future__ import annotations

import pandas as pd

from logistics.reports.catalog import UTILIZATION
from logistics.reports.stats import ratio
from logistics.reports.typed import typed

LOADS = ["capacity_kg", "capacity_m3", "booked_kg", "booked_m3"]


def _load_factors(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        load_factor_kg=ratio(frame["booked_kg"], frame["capacity_kg"]),
        load_factor_m3=ratio(frame["booked_m3"], frame["capacity_m3"]),
    )


def _hours(start: pd.Series, end: pd.Series) -> pd.Series:
    span = pd.to_datetime(end, utc=True) - pd.to_datetime(start, utc=True)
    return (span.dt.total_seconds() / 3600.0).astype("float64")


def _services(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.assign(service_id=rows["id"], lane=rows["origin"] + "-" + rows["destination"])
    return _load_factors(frame).sort_values(["departure", "service_id"])


def _lanes(services: pd.DataFrame) -> pd.DataFrame:
    groups = services.groupby(["mode", "lane"], as_index=False)
    out = groups.agg(
        services=("service_id", "size"),
        shipments=("shipments", "sum"),
        **{c: (c, "sum") for c in LOADS},
    )
    return _load_factors(out).sort_values(["mode", "lane"])


def _trucks(rows: pd.DataFrame) -> pd.DataFrame:
    frame = rows.assign(
        vehicle_id=rows["id"],
        shift_start=rows["available_from"],
        peak_load_factor_kg=ratio(rows["peak_kg"], rows["capacity_kg"]),
        peak_load_factor_m3=ratio(rows["peak_m3"], rows["capacity_m3"]),
        used_hours=_hours(rows["first_depart"], rows["last_arrive"]).fillna(0.0),
        shift_hours=_hours(rows["available_from"], rows["available_until"]),
    )
    return frame.sort_values(["shift_start", "vehicle_id"])


def shape_utilization(services: pd.DataFrame, trucks: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """From the service-load and truck-load query rows."""
    per_service = _services(services)
    return {
        "services": typed(per_service, UTILIZATION.table("services")),
        "lanes": typed(_lanes(per_service), UTILIZATION.table("lanes")),
        "truck_shifts": typed(_trucks(trucks), UTILIZATION.table("truck_shifts")),
    }
