"""Plans around earlier bookings: held service room, trucks free after their booked legs, and
shipments planned onward from their legs under way."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Plan, Scenario, ShipmentPlanStatus
from logistics.planning.commitments import BookedLeg, committed
from logistics.planning.multimodal import plan
from logistics.planning.plan_checker import check_plan
from logistics.planning.plan_options import PlanOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def minimal() -> Scenario:
    """The minimal bundle."""
    return read_bundle(FIXTURES / "bundles" / "minimal")


@pytest.fixture(scope="module")
def accepted(minimal: Scenario) -> Plan:
    """A plan for the minimal bundle, as if accepted."""
    return plan(minimal, options=PlanOptions(time_limit_s=3, workers=1))


def booked(scenario: Scenario, p: Plan, started: dict[str, int] | None = None) -> list[BookedLeg]:
    """The plan's legs as bookings; `started` says how many leading legs of a shipment departed."""
    out = []
    for sp in p.shipments:
        sh = scenario.shipment_by_id[sp.shipment_id]
        for i, leg in enumerate(sp.legs):
            out.append(
                BookedLeg(
                    sh.id,
                    i,
                    leg.from_location,
                    leg.to_location,
                    sh.weight_kg,
                    sh.volume_m3,
                    leg.depart,
                    leg.arrive,
                    service_id=leg.service_id,
                    vehicle_id=leg.vehicle_id,
                    started=i < (started or {}).get(sh.id, 0),
                )
            )
    return out


def test_other_shipments_keep_their_room_and_their_trucks(
    minimal: Scenario, accepted: Plan
) -> None:
    """Planning only SH00001: the others' loads come off the services' capacity, and each truck
    they ride is offered only for a spell clear of their booked legs (depot to depot)."""
    only = replace(minimal, shipments=(minimal.shipment_by_id["SH00001"],))
    fitted = committed(only, booked(minimal, accepted))
    assert [sh.id for sh in fitted.scenario.shipments] == ["SH00001"]
    others = [sp for sp in accepted.shipments if sp.shipment_id != "SH00001"]
    for service in minimal.services:
        load = sum(
            minimal.shipment_by_id[sp.shipment_id].weight_kg
            for sp in others
            for leg in sp.legs
            if leg.service_id == service.id
        )
        left = fitted.scenario.service_by_id[service.id].capacity_kg
        assert left == pytest.approx(service.capacity_kg - load)
    trucks = [leg for sp in others for leg in sp.legs if leg.vehicle_id]
    assert trucks
    for leg in trucks:
        if leg.vehicle_id in fitted.scenario.vehicle_by_id:
            v = fitted.scenario.vehicle_by_id[leg.vehicle_id]
            assert v.available_until < leg.depart or v.available_from > leg.arrive
    assert fitted.kept_legs == {} and fitted.under_way == ()


def test_a_shipment_under_way_is_planned_onward_from_its_leg_in_progress(
    minimal: Scenario, accepted: Plan
) -> None:
    """SH00001's first truck leg has departed: it keeps that leg and is planned from where it
    arrives, once unloaded; the new plan passes the checker on the fitted scenario."""
    first = next(sp for sp in accepted.shipments if sp.shipment_id == "SH00001").legs[0]
    fitted = committed(minimal, booked(minimal, accepted, {"SH00001": 1}))
    onward = fitted.scenario.shipment_by_id["SH00001"]
    unload = minimal.location_by_id[first.to_location].service_minutes
    assert onward.origin == first.to_location
    assert onward.ready_at == first.arrive + timedelta(minutes=unload)
    assert fitted.kept_legs == {"SH00001": 1}
    again = plan(fitted.scenario, options=PlanOptions(time_limit_s=3, workers=1))
    assert check_plan(fitted.scenario, again) == []
    sp = next(s for s in again.shipments if s.shipment_id == "SH00001")
    assert sp.status is ShipmentPlanStatus.PLANNED
    assert sp.legs[0].from_location == first.to_location and sp.legs[0].depart >= onward.ready_at


def test_a_shipment_under_way_to_the_end_is_not_planned_again(
    minimal: Scenario, accepted: Plan
) -> None:
    """Every leg of SH00002 has departed: nothing is left to plan, and it says so."""
    legs = len(next(sp for sp in accepted.shipments if sp.shipment_id == "SH00002").legs)
    fitted = committed(minimal, booked(minimal, accepted, {"SH00002": legs}))
    assert fitted.under_way == ("SH00002",)
    assert "SH00002" not in fitted.scenario.shipment_by_id
    assert any("under way to the end" in note for note in fitted.notes)


def test_a_service_booked_full_is_left_out(minimal: Scenario) -> None:
    """Bookings that fill a freighter leave no room on it: it is not offered to the plan."""
    flight = minimal.services[0]
    full = BookedLeg(
        "SH00005",
        1,
        flight.origin,
        flight.destination,
        flight.capacity_kg,
        flight.capacity_m3,
        flight.departure,
        flight.arrival,
        service_id=flight.id,
    )
    others = tuple(sh for sh in minimal.shipments if sh.id != "SH00005")
    fitted = committed(replace(minimal, shipments=others), [full])
    assert flight.id not in fitted.scenario.service_by_id
    assert len(fitted.scenario.services) == len(minimal.services) - 1


def test_a_shipment_ready_at_its_hub_after_its_due_time_is_reported_not_replanned(
    minimal: Scenario, accepted: Plan
) -> None:
    """SH00001's first truck leg is expected at the hub after its due time: it cannot be planned
    onward (no valid shipment is ready after it is due), so it is named for the coordinator."""
    legs = booked(minimal, accepted, {"SH00001": 1})
    due = minimal.shipment_by_id["SH00001"].due_at
    legs = [
        replace(leg, expected_arrive=due + timedelta(hours=1))
        if (leg.shipment_id, leg.leg_index) == ("SH00001", 0)
        else leg
        for leg in legs
    ]
    fitted = committed(minimal, legs)
    assert fitted.stranded == ("SH00001",) and fitted.under_way == ()
    assert "SH00001" not in fitted.scenario.shipment_by_id
    assert any("SH00001" in note for note in fitted.notes)
