"""`logistics report NAME`: compute an analyst report and write it as CSV, XLSX, Parquet, JSON or PNG.

Only typer and the report catalogue load at start; the database layer, pandas and each format's
library are imported when the command runs (see benchmarks/cli_start.py).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from logistics.cli.output import fail, info
from logistics.domain.enums import Mode
from logistics.domain.report_filter import Granularity, ReportFilter, parse_bound
from logistics.errors import DomainError, LogisticsError
from logistics.reports.catalog import REPORTS, report_spec
from logistics.reports.formats import SUFFIXES, ExportFormat, format_of

if TYPE_CHECKING:
    from logistics.reports.report import Report


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


def chosen_format(out: Path, fmt: ExportFormat | None) -> ExportFormat:
    """--format, else the format --out's extension names; a contradicting extension is refused."""
    if fmt is None:
        return format_of(out)
    named = SUFFIXES.get(out.suffix.lower())
    if named is not None and named is not fmt:
        raise DomainError(
            f"--format {fmt.value} but --out {out.name} ends in {out.suffix}: "
            f"name the file *.{fmt.value} or drop --format"
        )
    return fmt


def targets(name: str, out: Path, fmt: ExportFormat, table: str | None) -> list[tuple[str, Path]]:
    """(table, file) to write: one file, or for CSV and Parquet one per table (`OUT_TABLE.ext`)."""
    spec = report_spec(name)
    if not fmt.single_table or table is not None or len(spec.tables) == 1:
        return [(table or spec.tables[0].name, out)]
    return [(t.name, out.with_name(f"{out.stem}_{t.name}{out.suffix}")) for t in spec.tables]


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: each goes to a temporary name first, then all are renamed."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
            temporary.write_bytes(data)
            staged.append((temporary, path))
    except OSError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)


def _summary(report: Report, written: list[tuple[str, Path]], whole: bool) -> str:
    rows = {t: len(frame) for t, frame in report.tables.items()}
    if whole:  # XLSX, JSON: every table in one file; PNG: the chart of them
        listed = ", ".join(f"{t}: {n} rows" for t, n in rows.items())
        return f"({listed}) written to {written[0][1]}"
    return "; ".join(f"{t} ({rows[t]} rows) written to {path}" for t, path in written)


def report(
    name: Annotated[str, typer.Argument(metavar="NAME", help=f"One of: {', '.join(REPORTS)}")],
    out: Annotated[Path, typer.Option(help="File to write", dir_okay=False)],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help="csv, xlsx, parquet, json or png (chart); default: from --out's extension",
        ),
    ] = None,
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
        str | None,
        typer.Option(
            help="One table for csv and parquet; default: every table, one file each (OUT_TABLE.ext)"
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Deliveries and open exceptions as of (default: now)")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="Database URL")] = None,
) -> None:
    """Compute report NAME with the filters and write it to --out (progress on stderr)."""
    began = time.perf_counter()
    try:
        chosen = chosen_format(out, fmt)
        spec = report_spec(name)
        if table is not None and table not in {t.name for t in spec.tables}:
            names = ", ".join(t.name for t in spec.tables)
            raise DomainError(f"report {name} has no table {table!r}; tables: {names}")
        f = _filter(start, end, hub, mode, lane, shipper, carrier)
        moment = parse_bound(as_of, "--as-of") if as_of else None
        built, written = _run(name, out, chosen, table, f, granularity, moment, database_url)
    except LogisticsError as exc:
        raise fail(exc) from exc
    summary = _summary(built, written, not chosen.single_table)
    info(f"{name} {summary} in {time.perf_counter() - began:.1f} s")


def _run(
    name: str,
    out: Path,
    fmt: ExportFormat,
    table: str | None,
    f: ReportFilter,
    granularity: Granularity,
    moment: datetime | None,
    database_url: str | None,
) -> tuple[Report, list[tuple[str, Path]]]:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from logistics.cli.database import open_database
    from logistics.persistence.database import session_scope
    from logistics.services.reports import build_report, render_report

    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(f"opening the database for {name}", total=None)

        def step(message: str) -> None:
            bar.update(task, description=message)

        factory = open_database(database_url)
        with session_scope(factory) as session:
            built = build_report(
                session, name, f, granularity=granularity, as_of=moment, progress=step
            )
        written = targets(name, out, fmt, table)
        files = [(path, render_report(built, fmt, t, progress=step)) for t, path in written]
        step(f"saving {', '.join(str(p) for _, p in written)}")
        write_all(files)
    return built, written


def register(app: typer.Typer) -> None:
    """Attach `report` to the CLI."""
    app.command("report")(report)
