"""Export formats: their media types and file names."""

from __future__ import annotations

from enum import StrEnum

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
