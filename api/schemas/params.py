"""Parameter bounds shared by the routes: integers that fit both databases, ids as long as columns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime

INT32_MAX = 2**31 - 1  # PostgreSQL INTEGER; SQLite stores 64 bits, so this bound holds for both
ID_LENGTH = 64  # String(64): location, service, vehicle, shipment and shipper ids
JOB_ID_LENGTH = 40  # String(40): plan job and webhook subscription ids
NAME_LENGTH = 64

Offset = Annotated[int, Query(ge=0, le=INT32_MAX, description="Records to skip")]
IdPath = Annotated[str, Path(min_length=1, max_length=ID_LENGTH)]
JobIdPath = Annotated[str, Path(min_length=1, max_length=JOB_ID_LENGTH)]
NamePath = Annotated[str, Path(min_length=1, max_length=NAME_LENGTH)]
IdQuery = Annotated[str | None, Query(max_length=ID_LENGTH)]
EARLIEST_YEAR, LATEST_YEAR = 1970, 9998  # times that still have a year once moved to UTC


def _storable(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"is out of range: times from {EARLIEST_YEAR} to {LATEST_YEAR} are accepted"
        )
    return value


Time = Annotated[AwareDatetime, AfterValidator(_storable)]
"""An aware time the database can hold and compare (year 1 at +14:00 has no UTC year)."""
TimeQuery = Annotated[
    Time | None,
    Query(description="ISO 8601 with a UTC offset, e.g. 2026-11-30T08:00:00+08:00"),
]
DisruptionIdPath = Annotated[str, Path(min_length=1, max_length=80)]  # String(80)
