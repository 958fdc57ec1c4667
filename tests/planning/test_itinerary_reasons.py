"""Itineraries the search once missed (direct long-haul, dg-capable shifts) and binding reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, ShipmentPlan, ShipmentPlanStatus, UnplannedReason
from logistics.planning.itinerary_search import search
from logistics.planning.multimodal import plan
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LONG_HAUL = "ZAEZ-LH-1201"


@pytest.fixture(scope="module")
def lane() -> Scenario:
    """The Zhengzhou–Shanghai long-haul bundle."""
    return read_bundle(FIXTURES / "bundles" / "long-haul")


def _with_shift(scenario: Scenario, **changes: object) -> Scenario:
    v = scenario.vehicle_by_id[LONG_HAUL]
    changed = replace(v, **changes)  # type: ignore[arg-type]
    return replace(
        scenario, vehicles=tuple(changed if x.id == v.id else x for x in scenario.vehicles)
    )


def _sp(result: Plan, sid: str) -> ShipmentPlan:
    return next(sp for sp in result.shipments if sp.shipment_id == sid)


def test_a_direct_long_haul_truck_is_among_the_itineraries(lane: Scenario) -> None:
    """A 990 km road lane: the search offers the direct truck (no distance cap hides it)."""
    net = Network(lane, {})
    sh = lane.shipment_by_id["SH00302"]
    found, _, _ = search(net, sh, objective_named("balanced"), k=10)
    assert any(len(it.segments) == 1 and it.segments[0].is_truck for it in found)
    assert lane.road_distance_km(sh.origin, sh.destination) > 900


def test_a_dg_shipment_goes_directly_on_a_dg_capable_long_haul_shift(lane: Scenario) -> None:
    """No service takes dg; the dg-capable 48 h shift carries SH00301 door to door, on time."""
    result = plan(lane, options=PlanOptions(time_limit_s=5, workers=1))
    assert check_plan(lane, result) == []
    sp = _sp(result, "SH00301")
    assert sp.status is ShipmentPlanStatus.PLANNED and sp.on_time
    assert all(leg.vehicle_id for leg in sp.legs)
    for leg in sp.legs:
        assert leg.vehicle_id is not None
        assert "dg" in lane.vehicle_by_id[leg.vehicle_id].capabilities


def test_a_dg_shift_from_a_depot_beyond_the_region_still_serves(lane: Scenario) -> None:
    """The dg long-haul shift moved to Xuzhou, 430 km away, while the near depot has no dg
    shift: the dg shipment still goes directly on it, and the plan is clean."""
    far = _with_shift(lane, depot="XZD")
    assert far.road_distance_km("XZD", "ZZC") > 250
    result = plan(far, options=PlanOptions(time_limit_s=5, workers=1))
    assert check_plan(far, result) == []
    sp = _sp(result, "SH00301")
    assert sp.status is ShipmentPlanStatus.PLANNED and sp.on_time
    assert {leg.vehicle_id for leg in sp.legs} == {LONG_HAUL}


def test_requirements_are_blamed_only_when_no_service_or_shift_has_them(lane: Scenario) -> None:
    """Without the shift's dg capability nothing accepts dg, and the reason says so, naming the
    flight that lacks it; with dg but a shift too short for the lane, the reason says the
    dg-capable shift cannot drive the lane and back in its hours instead."""
    no_dg = _with_shift(lane, capabilities=frozenset())
    sp = _sp(plan(no_dg, options=PlanOptions(time_limit_s=5, workers=1)), "SH00301")
    assert sp.reason is UnplannedReason.REQUIREMENTS
    assert "no service or truck accepts requirements ['dg']" in sp.detail
    assert "CK251-20261201" in sp.detail and "no truck shift has them" in sp.detail
    v = lane.vehicle_by_id[LONG_HAUL]
    short = _with_shift(lane, available_until=v.available_from + timedelta(hours=20))
    sp = _sp(plan(short, options=PlanOptions(time_limit_s=5, workers=1)), "SH00301")
    assert sp.status is ShipmentPlanStatus.UNPLANNED
    assert "no service or truck accepts" not in sp.detail
    assert LONG_HAUL in sp.detail and "990 km" in sp.detail


def test_every_rejected_alternative_states_its_binding_fact() -> None:
    """On the on-time-first bundle each shown alternative has a reason: the lateness it would
    cause, the capacity it lacks (service, kg / m3 left, who holds it), or its measure."""
    scenario = read_bundle(FIXTURES / "bundles" / "on-time-first")
    result = plan(scenario, options=PlanOptions(time_limit_s=5, workers=1, objective="cheapest"))
    shown = [sp for sp in result.shipments if sp.alternative is not None]
    assert shown
    for sp in shown:
        alt = sp.alternative
        assert alt is not None and alt.reason, sp.shipment_id
        if alt.delta_cost < 0 or alt.delta_transit_minutes < 0:
            assert any(
                word in alt.reason for word in ("after due", "left of", "scores", "truck shift")
            ), alt.reason
    late = _sp(result, "SH00201").alternative
    assert late is not None and "after due" in late.reason
    full = _sp(result, "SH00202").alternative
    assert full is not None and "CV9751-20261130 has" in full.reason and "SH00201" in full.reason


def test_a_shipment_crowded_out_names_the_service_and_who_holds_it() -> None:
    """Two shipments that only fit one freighter together with room for one: the one left out
    names the service, the room left and the shipment that holds it."""
    scenario = read_bundle(FIXTURES / "bundles" / "on-time-first")
    late_one = scenario.services[1]
    tight = replace(
        scenario,
        services=(scenario.services[0],),
        shipments=tuple(sh for sh in scenario.shipments if sh.origin == "CGO"),
    )
    assert late_one.id not in tight.service_by_id
    result = plan(tight, options=PlanOptions(time_limit_s=5, workers=1))
    assert check_plan(tight, result) == []
    out = [sp for sp in result.shipments if sp.status is ShipmentPlanStatus.UNPLANNED]
    assert len(out) == 1
    sp = out[0]
    held = next(p.shipment_id for p in result.shipments if p.status is ShipmentPlanStatus.PLANNED)
    assert sp.reason is UnplannedReason.CAPACITY
    assert "CV9751-20261130 has 500 kg" in sp.detail and held in sp.detail
