"""Shipments submitted over the API: validated exactly like shipments.csv rows, stored all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from logistics.bundles.reader import parse_location_rows, parse_shipment_rows
from logistics.domain import Scenario
from logistics.errors import Conflict, ValidationFailed
from logistics.persistence.repositories import locations as location_repo
from logistics.services.import_scenario import import_scenario
from logistics.services.master_data import add_shipments
from logistics.services.shipment_changes import API_LOCATION_HINT

AMEND_HINT = (
    "to change a stored shipment, send PATCH /v1/shipments/{id} with the fields that change "
    "(each change is recorded); to cancel it, POST /v1/shipments/{id}/cancel"
)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """How many shipments were created and how many were already stored unchanged."""

    created: int
    unchanged: int
    ids: list[str]
    updated: int = 0  # stored locations given a UN/LOCODE or GLN they lacked


def submit_shipment_rows(session: Session, rows: Sequence[Mapping[str, object]]) -> IntakeResult:
    """Validate rows (as in shipments.csv) against stored locations and add them in one go."""
    known = location_repo.all_ids(session)
    shipments, problems = parse_shipment_rows(
        rows, known_locations=known, source="body", first_line=1, location_hint=API_LOCATION_HINT
    )
    if problems:
        raise ValidationFailed(problems, summary="shipments refused")
    try:
        report = add_shipments(session, shipments)
    except Conflict as exc:
        if not exc.conflicts:  # not a record differing: the database refused the import
            raise
        raise Conflict(
            f"{len(exc.conflicts)} shipment(s) differ from stored ones; nothing was stored; "
            + AMEND_HINT,
            exc.conflicts,
        ) from exc
    return IntakeResult(
        created=report.created, unchanged=report.unchanged, ids=[s.id for s in shipments]
    )


def submit_location_rows(session: Session, rows: Sequence[Mapping[str, object]]) -> IntakeResult:
    """Validate rows (as in locations.csv) and add them in one go; identical ones are unchanged."""
    found, problems = parse_location_rows(rows, source="body", first_line=1)
    if problems:
        raise ValidationFailed(problems, summary="locations refused")
    try:
        report = import_scenario(session, Scenario(locations=tuple(found)))
    except Conflict as exc:
        if not exc.conflicts:  # not a record differing: the database refused the import
            raise
        raise Conflict(
            f"{len(exc.conflicts)} location(s) differ from stored ones; nothing was stored; a "
            "stored location cannot be changed (only a UN/LOCODE or GLN it lacks may be added): "
            "give a changed one a new id",
            exc.conflicts,
        ) from exc
    counts = report.counts["locations"]
    return IntakeResult(
        created=counts.created,
        unchanged=counts.unchanged,
        ids=[x.id for x in found],
        updated=counts.updated,
    )
