"""Plan documents: KPIs and solver facts read into typed values and written back unchanged."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from logistics.bundles.plan_json import (
    kpis_document,
    kpis_from_document,
    plan_from_document,
    plan_to_document,
    solver_document,
    solver_from_document,
)
from logistics.domain import PlanKpis, SolverInfo
from logistics.errors import DomainError, ValidationFailed

DOCUMENT = Path(__file__).resolve().parents[2] / "fixtures" / "plans" / "minimal.json"


@pytest.fixture()
def document() -> dict[str, Any]:
    """A plan document the planner wrote for the minimal bundle."""
    doc: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return doc


def test_a_document_reads_and_writes_back_unchanged(document: dict[str, Any]) -> None:
    """Same keys in the same order, same values: the JSON the API and the CLI emit is kept."""
    again = plan_to_document(plan_from_document(document))
    assert json.dumps(again) == json.dumps(document)


def test_kpis_and_solver_are_typed(document: dict[str, Any]) -> None:
    """The KPIs and solver facts are attributes, `now` a datetime, the counts whole numbers."""
    plan = plan_from_document(document)
    assert isinstance(plan.kpis, PlanKpis) and isinstance(plan.solver, SolverInfo)
    assert plan.kpis.planned == document["kpis"]["planned"]
    assert plan.kpis.against_incumbent == document["kpis"]["against_incumbent"]
    assert plan.solver.iterations == document["solver"]["iterations"]
    assert plan.solver.time_limit_s == document["solver"]["time_limit_s"]


def test_a_document_without_kpis_or_solver_keeps_them_empty(document: dict[str, Any]) -> None:
    """A hand-written document with neither: None in the plan, `{}` written back."""
    bare = {k: v for k, v in document.items() if k not in ("kpis", "solver")}
    plan = plan_from_document(bare)
    assert plan.kpis is None and plan.solver is None
    written = plan_to_document(plan)
    assert written["kpis"] == {} and written["solver"] == {}


def test_against_incumbent_is_written_only_when_there_were_incumbents() -> None:
    """No incumbents: the key is absent, as before the KPIs were typed."""
    assert "against_incumbent" not in kpis_document(PlanKpis(shipments=1, planned=1))
    assert kpis_document(PlanKpis(against_incumbent={"kept": 2}))["against_incumbent"] == {
        "kept": 2
    }


def test_a_partial_kpis_object_takes_defaults_and_ignores_unknown_keys() -> None:
    """An older or newer document: missing KPIs are zero, unknown ones are not read."""
    kpis = kpis_from_document({"planned": 3, "shipments": 4, "some_future_kpi": 1})
    assert kpis == PlanKpis(shipments=4, planned=3)


def test_solver_now_round_trips_with_its_offset() -> None:
    """`now` is written as ISO 8601 and read back as the same aware time."""
    now = datetime.fromisoformat("2026-11-29T08:00:00+08:00")
    info = SolverInfo(status="optimal", time_s=1.5, seed=3, iterations=2, time_limit_s=20, now=now)
    doc = solver_document(info)
    assert doc["now"] == "2026-11-29T08:00:00+08:00"
    assert solver_from_document(doc) == info


@pytest.mark.parametrize(
    ("part", "bad"),
    [
        ("kpis", {"planned": "five"}),
        ("kpis", {"cost": float("nan")}),
        ("kpis", {"co2_kg_by_mode": ["air", 1]}),
        ("solver", {"status": "optimal", "iterations": 1.5}),
        ("solver", {"status": "optimal", "now": "2026-11-29T08:00:00"}),
    ],
)
def test_a_malformed_kpis_or_solver_object_is_refused_naming_it(
    document: dict[str, Any], part: str, bad: dict[str, Any]
) -> None:
    """A wrong type is refused as a malformed document whose problem names the object."""
    with pytest.raises(ValidationFailed) as caught:
        plan_from_document({**document, part: bad})
    assert caught.value.problems[0].column == part


def test_kpis_validate_themselves() -> None:
    """Counts are whole and not negative; a bool is not a count."""
    with pytest.raises(DomainError, match="planned"):
        PlanKpis(planned=-1)
    with pytest.raises(DomainError, match="trucks_used"):
        PlanKpis(trucks_used=True)
    with pytest.raises(DomainError, match="time_limit_s"):
        SolverInfo(status="optimal", time_limit_s=-1.0)
