"""Build an analyst report: run its queries where the data lives, shape the rows into tables.

pandas and the shaping modules are imported when a report is built, not when this module is,
so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from logistics.domain.report_filter import Granularity, ReportFilter
from logistics.errors import DomainError
from logistics.persistence.repositories import locations
from logistics.reports.catalog import report_spec
from logistics.reports.formats import ExportFormat

if TYPE_CHECKING:
    import pandas as pd

    from logistics.reports.report import Report

Progress = Callable[[str], None]
Tables = dict[str, "pd.DataFrame"]
SHOWN_IDS = 12  # how many known location ids an error lists


def _emissions(session: Session, f: ReportFilter, factors_path: Path | None) -> Tables:
    from logistics.bundles.emission_factors import read_emission_factors
    from logistics.persistence.repositories import road_links
    from logistics.persistence.repositories.reports import leg_queries
    from logistics.reports.emissions import Network, shape_emissions
    from logistics.settings import get_settings

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
    from logistics.persistence.repositories.reports import (
        capacity_queries,
        leg_queries,
        shipment_queries,
    )

    if name == "throughput":
        from logistics.reports.throughput import shape_throughput

        return shape_throughput(shipment_queries.throughput(session, f), granularity)
    if name == "on-time":
        from logistics.reports.on_time import shape_on_time

        return shape_on_time(shipment_queries.deliveries(session, f, as_of), granularity)
    if name == "hub-dwell":
        from logistics.reports.hub_dwell import shape_hub_dwell

        return shape_hub_dwell(leg_queries.hub_visits(session, f))
    if name == "utilization":
        from logistics.reports.utilization import shape_utilization

        return shape_utilization(
            capacity_queries.service_loads(session, f), capacity_queries.truck_loads(session, f)
        )
    if name == "emissions":
        return _emissions(session, f, factors_path)
    from logistics.reports.exceptions import shape_exceptions

    return shape_exceptions(shipment_queries.exception_summary(session, f, as_of))


def _unknown(what: str, value: str, known: set[str], example: str) -> DomainError:
    shown = ", ".join(sorted(known)[:SHOWN_IDS]) + (", …" if len(known) > SHOWN_IDS else "")
    return DomainError(
        f"{what} {value!r} is not a known location id (e.g. {example}); known: {shown or 'none'}"
    )


def check_places(session: Session, f: ReportFilter) -> None:
    """Refuse a hub or lane naming a place that does not exist (instead of an empty table)."""
    if not f.hub and not f.lane:
        return
    known = locations.all_ids(session)
    if f.hub and f.hub not in known:
        raise _unknown("hub", f.hub, known, "CGO")
    if f.lane and not _lane_known(f.lane, known):
        shown = ", ".join(sorted(known)[:SHOWN_IDS]) + (", …" if len(known) > SHOWN_IDS else "")
        raise DomainError(
            f"lane {f.lane!r} is not FROM-TO of two known location ids (e.g. CGO-LUX); "
            f"known: {shown or 'none'}"
        )


def _lane_known(lane: str, known: set[str]) -> bool:
    # ids may hold a dash themselves (FR-2), so try every dash as the separator
    return any(
        lane[i] == "-" and lane[:i] in known and lane[i + 1 :] in known for i in range(len(lane))
    )


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
    from logistics.reports.report import Report

    spec = report_spec(name)
    f = report_filter or ReportFilter()
    check_places(session, f)
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
    from logistics.reports.export import export_report

    if progress:
        progress(f"writing {fmt.value}")
    return export_report(report, fmt, table)
