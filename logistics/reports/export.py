"""Write a report in any export format."""

from __future__ import annotations

from logistics.reports.charts import render_chart
from logistics.reports.formats import ExportFormat
from logistics.reports.report import Report
from logistics.reports.tabular import to_csv, to_json, to_parquet
from logistics.reports.xlsx import to_xlsx


def export_report(report: Report, fmt: ExportFormat, table: str | None = None) -> bytes:
    """The report as bytes in `fmt`; CSV and Parquet hold `table` (default: the first)."""
    if fmt is ExportFormat.CSV:
        return to_csv(report, table)
    if fmt is ExportFormat.PARQUET:
        return to_parquet(report, table)
    if fmt is ExportFormat.XLSX:
        return to_xlsx(report)
    if fmt is ExportFormat.JSON:
        return to_json(report)
    return render_chart(report)
