"""`logistics report NAME`: compute an analyst report and write it as CSV, XLSX, Parquet, JSON or PNG."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.domain.enums import Mode
from logistics.domain.report_filter import Granularity, ReportFilter, parse_bound
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.reports.catalog import REPORTS
from logistics.reports.formats import ExportFormat
from logistics.services.reports import build_report, render_report


def _filter(
    start: str | None,
    end: str | None,
    hub: str | None,
    mode: Mode | None,
    lane: str | None,
    shipper: str | None,
    carrier: str | None,
) -> ReportFilter:
    return ReportFilter(
        start=parse_bound(start, "--from") if start else None,
        end=parse_bound(end, "--to") if end else None,
        hub=hub,
        mode=mode,
        lane=lane,
        shipper=shipper,
        carrier=carrier,
    )


def report(
    name: Annotated[str, typer.Argument(metavar="NAME", help=f"One of: {', '.join(REPORTS)}")],
    out: Annotated[Path, typer.Option(help="File to write", dir_okay=False)],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv, xlsx, parquet, json or png (chart)")
    ] = ExportFormat.CSV,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Period start: 2026-11-30 (UTC) or ISO time with offset"),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Period end (exclusive), same forms")
    ] = None,
    hub: Annotated[str | None, typer.Option(help="Location id, e.g. CGO")] = None,
    mode: Annotated[Mode | None, typer.Option(help="air, rail or road")] = None,
    lane: Annotated[str | None, typer.Option(help="Lane FROM-TO, e.g. CGO-LUX")] = None,
    shipper: Annotated[str | None, typer.Option(help="Shipper id")] = None,
    carrier: Annotated[str | None, typer.Option(help="Carrier")] = None,
    granularity: Annotated[
        Granularity, typer.Option(help="Period bucket of throughput and on-time")
    ] = Granularity.DAY,
    table: Annotated[
        str | None, typer.Option(help="Table for csv and parquet (default: the report's first)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Deliveries and open exceptions as of (default: now)")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="Database URL")] = None,
) -> None:
    """Compute report NAME with the filters and write it to --out (progress on stderr)."""
    began = time.perf_counter()
    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        f = _filter(start, end, hub, mode, lane, shipper, carrier)
        moment = parse_bound(as_of, "--as-of") if as_of else None
        live = console.is_terminal
        with Progress(*columns, console=console, transient=True, disable=not live) as progress:
            task = progress.add_task(f"opening the database for {name}", total=None)

            def step(message: str) -> None:
                progress.update(task, description=message)

            factory = open_database(database_url)
            with session_scope(factory) as session:
                built = build_report(
                    session, name, f, granularity=granularity, as_of=moment, progress=step
                )
            data = render_report(built, fmt, table, progress=step)
            step(f"saving {out}")
            out.write_bytes(data)
    except LogisticsError as exc:
        raise fail(exc) from exc
    rows = ", ".join(f"{t}: {len(frame)} rows" for t, frame in built.tables.items())
    info(f"{name} ({rows}) written to {out} in {time.perf_counter() - began:.1f} s")


def register(app: typer.Typer) -> None:
    """Attach `report` to the CLI."""
    app.command("report")(report)
