"""Write a report in any export format (each format's library is imported only when used)."""

from __future__ import annotations

from logistics.reports.formats import ExportFormat
from logistics.reports.report import Report


def export_report(report: Report, fmt: ExportFormat, table: str | None = None) -> bytes:
    """The report as bytes in `fmt`; CSV and Parquet hold `table` (default: the first)."""
    if fmt is ExportFormat.CSV:
        from logistics.reports.tabular import to_csv

        return to_csv(report, table)
    if fmt is ExportFormat.PARQUET:
        from logistics.reports.tabular import to_parquet

        return to_parquet(report, table)
    if fmt is ExportFormat.XLSX:
        from logistics.reports.xlsx import to_xlsx

        return to_xlsx(report)
    if fmt is ExportFormat.JSON:
        from logistics.reports.tabular import to_json

        return to_json(report)
    from logistics.reports.charts import render_chart

    return render_chart(report)
