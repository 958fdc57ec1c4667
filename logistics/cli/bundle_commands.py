"""`logistics validate` and `logistics import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.reader import read_bundle
from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.services.import_scenario import import_scenario

BundleArg = Annotated[
    Path,
    typer.Argument(
        help="Folder with locations.csv, services.csv, vehicles.csv, shipments.csv [, distances.csv]",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]


def validate(bundle: BundleArg) -> None:
    """Check a scenario bundle and list every problem as file:line:column: reason."""
    try:
        scenario = read_bundle(bundle)
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(
        f"{bundle}: valid — {len(scenario.locations)} locations, {len(scenario.services)} services, "
        f"{len(scenario.vehicles)} vehicles, {len(scenario.shipments)} shipments, "
        f"{len(scenario.road_links)} road links"
    )


def import_(
    bundle: BundleArg,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: LOGISTICS_DATABASE_URL)")
    ] = None,
) -> None:
    """Load a bundle into the database in one transaction (re-importing changes nothing)."""
    try:
        info(f"reading {bundle} ...")
        scenario = read_bundle(bundle)
        factory = open_database(database_url)
        info("importing ...")
        with session_scope(factory) as session:
            report = import_scenario(session, scenario)
    except LogisticsError as exc:
        raise fail(exc) from exc
    typer.echo(report.summary())


def register(app: typer.Typer) -> None:
    """Attach the bundle commands to the CLI."""
    app.command("validate")(validate)
    app.command("import")(import_)
