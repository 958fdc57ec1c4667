"""`logistics tracking rebuild|refresh|exceptions`: the stored tracking projections."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.domain import Principal, Role
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import shipments as shipment_repo
from logistics.persistence.repositories.tracking_state import ExceptionFilter
from logistics.services import tracking_exceptions, tracking_queries, tracking_refresh

ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")


def local_time(when: datetime, zone: str | None) -> str:
    """`2026-12-05 09:00 +01:00` in the place's zone; `2026-12-05 08:00 UTC` without one."""
    if zone is None:
        return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    moved = when.astimezone(ZoneInfo(zone))
    offset = moved.strftime("%z")
    return f"{moved:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def localize_times(text: str, zone: str | None) -> str:
    """Every ISO 8601 instant in `text` rewritten in the place's local time with its offset."""
    return ISO_INSTANT.sub(
        lambda m: local_time(datetime.fromisoformat(m.group(0).replace("Z", "+00:00")), zone), text
    )


app = typer.Typer(
    help="Rebuild and inspect tracking projections (status, ETA, exceptions).", no_args_is_help=True
)

DatabaseOpt = Annotated[
    str | None, typer.Option(help="Database URL (default: LOGISTICS_DATABASE_URL)")
]
NowOpt = Annotated[
    datetime | None,
    typer.Option(
        help="Evaluate time-based rules at this instant (ISO 8601 with offset; default now)"
    ),
]


def _progress(done: int, total: int) -> None:
    info(f"  {done}/{total} shipments")


@app.command("rebuild")
def rebuild(database_url: DatabaseOpt = None, now: NowOpt = None) -> None:
    """Recompute every tracked shipment's state, ETA and exceptions from its stored events."""
    try:
        factory = open_database(database_url)
        info("rebuilding tracking projections from the event store ...")
        with session_scope(factory) as session:
            report = tracking_refresh.rebuild(session, now=now, progress=_progress)
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(
        f"{report.refreshed} shipments rebuilt; {report.opened} exception(s) opened, "
        f"{report.closed} closed; {len(report.notices)} notice(s) queued"
    )


@app.command("refresh")
def refresh(
    database_url: DatabaseOpt = None,
    now: NowOpt = None,
    sweep: Annotated[
        bool, typer.Option(help="Re-examine every undelivered shipment, not only stale ones")
    ] = False,
) -> None:
    """Bring stale projections up to date (what the API server does every few seconds)."""
    try:
        factory = open_database(database_url)
        with session_scope(factory) as session:
            report = (
                tracking_refresh.sweep(session, now=now)
                if sweep
                else tracking_refresh.refresh(session, now=now, progress=_progress)
            )
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(
        f"{report.refreshed} shipments refreshed; {report.opened} exception(s) opened, "
        f"{report.closed} closed"
    )


@app.command("exceptions")
def exceptions(
    database_url: DatabaseOpt = None,
    state: Annotated[str, typer.Option(help="open, closed or all")] = "open",
    reason: Annotated[str | None, typer.Option(help="e.g. DELAY, MISSED_CONNECTION")] = None,
    location: Annotated[str | None, typer.Option(help="Hub or stop id")] = None,
    mode: Annotated[str | None, typer.Option(help="air, rail or road")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
) -> None:
    """List tracking exceptions, one per line (opened, reason, shipment, where, detail), every time
    in the local time of the exception's place (a delay's: the destination) with its offset."""
    try:
        factory = open_database(database_url)
        with session_scope(factory) as session:
            page = tracking_exceptions.list_exceptions(
                session,
                Principal("cli", Role.ADMIN),
                ExceptionFilter(state, reason, location, mode),
                limit=limit,
                offset=0,
            )
            zones = tracking_queries.location_zones(session)
            destinations = {
                s.id: s.destination
                for s in shipment_repo.by_ids(session, {r.shipment_id for r in page.items}).values()
            }
    except LogisticsError as exc:
        raise fail(exc) from exc
    for row in page.items:
        zone = zones.get(row.location or "") or zones.get(destinations.get(row.shipment_id, ""))
        closed = f" (closed {local_time(row.closed_at, zone)})" if row.closed_at else ""
        typer.echo(
            f"{local_time(row.opened_at, zone)}  {row.reason:<18} {row.shipment_id:<12} "
            f"{row.location or '-':<8} {localize_times(row.detail, zone)}{closed}"
        )
    typer.echo(
        f"{page.total} exception(s); times in the local time of each exception's place "
        "(a delay's: the destination), with the UTC offset",
        err=True,
    )
