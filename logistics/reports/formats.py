"""Export formats: their media types and file names."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING

from logistics.errors import DomainError

if TYPE_CHECKING:  # pandas stays out of commands that only name a format
    from logistics.reports.report import Report


class ExportFormat(StrEnum):
    """What a report can be written as."""

    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"
    JSON = "json"
    PNG = "png"

    @property
    def media_type(self) -> str:
        """The HTTP Content-Type of the format."""
        return {
            ExportFormat.CSV: "text/csv; charset=utf-8",
            ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat.PARQUET: "application/vnd.apache.parquet",
            ExportFormat.JSON: "application/json",
            ExportFormat.PNG: "image/png",
        }[self]

    @property
    def single_table(self) -> bool:
        """CSV and Parquet hold one table; XLSX and JSON hold them all."""
        return self in (ExportFormat.CSV, ExportFormat.PARQUET)


def file_name(report: Report, fmt: ExportFormat, table: str | None = None) -> str:
    """e.g. `on-time_by_lane_20261220T0000Z.csv`: report, table for one-table formats, as-of time."""
    stamp = report.as_of.strftime("%Y%m%dT%H%MZ")
    part = ""
    if fmt.single_table:
        part = "_" + report.table(table)[0].name
    elif fmt is ExportFormat.PNG:
        part = "_chart"
    return f"{report.spec.name}{part}_{stamp}.{fmt.value}"


SUFFIXES = {"." + f.value: f for f in ExportFormat} | {".pq": ExportFormat.PARQUET}


def format_of(path: PurePath) -> ExportFormat:
    """The export format a file name asks for (`.csv`, `.xlsx`, `.parquet`/`.pq`, `.json`, `.png`)."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        shown = path.suffix or "no extension"
        raise DomainError(
            f"cannot tell the format of {path.name!r} from its extension ({shown}); "
            f"name the file with one of {known}, or give --format"
        )
    return fmt
