"""Throughput: shipments, pieces, kg and chargeable kg per period, main mode and lane."""

from __future__ import annotations

import pandas as pd

from logistics.domain.report_filter import Granularity
from logistics.reports.catalog import THROUGHPUT
from logistics.reports.stats import period_start
from logistics.reports.typed import typed

MEASURES = ["shipments", "pieces", "weight_kg", "chargeable_kg"]


def shape_throughput(rows: pd.DataFrame, granularity: Granularity) -> dict[str, pd.DataFrame]:
    """Re-bucket the per-day query rows (day, mode, lane, measures) into periods."""
    frame = rows.assign(period=period_start(rows["day"], granularity))
    keys = ["period", "mode", "lane"]
    out = frame.groupby(keys, as_index=False)[MEASURES].sum().sort_values(keys)
    return {"throughput": typed(out, THROUGHPUT.tables[0])}
