"""On-time performance by mode, lane, shipper, carrier and period."""

from __future__ import annotations

import pandas as pd

from logistics.domain.report_filter import Granularity
from logistics.reports.catalog import ON_TIME
from logistics.reports.stats import period_start, ratio
from logistics.reports.typed import typed

KEYS = ("mode", "lane", "shipper", "carrier", "period")


def _by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    groups = frame.groupby(key)
    out = groups.agg(
        delivered=("late", "size"),
        delivered_actual=("actual", "sum"),
        on_time=("on_time", "sum"),
        late_mean_min=("late", "mean"),
    )
    out["late_p95_min"] = groups["late"].quantile(0.95)
    out["delivered_planned"] = out["delivered"] - out["delivered_actual"]
    out["on_time_rate"] = ratio(out["on_time"], out["delivered"])
    return out.reset_index().sort_values(key)


def shape_on_time(rows: pd.DataFrame, granularity: Granularity) -> dict[str, pd.DataFrame]:
    """From one row per delivery (mode, lane, shipper, carrier, day, basis, late_min)."""
    late_min = pd.to_numeric(rows["late_min"]).astype("float64").round(3)
    frame = rows.assign(
        period=period_start(rows["day"], granularity),
        late=late_min.clip(lower=0.0),
        on_time=(late_min <= 0).astype("int64"),
        actual=(rows["basis"] == "actual").astype("int64"),
    )
    return {f"by_{key}": typed(_by(frame, key), ON_TIME.table(f"by_{key}")) for key in KEYS}
