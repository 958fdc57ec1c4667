"""Compare a report table with figures computed independently."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pytest


def _key_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def rows_by_key(frame: pd.DataFrame, keys: Sequence[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Each row of the table under its key columns (dates as YYYY-MM-DD)."""
    out = {}
    for record in frame.to_dict("records"):
        out[tuple(_key_value(record[k]) for k in keys)] = record
    return out


def assert_table(
    frame: pd.DataFrame,
    keys: Sequence[str],
    expected: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    rounded: float = 1e-6,
) -> None:
    """Same keys, and every expected figure equal (floats to 1e-6 relative or `rounded` absolute)."""
    got = rows_by_key(frame, keys)
    assert set(got) == set(expected), f"keys differ: {sorted(map(str, set(got) ^ set(expected)))}"
    for key, figures in expected.items():
        for column, value in figures.items():
            if column not in frame.columns:
                continue
            actual = got[key][column]
            where = f"{key} {column}"
            if value is None:
                assert actual is None or (isinstance(actual, float) and math.isnan(actual)), where
            elif isinstance(value, str):
                assert actual == value, where
            else:
                assert actual == pytest.approx(value, rel=1e-6, abs=rounded), where
