"""`logistics validate` and `logistics import`."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.reader import REQUIRED_FILES, PartialBundle, read_bundle, read_partial_bundle
from logistics.cli.database import open_database
from logistics.cli.output import fail, info
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.persistence.repositories import locations as location_repo
from logistics.services.import_scenario import import_scenario

BundleArg = Annotated[
    Path,
    typer.Argument(
        help="Folder with locations.csv, services.csv, vehicles.csv, shipments.csv [, distances.csv]"
        " — or only some of them, checked against the locations stored in the database",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]
DatabaseOpt = Annotated[
    str | None, typer.Option(help="Database URL (default: LOGISTICS_DATABASE_URL)")
]


def _who() -> str:
    """Who runs the CLI, for the change record (`cli:USER`)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _complete(bundle: Path) -> bool:
    return all((bundle / name).is_file() for name in REQUIRED_FILES)


def _read_against_database(bundle: Path, database_url: str | None) -> PartialBundle:
    """A folder with only some files: read it against the locations stored in the database."""
    missing = [name for name in REQUIRED_FILES if not (bundle / name).is_file()]
    info(f"{bundle} has no {', '.join(missing)}: checking it against the stored network ...")
    factory = open_database(database_url)
    with factory() as session:
        stored = {loc.id: loc for loc in location_repo.all_locations(session)}
    return read_partial_bundle(bundle, stored)


def validate(bundle: BundleArg, database_url: DatabaseOpt = None) -> None:
    """Check a bundle (or some of its files, against the stored network) and list every problem."""
    files: tuple[str, ...] = REQUIRED_FILES
    try:
        if _complete(bundle):
            scenario = read_bundle(bundle)
        else:
            partial = _read_against_database(bundle, database_url)
            scenario, files = partial.scenario, partial.files
    except LogisticsError as exc:
        raise fail(exc) from exc
    counts = {
        "locations.csv": f"{len(scenario.locations)} locations",
        "services.csv": f"{len(scenario.services)} services",
        "vehicles.csv": f"{len(scenario.vehicles)} vehicles",
        "shipments.csv": f"{len(scenario.shipments)} shipments",
        "distances.csv": f"{len(scenario.road_links)} road links",
    }
    shown = [text for name, text in counts.items() if name in files or name == "distances.csv"]
    typer.echo(f"{bundle}: valid — {', '.join(shown)}")


def import_(
    bundle: BundleArg,
    database_url: DatabaseOpt = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Amend stored shipments whose fields differ (recorded with who and when) "
            "instead of refusing the import",
        ),
    ] = False,
) -> None:
    """Load a bundle (or only some files, e.g. shipments.csv) in one transaction."""
    files: tuple[str, ...] | None = None
    try:
        info(f"reading {bundle} ...")
        if _complete(bundle):
            scenario = read_bundle(bundle)
        else:
            partial = _read_against_database(bundle, database_url)
            scenario, files = partial.scenario, partial.files
        factory = open_database(database_url)
        info("importing ...")
        with session_scope(factory) as session:
            report = import_scenario(session, scenario, update_shipments=update, changed_by=_who())
    except LogisticsError as exc:
        raise fail(exc) from exc
    if files is not None:  # only the kinds the folder holds
        kinds = {"locations.csv": "locations", "services.csv": "services"}
        kinds |= {"vehicles.csv": "vehicles", "shipments.csv": "shipments"}
        kinds |= {"distances.csv": "road_links"}
        held = {kinds[name] for name in files}
        report = type(report)({k: c for k, c in report.counts.items() if k in held})
    typer.echo(report.summary())


def register(app: typer.Typer) -> None:
    """Attach the bundle commands to the CLI."""
    app.command("validate")(validate)
    app.command("import")(import_)
