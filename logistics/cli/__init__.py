"""The `logistics` command line: validate and import bundles, manage keys, serve the API, demo."""

from __future__ import annotations

import typer

from logistics.cli import (
    bundle_commands,
    demo,
    generate,
    ingest,
    keys,
    plan_commands,
    report,
    serve,
    tracking,
)

app = typer.Typer(
    name="logistics",
    help="Multimodal freight coordination: bundles, plans, tracking and reports for an air-rail-road hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bundle_commands.register(app)
app.add_typer(keys.app, name="keys")
app.add_typer(tracking.app, name="tracking")
serve.register(app)
ingest.register(app)
plan_commands.register(app)
report.register(app)
generate.register(app)
demo.register(app)


def main() -> None:
    """Entry point of the `logistics` console script."""
    app()
