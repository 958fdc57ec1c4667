"""Consistent terminal output: results to stdout, progress and errors to stderr."""

from __future__ import annotations

import sys

import typer

from logistics.errors import Conflict, LogisticsError, ValidationFailed


def info(message: str) -> None:
    """Progress or context line on stderr (keeps stdout clean for results)."""
    typer.echo(message, err=True)


def fail(exc: LogisticsError, *, exit_code: int = 1) -> typer.Exit:
    """Print an error with every problem it lists, and return the Exit to raise."""
    if isinstance(exc, ValidationFailed):
        typer.echo(f"error: {len(exc.problems)} problem(s) found; nothing was changed", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
    elif isinstance(exc, Conflict):
        typer.echo(f"error: {exc}", err=True)
        for line in exc.conflicts:
            typer.echo(f"  {line}", err=True)
    else:
        typer.echo(f"error: {exc}", err=True)
    sys.stderr.flush()
    return typer.Exit(code=exit_code)
