"""Replanning against an accepted plan: incumbents kept when they work, changed when missed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from logistics.bundles.plan_json import plan_from_document, plan_to_document
from logistics.bundles.reader import read_bundle
from logistics.domain import Change, Scenario, ShipmentPlanStatus
from logistics.errors import DomainError
from logistics.planning.incumbent import incumbent_from_plan, itinerary_key
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FIRST = ("CV9751-20261130", "LH701-20261130")
LANDS_LATE = {"CV9751-20261130": datetime.fromisoformat("2026-11-30T13:00:00+01:00")}


@pytest.fixture(scope="module")
def connection() -> Scenario:
    """A freighter then a line-haul truck, today or tomorrow."""
    return read_bundle(FIXTURES / "bundles" / "connection")


def test_an_incumbent_that_still_works_is_kept_over_a_better_score() -> None:
    """SH00005 accepted on the later of two equal flights: balanced alone prefers the earlier one,
    but the replan keeps the incumbent and marks every shipment kept."""
    scenario = read_bundle(FIXTURES / "bundles" / "minimal")
    fresh = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1))
    incumbent = incumbent_from_plan(fresh)
    first = next(sp for sp in fresh.shipments if sp.shipment_id == "SH00005")
    assert itinerary_key(first.legs) == ("CV9751-20261130",)
    incumbent["SH00005"] = ("CV9753-20261201",)
    again = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1, incumbent=incumbent))
    assert check_plan(scenario, again) == []
    for sp in again.shipments:
        assert sp.status is ShipmentPlanStatus.PLANNED
        assert sp.change is Change.KEPT, (sp.shipment_id, sp.change_reason)
        assert itinerary_key(sp.legs) == incumbent[sp.shipment_id]
    assert again.kpis is not None
    assert again.kpis.against_incumbent == {"kept": len(scenario.shipments)}
    assert plan_from_document(plan_to_document(again)) == again


def test_a_change_penalty_below_the_gain_lets_the_shipment_move() -> None:
    """With a change penalty of 1 CNY the 24 h faster flight outweighs keeping (balanced prices
    transit at 5 CNY/h): SH00005 changes, and says why."""
    scenario = read_bundle(FIXTURES / "bundles" / "minimal")
    incumbent = {"SH00005": ("CV9753-20261201",)}
    moved = plan(
        scenario,
        options=PlanOptions(time_limit_s=5, workers=1, incumbent=incumbent, change_penalty=1.0),
    )
    sp = next(p for p in moved.shipments if p.shipment_id == "SH00005")
    assert sp.change is Change.CHANGED and "change penalty" in sp.change_reason
    assert check_plan(scenario, moved) == []


def test_an_incumbent_whose_connection_the_forecast_misses_is_changed(
    connection: Scenario,
) -> None:
    """Without a forecast both shipments keep CV9751 then LH701 on 30 November; with CV9751
    forecast to land after LH701's cutoff, neither is offered that connection again: each is
    rebooked, on time, and the plan passes the checker given the forecast."""
    incumbent = {"SH00401": FIRST, "SH00402": FIRST}
    kept = plan(connection, options=PlanOptions(time_limit_s=5, workers=1, incumbent=incumbent))
    assert {sp.change for sp in kept.shipments} == {Change.KEPT}
    kpis = plan(connection, options=PlanOptions(time_limit_s=5, workers=1)).kpis
    assert kpis is not None and kpis.against_incumbent is None
    moved = plan(
        connection,
        options=PlanOptions(time_limit_s=5, workers=1, incumbent=incumbent, forecasts=LANDS_LATE),
    )
    assert check_plan(connection, moved, forecasts=LANDS_LATE) == []
    assert check_plan(connection, kept, forecasts=LANDS_LATE) != []
    for sp in moved.shipments:
        assert sp.status is ShipmentPlanStatus.PLANNED and sp.on_time
        assert itinerary_key(sp.legs) != FIRST
        assert sp.change is Change.CHANGED
        assert "LH701-20261130" in sp.change_reason and "cutoff" in sp.change_reason


def test_an_incumbent_booked_in_the_past_is_changed_with_its_reason(
    connection: Scenario,
) -> None:
    """Replanned after LH701's cutoff on 30 November, the incumbent cannot be booked again."""
    now = datetime.fromisoformat("2026-11-30T12:30:00+01:00")
    incumbent = {"SH00401": ("CV9751-20261130", "LH701-20261130")}
    result = plan(
        connection, options=PlanOptions(time_limit_s=5, workers=1, incumbent=incumbent, now=now)
    )
    assert check_plan(connection, result, now=now) == []
    sp = next(p for p in result.shipments if p.shipment_id == "SH00401")
    assert sp.change in (Change.CHANGED, Change.DROPPED)
    assert "can no longer be booked" in sp.change_reason


def test_a_negative_change_penalty_is_refused(connection: Scenario) -> None:
    """A change penalty below zero is refused, naming the option."""
    with pytest.raises(DomainError, match="change_penalty"):
        plan(
            connection,
            options=PlanOptions(time_limit_s=1, incumbent={"SH00401": FIRST}, change_penalty=-1.0),
        )
