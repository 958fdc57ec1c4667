"""`logistics ingest FORMAT FILE`: feed a file of tracking messages through its adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.errors import DomainError, LogisticsError
from logistics.persistence.database import session_scope
from logistics.services import tracking_refresh
from logistics.services.feed_ingest import ingest_raw
from logistics.services.tracking_ingest import ItemStatus
from logistics.tracking.adapters.registry import FeedFormat


def ingest(
    feed_format: Annotated[
        FeedFormat, typer.Argument(metavar="FORMAT", help="The feed's format", case_sensitive=False)
    ],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The feed file")],
    source: Annotated[str | None, typer.Option(help="Source name stored with the events")] = None,
    logistics_object: Annotated[
        str | None,
        typer.Option(help="one_record: IRI of the logistics object the events were posted to"),
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="Database URL")] = None,
) -> None:
    """Parse a feed file and store its events (duplicates acknowledged, bad records listed)."""
    try:
        if logistics_object and feed_format is not FeedFormat.ONE_RECORD:
            raise DomainError("--logistics-object applies to one_record feeds only")
        options = {"logistics_object": logistics_object} if logistics_object else None
        factory = open_database(database_url)
        info(f"ingesting {file} as {feed_format.value} ...")
        with session_scope(factory) as session:
            report = ingest_raw(
                session, feed_format.value, file.read_bytes(), source=source, options=options
            )
        with session_scope(factory) as session:
            refreshed = tracking_refresh.refresh(session)
    except LogisticsError as exc:
        raise fail(exc) from exc
    for message in report.messages:
        typer.echo(f"  {message}", err=True)
    for item in report.items:
        if item.status is ItemStatus.REJECTED:
            where = item.record or f"event {item.event_id}"
            typer.echo(f"  {where}: rejected ({item.code or 'invalid'}): {item.reason}", err=True)
    typer.echo(
        f"{report.count(ItemStatus.ACCEPTED)} accepted, {report.count(ItemStatus.DUPLICATE)} duplicate, "
        f"{report.count(ItemStatus.INFORMATIONAL)} informational, "
        f"{report.count(ItemStatus.REJECTED)} rejected, {len(report.messages)} record message(s); "
        f"{refreshed.refreshed} shipment(s) updated, {refreshed.opened} exception(s) opened, "
        f"{refreshed.closed} closed"
    )


def register(app: typer.Typer) -> None:
    """Attach `ingest` to the CLI."""
    app.command("ingest")(ingest)
