"""Exceptions: how many, how many still open and how old, by reason, hub and mode."""

from __future__ import annotations

import pandas as pd

from logistics.reports.catalog import EXCEPTIONS
from logistics.reports.typed import typed


def shape_exceptions(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Order the aggregated query rows (reason, hub, mode, counts, ages)."""
    out = rows.sort_values(["reason", "hub", "mode"])
    return {"exceptions": typed(out, EXCEPTIONS.tables[0])}
