"""What a report is: its tables and their typed, defined columns (the catalogue is in catalog.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Column types every export keeps: text, whole numbers, decimals, rates, UTC dates and times."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    RATE = "rate"  # a fraction (0.317); CSV and XLSX show it as a percentage (31.7) in `NAME_pct`
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: name, type and definition."""

    name: str
    kind: Kind
    definition: str


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table of a report (one XLSX sheet; CSV and Parquet export one table at a time)."""

    name: str
    title: str
    columns: tuple[ColumnSpec, ...]

    @property
    def column_names(self) -> list[str]:
        """The columns in export order."""
        return [c.name for c in self.columns]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """A report: its name in the CLI and API, what it answers, its tables and filter semantics."""

    name: str
    title: str
    description: str
    tables: tuple[TableSpec, ...]
    filters: tuple[tuple[str, str], ...]

    def table(self, name: str) -> TableSpec:
        """The table called `name`."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)
