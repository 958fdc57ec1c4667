"""Stage B's split: each subproblem is offered a bounded number of shifts, never shared, and a
plan under a tight bound stays checker-clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario, ShipmentPlanStatus
from logistics.planning import truck_waves
from logistics.planning.itinerary_search import search
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.truck_legs import TruckLeg, truck_legs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def reference() -> Scenario:
    """The reference bundle (Zhengzhou network: 253 shifts, 180 shipments)."""
    return read_bundle(FIXTURES / "zhengzhou")


@pytest.fixture(scope="module")
def legs(reference: Scenario) -> list[TruckLeg]:
    """The truck legs of every reference shipment's best itinerary."""
    net = Network(reference, {})
    preset = objective_named("balanced")
    best = {}
    for sh in reference.shipments:
        found = search(net, sh, preset, k=1)[0]
        if found:
            best[sh.id] = found[0]
    return truck_legs(reference, best)


@pytest.fixture
def tight(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bound far below the reference's waves (4 shifts a subproblem)."""
    monkeypatch.setattr(truck_waves, "MAX_VEHICLES", 4)


@pytest.mark.usefixtures("tight")
def test_subproblems_never_exceed_the_vehicle_bound(
    reference: Scenario, legs: list[TruckLeg]
) -> None:
    """Every subproblem has at most the bound's shifts, each shift is offered to one subproblem,
    every leg is in exactly one, and the bound did cut shifts (not all of a wave offered)."""
    subs = truck_waves.subproblems(reference, Network(reference, {}), legs)
    assert all(len(s.vehicles) <= truck_waves.vehicle_bound() for s in subs)
    offered = [v.id for s in subs for v in s.vehicles]
    assert len(offered) == len(set(offered))
    assert sorted(leg.request_id for s in subs for leg in s.legs) == sorted(
        leg.request_id for leg in legs
    )
    assert all(v.depot in s.depots for s in subs for v in s.vehicles)
    assert len(offered) < len(reference.vehicles) // 2


@pytest.mark.usefixtures("tight")
def test_every_leg_is_offered_a_shift_that_can_carry_it(
    reference: Scenario, legs: list[TruckLeg]
) -> None:
    """Under a tight bound a leg that some shift of its depots can carry (size, capabilities,
    hours overlapping its window) is still offered at least one shift of its size."""
    subs = truck_waves.subproblems(reference, Network(reference, {}), legs)
    for s in subs:
        for leg in s.legs:
            sh = leg.shipment
            suits = [
                v
                for v in reference.vehicles
                if v.depot in s.depots
                and sh.fits(v.capabilities)
                and sh.weight_kg <= v.capacity_kg
                and sh.volume_m3 <= v.capacity_m3
                and v.available_from <= leg.latest_drop
                and v.available_until >= leg.earliest
            ]
            if suits:
                assert any(
                    sh.fits(v.capabilities)
                    and sh.weight_kg <= v.capacity_kg
                    and sh.volume_m3 <= v.capacity_m3
                    for v in s.vehicles
                ), leg.request_id


@pytest.mark.usefixtures("tight")
def test_a_plan_under_a_tight_vehicle_bound_is_checker_clean(reference: Scenario) -> None:
    """The reference planned with a bound of 4 shifts a subproblem: the product's
    checker finds nothing, and shipments are planned (shifts not offered stay free for the
    repair rounds)."""
    factors = read_emission_factors(FIXTURES / "emission_factors.csv")
    result = plan(reference, options=PlanOptions(time_limit_s=30, workers=1), factors=factors)
    assert check_plan(reference, result) == []
    planned = sum(sp.status is ShipmentPlanStatus.PLANNED for sp in result.shipments)
    assert planned > len(reference.shipments) // 2
