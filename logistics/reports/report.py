"""A computed report: its spec, its typed tables, the filters it was computed with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from logistics.errors import DomainError
from logistics.reports.spec import ReportSpec, TableSpec


@dataclass(frozen=True, eq=False)
class Report:
    """Tables in the order of the spec; `filters` as text for export headers."""

    spec: ReportSpec
    tables: Mapping[str, pd.DataFrame]
    filters: Mapping[str, str]
    as_of: datetime
    generated_at: datetime

    def table(self, name: str | None = None) -> tuple[TableSpec, pd.DataFrame]:
        """One table (the first when `name` is None); NotFound names the tables there are."""
        spec = self.spec.tables[0] if name is None else None
        if spec is None:
            spec = next((t for t in self.spec.tables if t.name == name), None)
        if spec is None:
            names = ", ".join(t.name for t in self.spec.tables)
            raise DomainError(f"report {self.spec.name} has no table {name!r}; tables: {names}")
        return spec, self.tables[spec.name]
