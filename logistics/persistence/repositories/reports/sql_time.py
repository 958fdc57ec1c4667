"""Time arithmetic both dialects understand: UTC calendar days and minutes between two instants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_day(FunctionElement[str]):
    """The UTC calendar day of a stored instant, as text `YYYY-MM-DD`."""

    type = String()
    inherit_cache = True
    name = "utc_day"


class minutes_between(FunctionElement[float]):
    """Minutes from the first instant to the second (negative when the second is earlier)."""

    type = Float()
    inherit_cache = True
    name = "minutes_between"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    # SQLite holds UTC instants as ISO text, so date() is already the UTC day
    (value,) = list(element.clauses)
    return f"date({compiler.process(value, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"to_char(({compiler.process(value, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 1440.0)"


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM (({end}) - ({start}))) AS DOUBLE PRECISION) / 60.0)"


class epoch_seconds(FunctionElement[float]):
    """Seconds since 1970-01-01 UTC of a stored instant (fetching numbers is far cheaper)."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"((julianday({compiler.process(value, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(value, **kw)}) AS DOUBLE PRECISION)"
