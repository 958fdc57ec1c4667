"""Shipments submitted over the API: validated exactly like shipments.csv rows, stored all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from logistics.bundles.reader import parse_shipment_rows
from logistics.errors import ValidationFailed
from logistics.persistence.repositories import locations as location_repo
from logistics.services.master_data import add_shipments


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """How many shipments were created and how many were already stored unchanged."""

    created: int
    unchanged: int
    ids: list[str]


def submit_shipment_rows(session: Session, rows: Sequence[Mapping[str, object]]) -> IntakeResult:
    """Validate rows (as in shipments.csv) against stored locations and add them in one go."""
    known = location_repo.all_ids(session)
    shipments, problems = parse_shipment_rows(
        rows, known_locations=known, source="body", first_line=1
    )
    if problems:
        raise ValidationFailed(problems, summary="shipments refused")
    report = add_shipments(session, shipments)
    return IntakeResult(
        created=report.created, unchanged=report.unchanged, ids=[s.id for s in shipments]
    )
