"""Give a frame exactly its table's columns, in order, with their declared types."""

from __future__ import annotations

import pandas as pd

from logistics.reports.spec import Kind, TableSpec


def _as_utc_naive(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True, format="ISO8601")
    return stamps.dt.tz_localize(None).astype("datetime64[us]")


def _column(values: pd.Series, kind: Kind) -> pd.Series:
    if kind is Kind.STR:
        return values.astype("str")
    if kind is Kind.INT:
        return pd.to_numeric(values).astype("int64")
    if kind in (Kind.FLOAT, Kind.RATE):
        return pd.to_numeric(values, errors="coerce").astype("float64")
    stamps = _as_utc_naive(values)
    return stamps.dt.normalize() if kind is Kind.DATE else stamps


def typed(frame: pd.DataFrame, table: TableSpec) -> pd.DataFrame:
    """The table's columns in order and type (dates and times as naive UTC); index reset."""
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise KeyError(f"table {table.name} lacks columns {missing}")
    out = pd.DataFrame(
        {c.name: _column(frame[c.name], c.kind) for c in table.columns}, index=frame.index
    )
    return out.reset_index(drop=True)
