"""`logistics generate OUT_DIR --shipments N --seed S`: scenario bundles of any size."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from logistics.bundles.writer import write_bundle
from logistics.cli.output import info
from logistics.scenarios.generator import generate_scenario


def generate(
    out_dir: Annotated[
        Path, typer.Argument(help="Folder to write the bundle into (replaced atomically)")
    ],
    shipments: Annotated[int, typer.Option(min=1, help="Number of shipments")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bundle)")] = 1,
    start: Annotated[
        str, typer.Option(help="First day, YYYY-MM-DD (a Monday keeps the weekly timetable)")
    ] = "2026-11-30",
    days: Annotated[int, typer.Option(min=1, help="Days of shipments")] = 7,
) -> None:
    """Write a bundle in the shape of the Zhengzhou reference scenario, scaled to the shipment count."""
    info(f"generating {shipments} shipments (seed {seed}) ...")
    scenario = generate_scenario(
        shipments=shipments, seed=seed, start=date.fromisoformat(start), days=days
    )
    write_bundle(scenario, out_dir)
    typer.echo(
        f"wrote {out_dir}: {len(scenario.locations)} locations, {len(scenario.services)} services, "
        f"{len(scenario.vehicles)} truck shifts, {len(scenario.shipments)} shipments"
    )


def register(app: typer.Typer) -> None:
    """Attach `generate`."""
    app.command("generate")(generate)
