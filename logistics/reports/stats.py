"""Small aggregation helpers shared by the report shapers."""

from __future__ import annotations

import pandas as pd

from logistics.domain.report_filter import Granularity


def period_start(days: pd.Series, granularity: Granularity) -> pd.Series:
    """The first day of each value's day, ISO week (Monday) or month, as midnight timestamps."""
    stamps = pd.to_datetime(days, format="%Y-%m-%d")
    if granularity is Granularity.WEEK:
        return pd.Series(
            stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D"), index=days.index
        )
    if granularity is Granularity.MONTH:
        return pd.Series(stamps.dt.to_period("M").dt.to_timestamp(), index=days.index)
    return stamps


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, empty (NaN) where the denominator is 0."""
    den = denominator.astype("float64")
    return numerator.astype("float64") / den.where(den != 0)


def p95(values: pd.Series) -> float:
    """95th percentile by linear interpolation between closest ranks."""
    return float(values.quantile(0.95))


def p50(values: pd.Series) -> float:
    """Median."""
    return float(values.quantile(0.5))
