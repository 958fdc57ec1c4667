"""The report catalogue as the API shows it."""

from __future__ import annotations

from pydantic import BaseModel


class ReportTableOut(BaseModel):
    """A table of a report (csv and parquet downloads pick one with `table=`)."""

    name: str
    title: str


class ReportFilterOut(BaseModel):
    """A filter and what it restricts in this report."""

    name: str
    meaning: str


class ReportSpecOut(BaseModel):
    """One report: name, title, description, tables and filter meanings."""

    name: str
    title: str
    description: str
    tables: list[ReportTableOut]
    filters: list[ReportFilterOut]


class ReportCatalog(BaseModel):
    """Every report the API serves."""

    items: list[ReportSpecOut]
