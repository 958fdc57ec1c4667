"""Every preset plans first, then on time, then its own measure; a lateness price trades instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import EmissionFactor, Plan, Scenario, ShipmentPlanStatus
from logistics.planning.multimodal import plan
from logistics.planning.objectives import PRESETS
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The on-time-first bundle: a cheaper later freighter would make SH00201 late."""
    return read_bundle(FIXTURES / "bundles" / "on-time-first")


@pytest.fixture(scope="module")
def factors() -> list[EmissionFactor]:
    """The emission factors of the fixtures."""
    return read_emission_factors(FIXTURES / "emission_factors.csv")


def _plan(scenario: Scenario, factors: list[EmissionFactor], **options: object) -> Plan:
    chosen = PlanOptions(time_limit_s=10, workers=1, **options)  # type: ignore[arg-type]
    return plan(scenario, options=chosen, factors=factors)


def _on_time(result: Plan) -> set[str]:
    return {sp.shipment_id for sp in result.shipments if sp.on_time}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_keeps_every_shipment_on_time_that_can_be(
    scenario: Scenario, factors: list[EmissionFactor], preset: str
) -> None:
    """Cost-first would put SH00201 on the cheaper, later flight; each preset keeps it on time."""
    result = _plan(scenario, factors, objective=preset)
    assert check_plan(scenario, result) == []
    assert all(sp.status is ShipmentPlanStatus.PLANNED for sp in result.shipments)
    assert _on_time(result) == set(scenario.shipment_by_id)
    assert result.kpis is not None and result.kpis.on_time == len(scenario.shipments)


def test_a_low_lateness_price_trades_punctuality_for_money(
    scenario: Scenario, factors: list[EmissionFactor]
) -> None:
    """At 1 CNY per shipment-hour the cheapest plan makes SH00201 late and costs less; at a price
    above the saving it stays on time."""
    default = _plan(scenario, factors, objective="cheapest")
    cheap = _plan(scenario, factors, objective="cheapest", lateness_price=1.0)
    dear = _plan(scenario, factors, objective="cheapest", lateness_price=100_000.0)
    for result in (cheap, dear):
        assert check_plan(scenario, result) == []
        assert all(sp.status is ShipmentPlanStatus.PLANNED for sp in result.shipments)
    assert "SH00201" not in _on_time(cheap)
    late = next(sp for sp in cheap.shipments if sp.shipment_id == "SH00201")
    assert "CV9751-20261130" in late.detail and "1 CNY per late shipment-hour" in late.detail
    # the remaining lateness is reported in shipment-hours (the plan keeps minutes)
    assert late.late_minutes > 0
    assert cheap.kpis is not None and dear.kpis is not None and default.kpis is not None
    assert cheap.kpis.late_hours_total == round(late.late_minutes / 60, 2)
    assert dear.kpis.late_hours_total == 0
    assert cheap.kpis.cost < default.kpis.cost
    assert _on_time(dear) == _on_time(default) == set(scenario.shipment_by_id)
    assert cheap.solver is not None and cheap.solver.lateness_price == 1.0


def test_a_negative_lateness_price_is_refused(scenario: Scenario) -> None:
    """A lateness price below zero is refused with what to give instead."""
    from logistics.errors import DomainError

    with pytest.raises(DomainError, match="lateness_price"):
        plan(scenario, options=PlanOptions(time_limit_s=1, lateness_price=-5.0))
