"""The `logistics` command line: validate and import bundles, manage keys, serve the API, demo.

Commands are imported only when they run (a lazy click group), so `logistics report` does not pay
for OR-Tools, FastAPI or matplotlib, and `logistics keys list` not for pandas either.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:  # typer vendors its own click
    from typer._click.core import Command, Context

# command name -> module of logistics.cli that defines it
COMMANDS: dict[str, str] = {
    "validate": "bundle_commands",
    "import": "bundle_commands",
    "keys": "keys",
    "tracking": "tracking",
    "serve": "serve",
    "worker": "worker",
    "ingest": "ingest",
    "plan": "plan_commands",
    "check-plan": "plan_commands",
    "plans": "plans",
    "report": "report",
    "generate": "generate",
    "demo": "demo",
}
SUB_APPS = frozenset(
    {"keys", "tracking", "plans"}
)  # modules holding a Typer of subcommands as `app`


class LazyGroup(TyperGroup):
    """A click group that imports a command's module only when that command is asked for."""

    def list_commands(self, ctx: Context) -> list[str]:
        """Every command name, without importing any of them."""
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """Import the command's module and build its click command."""
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"logistics.cli.{module_name}")
        holder = typer.Typer(add_completion=False)
        if cmd_name in SUB_APPS:
            holder.add_typer(module.app, name=cmd_name)
        else:
            module.register(holder)
        return typer.main.get_group(holder).get_command(ctx, cmd_name)


app = typer.Typer(
    name="logistics",
    cls=LazyGroup,
    help="Multimodal freight coordination: bundles, plans, tracking and reports for an air-rail-road hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Multimodal freight coordination: bundles, plans, tracking and reports for an air-rail-road hub."""


def main() -> None:
    """Entry point of the `logistics` console script."""
    app()
