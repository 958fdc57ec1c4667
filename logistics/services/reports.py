"""Build an analyst report: run its queries where the data lives, shape the rows into tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from logistics.bundles.emission_factors import read_emission_factors
from logistics.domain.report_filter import Granularity, ReportFilter
from logistics.persistence.repositories import locations, road_links
from logistics.persistence.repositories.reports import (
    capacity_queries,
    leg_queries,
    shipment_queries,
)
from logistics.reports.catalog import report_spec
from logistics.reports.emissions import Network, shape_emissions
from logistics.reports.exceptions import shape_exceptions
from logistics.reports.export import export_report
from logistics.reports.formats import ExportFormat
from logistics.reports.hub_dwell import shape_hub_dwell
from logistics.reports.on_time import shape_on_time
from logistics.reports.report import Report
from logistics.reports.throughput import shape_throughput
from logistics.reports.utilization import shape_utilization
from logistics.settings import get_settings

Progress = Callable[[str], None]
Tables = dict[str, pd.DataFrame]


def _emissions(session: Session, f: ReportFilter, factors_path: Path | None) -> Tables:
    rows = leg_queries.leg_tonnage(session, f)
    network = Network(
        {loc.id: loc for loc in locations.all_locations(session)}, road_links.all_links(session)
    )
    path = factors_path or get_settings().fixtures_dir / "emission_factors.csv"
    return shape_emissions(rows, network, read_emission_factors(path))


def _tables(
    session: Session,
    name: str,
    f: ReportFilter,
    granularity: Granularity,
    as_of: datetime,
    factors_path: Path | None,
) -> Tables:
    if name == "throughput":
        return shape_throughput(shipment_queries.throughput(session, f), granularity)
    if name == "on-time":
        return shape_on_time(shipment_queries.deliveries(session, f, as_of), granularity)
    if name == "hub-dwell":
        return shape_hub_dwell(leg_queries.hub_visits(session, f))
    if name == "utilization":
        return shape_utilization(
            capacity_queries.service_loads(session, f), capacity_queries.truck_loads(session, f)
        )
    if name == "emissions":
        return _emissions(session, f, factors_path)
    return shape_exceptions(shipment_queries.exception_summary(session, f, as_of))


def build_report(
    session: Session,
    name: str,
    report_filter: ReportFilter | None = None,
    *,
    granularity: Granularity = Granularity.DAY,
    as_of: datetime | None = None,
    factors_path: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Compute report `name` (NotFound if unknown) as of `as_of` (default now); read-only."""
    spec = report_spec(name)
    f = report_filter or ReportFilter()
    moment = (as_of or datetime.now(UTC)).astimezone(UTC)
    if progress:
        progress(f"querying {name}")
    tables = _tables(session, name, f, granularity, moment, factors_path)
    filters = {**f.described(), "granularity": granularity.value, "as_of": moment.isoformat()}
    return Report(spec, tables, filters, moment, datetime.now(UTC))


def render_report(
    report: Report, fmt: ExportFormat, table: str | None = None, progress: Progress | None = None
) -> bytes:
    """The report's bytes in `fmt` (CSV and Parquet: one table, the first by default)."""
    if progress:
        progress(f"writing {fmt.value}")
    return export_report(report, fmt, table)
