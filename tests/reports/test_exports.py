"""Every format round-trips: read back with pandas, the tables equal the report's; charts are PNGs."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from logistics.errors import DomainError
from logistics.reports.catalog import REPORTS
from logistics.reports.display import display_names, from_display
from logistics.reports.export import export_report
from logistics.reports.formats import ExportFormat, file_name
from logistics.reports.report import Report
from logistics.reports.spec import Kind, TableSpec
from logistics.reports.typed import typed
from logistics.reports.xlsx import DEFINITIONS_SHEET

TABLES = [(name, t.name) for name, spec in REPORTS.items() for t in spec.tables]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def same(read_back: pd.DataFrame, report: Report, spec: TableSpec) -> None:
    """The table read back, given the spec's types, equals the report's table."""
    pd.testing.assert_frame_equal(typed(read_back, spec), report.tables[spec.name])


def same_displayed(read_back: pd.DataFrame, report: Report, spec: TableSpec) -> None:
    """A CSV or XLSX table equals the report's within its rounding (2 decimals, 0.1 %)."""
    pd.testing.assert_frame_equal(
        typed(from_display(read_back, spec), spec),
        report.tables[spec.name],
        check_exact=False,
        rtol=0,
        atol=0.0051,
    )
    for column in spec.columns:
        shown = read_back[display_names(spec)[spec.columns.index(column)]]
        if column.kind is Kind.FLOAT:
            assert (shown.dropna().round(2) == shown.dropna()).all(), column.name
        if column.kind is Kind.RATE:  # 0.317 -> 31.7, one decimal
            assert (shown.dropna().round(1) == shown.dropna()).all(), column.name
            expected = report.tables[spec.name][column.name].dropna() * 100
            assert (shown.dropna().to_numpy() == expected.round(1).to_numpy()).all(), column.name


@pytest.mark.parametrize(("name", "table"), TABLES)
def test_csv_round_trips(reports: dict[str, Report], name: str, table: str) -> None:
    """CSV holds one table, rates in % and decimals rounded; read back it equals the report's."""
    report = reports[name]
    data = export_report(report, ExportFormat.CSV, table)
    back = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])
    assert list(back.columns) == display_names(report.spec.table(table))
    same_displayed(back, report, report.spec.table(table))


@pytest.mark.parametrize(("name", "table"), TABLES)
def test_parquet_round_trips(reports: dict[str, Report], name: str, table: str) -> None:
    """Parquet keeps the types as they are, and carries the report and filters as metadata."""
    report = reports[name]
    data = export_report(report, ExportFormat.PARQUET, table)
    back = pd.read_parquet(io.BytesIO(data))
    pd.testing.assert_frame_equal(back, report.tables[table], check_dtype=False)
    same(back, report, report.spec.table(table))
    meta = json.loads(pq.read_schema(io.BytesIO(data)).metadata[b"logistics.report"])
    assert meta["report"] == name and meta["table"] == table and "hub" in meta["filters"]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_json_round_trips(reports: dict[str, Report], name: str) -> None:
    """JSON holds every table with its column definitions and the filters."""
    report = reports[name]
    doc = json.loads(export_report(report, ExportFormat.JSON))
    assert doc["report"] == name and doc["filters"]["as_of"] == report.as_of.isoformat()
    for spec in report.spec.tables:
        part = doc["tables"][spec.name]
        assert [c["name"] for c in part["columns"]] == spec.column_names
        assert all(c["definition"] for c in part["columns"])
        back = pd.DataFrame(part["rows"], columns=spec.column_names)
        same(back, report, spec)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_xlsx_round_trips(reports: dict[str, Report], name: str) -> None:
    """One sheet per table with a frozen header and typed cells, then the definitions sheet."""
    report = reports[name]
    data = export_report(report, ExportFormat.XLSX)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == [t.name for t in report.spec.tables] + [DEFINITIONS_SHEET]
    for spec in report.spec.tables:
        assert list(sheets[spec.name].columns) == display_names(spec)
        same_displayed(sheets[spec.name], report, spec)
    book = load_workbook(io.BytesIO(data))
    for spec in report.spec.tables:
        sheet = book[spec.name]
        assert sheet.freeze_panes == "A2"
        if sheet.max_row > 1:
            kinds = {c.name: c.kind.value for c in spec.columns}
            for column, cell in zip(spec.column_names, sheet[2], strict=True):
                if kinds[column] in ("int", "float", "rate") and cell.value is not None:
                    assert isinstance(cell.value, int | float), column
    definitions = sheets[DEFINITIONS_SHEET]
    described = set(zip(definitions["section"], definitions["name"], strict=True))
    for spec in report.spec.tables:
        assert {(spec.name, c) for c in display_names(spec)} <= described
    assert {
        ("filter", f) for f in ("from", "to", "hub", "mode", "lane", "shipper", "carrier")
    } <= described


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_charts_are_non_empty_pngs(reports: dict[str, Report], name: str) -> None:
    """Each report has a chart: a PNG with drawn pixels."""
    data = export_report(reports[name], ExportFormat.PNG)
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_file_names_and_media_types(reports: dict[str, Report]) -> None:
    """File names carry report, table and as-of time; media types match the format."""
    report = reports["on-time"]
    assert file_name(report, ExportFormat.CSV, "by_lane") == "on-time_by_lane_20261220T0000Z.csv"
    assert file_name(report, ExportFormat.XLSX) == "on-time_20261220T0000Z.xlsx"
    assert ExportFormat.XLSX.media_type.endswith("spreadsheetml.sheet")
    assert ExportFormat.PARQUET.media_type == "application/vnd.apache.parquet"


def test_unknown_table_is_refused(reports: dict[str, Report]) -> None:
    """Asking CSV for a table the report lacks names the tables there are."""
    with pytest.raises(DomainError, match="by_mode"):
        export_report(reports["on-time"], ExportFormat.CSV, "by_planet")
