"""`logistics plans diff`: what a stored plan changes against the bookings or another plan."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics.cli.database import open_database
from logistics.cli.output import fail
from logistics.errors import LogisticsError
from logistics.persistence.database import session_scope
from logistics.services.plan_diff import ShipmentChange, diff_against_bookings, diff_plans

app = typer.Typer(help="Plans stored by plan jobs: their differences.", no_args_is_help=True)


def _itinerary(legs: tuple[dict[str, object], ...]) -> str:
    if not legs:
        return "-"
    hops = [str(legs[0]["from"])]
    for leg in legs:
        hops.append(f"({leg.get('service_id') or leg.get('vehicle_id')}) {leg['to']}")
    return " ".join(hops)


def _line(c: ShipmentChange) -> str:
    eta = f"{c.eta_change_minutes:+d} min" if c.eta_change_minutes is not None else "n/a"
    cost = f"{c.cost_change:+.2f}" if c.cost_change is not None else "n/a"
    return (
        f"{c.shipment_id}\t{c.change}\tETA {eta}\tcost {cost}\n"
        f"  was: {_itinerary(c.old_legs)}\n  now: {_itinerary(c.new_legs)}\n  why: {c.reason or '-'}"
    )


@app.command("diff")
def diff(
    plan_id: Annotated[str, typer.Argument(help="A done plan job's id")],
    against: Annotated[
        str | None, typer.Option(help="Another plan's id (default: the accepted bookings)")
    ] = None,
    changed_only: Annotated[bool, typer.Option(help="Leave out unchanged shipments")] = False,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: LOGISTICS_DATABASE_URL)")
    ] = None,
) -> None:
    """Shipment by shipment: change, ETA and cost change, old and new itinerary, and why."""
    try:
        with session_scope(open_database(database_url)) as session:
            changes = (
                diff_plans(session, against, plan_id)
                if against
                else diff_against_bookings(session, plan_id)
            )
    except LogisticsError as exc:
        raise fail(exc) from exc
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.change] = counts.get(c.change, 0) + 1
        if not (changed_only and c.change == "unchanged"):
            typer.echo(_line(c))
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no shipments"
    typer.echo(f"{plan_id} against {against or 'the bookings'}: {summary}", err=True)
