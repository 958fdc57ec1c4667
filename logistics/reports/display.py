"""Tables as people read them (CSV, XLSX): rates as percentages, decimals rounded.

Parquet and JSON keep the computed values at full precision; these rules are for the
spreadsheet formats only. A rate column `x` becomes `x_pct` (31.7 for 0.317).
"""

from __future__ import annotations

import pandas as pd

from logistics.reports.spec import ColumnSpec, Kind, TableSpec

FLOAT_DECIMALS = 2
PERCENT_DECIMALS = 1
PERCENT_SUFFIX = "_pct"


def display_name(column: ColumnSpec) -> str:
    """The column's header in CSV and XLSX (`on_time_rate` -> `on_time_rate_pct`)."""
    return column.name + PERCENT_SUFFIX if column.kind is Kind.RATE else column.name


def display_names(spec: TableSpec) -> list[str]:
    """Every header of the table in CSV and XLSX, in order."""
    return [display_name(c) for c in spec.columns]


def display_frame(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The table with rates as rounded percentages and decimals rounded, headers renamed."""
    out = frame.copy()
    for column in spec.columns:
        if column.kind is Kind.RATE:
            out[column.name] = (out[column.name] * 100.0).round(PERCENT_DECIMALS)
        elif column.kind is Kind.FLOAT:
            out[column.name] = out[column.name].round(FLOAT_DECIMALS)
    return out.rename(columns={c.name: display_name(c) for c in spec.columns})


def from_display(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """A displayed table read back: headers and rates as the spec has them (rounding stays)."""
    out = frame.rename(columns={display_name(c): c.name for c in spec.columns})
    for column in spec.columns:
        if column.kind is Kind.RATE and column.name in out:
            out[column.name] = pd.to_numeric(out[column.name]) / 100.0
    return out
