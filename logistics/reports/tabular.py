"""CSV, JSON and Parquet exports (bytes), with the types of the table spec kept readable."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd

from logistics.reports.display import display_frame
from logistics.reports.report import Report
from logistics.reports.spec import Kind, TableSpec


def _text_times(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    out = frame.copy()
    for c in spec.columns:
        if c.kind is Kind.DATE:
            out[c.name] = out[c.name].dt.strftime("%Y-%m-%d")
        elif c.kind is Kind.DATETIME:
            out[c.name] = out[c.name].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def to_csv(report: Report, table: str | None = None) -> bytes:
    """One table as UTF-8 CSV: dates `YYYY-MM-DD`, times ISO 8601 UTC, rates in %, decimals rounded."""
    spec, frame = report.table(table)
    return display_frame(_text_times(frame, spec), spec).to_csv(index=False).encode("utf-8")


def _value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _value(value.item())
    return value


def _records(frame: pd.DataFrame, spec: TableSpec) -> list[dict[str, Any]]:
    text = _text_times(frame, spec)
    names = spec.column_names
    return [
        {n: _value(v) for n, v in zip(names, row, strict=True)}
        for row in text.itertuples(index=False, name=None)
    ]


def report_document(report: Report) -> dict[str, Any]:
    """The whole report as a JSON-ready document: filters, and per table columns and rows."""
    return {
        "report": report.spec.name,
        "title": report.spec.title,
        "as_of": report.as_of.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "filters": dict(report.filters),
        "tables": {
            t.name: {
                "title": t.title,
                "columns": [
                    {"name": c.name, "type": c.kind.value, "definition": c.definition}
                    for c in t.columns
                ],
                "rows": _records(report.tables[t.name], t),
            }
            for t in report.spec.tables
        },
    }


def to_json(report: Report) -> bytes:
    """Every table as one JSON document (null for empty values)."""
    return json.dumps(report_document(report), ensure_ascii=False, allow_nan=False).encode("utf-8")


def to_parquet(report: Report, table: str | None = None) -> bytes:
    """One table as Parquet at full precision; report, filters and as-of ride in the metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec, frame = report.table(table)
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    about = {"report": report.spec.name, "table": spec.name, "as_of": report.as_of.isoformat()}
    meta = {
        **(arrow.schema.metadata or {}),
        b"logistics.report": json.dumps({**about, "filters": dict(report.filters)}).encode(),
    }
    buffer = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata(meta), buffer)
    return buffer.getvalue()
