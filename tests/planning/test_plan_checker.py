"""The plan checker on plans the fuzzer's scenarios produced: one truck carrying two legs of one
shipment is matched leg by leg, in route order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from logistics.bundles.plan_json import read_plan_json
from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario
from logistics.planning.plan_checker import check_plan

FUZZ = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "fuzz"
TWO_LEGS = FUZZ / "six-hubs-long-lanes-100-s2"


def _loaded() -> tuple[Scenario, Plan]:
    return read_bundle(TWO_LEGS), read_plan_json(TWO_LEGS / "plan-one-truck-two-legs.json")


def test_one_truck_with_first_and_last_mile_of_a_shipment_is_clean() -> None:
    """SH-DEP-M19 carries FZ00031 to NJ-HUB and, after the line-haul, to its customer: clean."""
    scenario, plan = _loaded()
    sp = next(s for s in plan.shipments if s.shipment_id == "FZ00031")
    assert [leg.vehicle_id for leg in sp.legs if leg.vehicle_id] == ["SH-DEP-M19"] * 2
    assert check_plan(scenario, plan) == []


def test_a_shifted_second_leg_on_the_same_truck_is_still_caught() -> None:
    """Moving the last-mile leg of FZ00031 by an hour is a mismatch with that truck's stops."""
    scenario, plan = _loaded()
    sp = next(s for s in plan.shipments if s.shipment_id == "FZ00031")
    last = sp.legs[-1]
    moved = replace(
        last, depart=last.depart + timedelta(hours=1), arrive=last.arrive + timedelta(hours=1)
    )
    broken = replace(sp, legs=(*sp.legs[:-1], moved), delivered_at=moved.arrive)
    shipments = tuple(broken if s.shipment_id == "FZ00031" else s for s in plan.shipments)
    found = check_plan(scenario, replace(plan, shipments=shipments))
    assert [(v.code, v.subject) for v in found] == [("truck_leg_mismatch", "shipment FZ00031")]


def test_a_leg_the_truck_does_not_carry_twice_is_caught() -> None:
    """Naming SH-DEP-M19 for a third leg of FZ00031 reports that the truck carries it on fewer."""
    scenario, plan = _loaded()
    sp = next(s for s in plan.shipments if s.shipment_id == "FZ00031")
    service = next(leg for leg in sp.legs if leg.service_id)
    as_truck = replace(service, service_id=None, vehicle_id="SH-DEP-M19")
    broken = replace(sp, legs=tuple(as_truck if leg is service else leg for leg in sp.legs))
    shipments = tuple(broken if s.shipment_id == "FZ00031" else s for s in plan.shipments)
    found = check_plan(scenario, replace(plan, shipments=shipments))
    assert any(
        v.code == "truck_leg_not_routed" and "more than 2 leg(s)" in v.message for v in found
    )
