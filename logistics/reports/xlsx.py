"""XLSX export: one sheet per table (typed cells, frozen header), and a definitions sheet."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from logistics.reports.display import display_frame, display_name
from logistics.reports.report import Report
from logistics.reports.spec import Kind, TableSpec

NUMBER_FORMATS = {
    Kind.INT: "#,##0",
    Kind.FLOAT: "#,##0.00",
    Kind.RATE: "0.0",  # the value is already a percentage (display_frame)
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}
DEFINITIONS_SHEET = "definitions"


def _format_sheet(sheet: Worksheet, spec: TableSpec, rows: int) -> None:
    sheet.freeze_panes = "A2"
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, min(40, len(display_name(column)) + 4))
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, max_row=rows + 1, min_col=i, max_col=i):
            cell.number_format = number_format


def _definitions(report: Report) -> pd.DataFrame:
    lines: list[tuple[str, str, str, str]] = [
        ("report", report.spec.name, "", report.spec.title + ": " + report.spec.description),
        (
            "as_of",
            report.as_of.isoformat(),
            "",
            "deliveries, open exceptions and ages are as of this time",
        ),
        ("generated_at", report.generated_at.isoformat(), "", "when the report was computed"),
    ]
    filter_meaning = dict(report.spec.filters)
    for name, value in report.filters.items():
        lines.append(("filter", name, value, filter_meaning.get(name, "")))
    for table in report.spec.tables:
        for column in table.columns:
            meaning = column.definition
            if column.kind is Kind.RATE:
                meaning += ", as a percentage"
            lines.append((table.name, display_name(column), column.kind.value, meaning))
    return pd.DataFrame(lines, columns=["section", "name", "value_or_type", "definition"])


def to_xlsx(report: Report) -> bytes:
    """The workbook: a sheet per table in spec order (rates in %, rounded), then `definitions`."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for spec in report.spec.tables:
            frame = display_frame(report.tables[spec.name], spec)
            frame.to_excel(writer, sheet_name=spec.name[:31], index=False)
            _format_sheet(writer.sheets[spec.name[:31]], spec, len(frame))
        definitions = _definitions(report)
        definitions.to_excel(writer, sheet_name=DEFINITIONS_SHEET, index=False)
        sheet = writer.sheets[DEFINITIONS_SHEET]
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCD", (14, 28, 34, 100), strict=True):
            sheet.column_dimensions[letter].width = width
    return buffer.getvalue()
