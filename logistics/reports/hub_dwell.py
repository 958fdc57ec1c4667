"""Hub dwell: hours between arriving at a hub and leaving it, per hub and direction."""

from __future__ import annotations

import pandas as pd

from logistics.reports.catalog import HUB_DWELL
from logistics.reports.typed import typed

DIRECTIONS = ("inbound", "outbound", "transfer", "all")


def shape_hub_dwell(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """From one row per hub stop (hub, direction, dwell_h, basis); adds an `all` row per hub."""
    stops = rows.assign(
        dwell=pd.to_numeric(rows["dwell_h"]).astype("float64").round(6),
        actual=(rows["basis"] == "actual").astype("int64"),
    )
    both = pd.concat([stops, stops.assign(direction="all")], ignore_index=True)
    groups = both.groupby(["hub", "direction"])
    out = groups.agg(
        stops=("dwell", "size"),
        stops_actual=("actual", "sum"),
        max_h=("dwell", "max"),
        mean_h=("dwell", "mean"),
    )
    out["p50_h"] = groups["dwell"].quantile(0.5)
    out["p95_h"] = groups["dwell"].quantile(0.95)
    out = out.reset_index()
    out["order"] = out["direction"].map({d: i for i, d in enumerate(DIRECTIONS)})
    out = out.sort_values(["hub", "order"])
    return {"hub_dwell": typed(out, HUB_DWELL.tables[0])}
