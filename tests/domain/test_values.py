"""Domain values validate themselves on construction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from logistics.domain import (
    Leg,
    Location,
    LocationKind,
    Milestone,
    Mode,
    Principal,
    Role,
    Scenario,
    Service,
    Shipment,
    ShipmentPlan,
    ShipmentPlanStatus,
    TimeType,
    TrackingEvent,
    Vehicle,
)
from logistics.domain.geo import air_km, great_circle_km, road_km
from logistics.errors import DomainError

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=CST)


def cgo() -> Location:
    """The CGO airport."""
    return Location(
        "CGO", "Zhengzhou CGO", LocationKind.AIRPORT, 34.5197, 113.8409, "Asia/Shanghai"
    )


def lux() -> Location:
    """Luxembourg Findel."""
    return Location("LUX", "Luxembourg", LocationKind.AIRPORT, 49.6233, 6.2044, "Europe/Luxembourg")


def flight() -> Service:
    """A CGO-LUX freighter."""
    return Service(
        "S01",
        Mode.AIR,
        "CV",
        "CGO",
        "LUX",
        T0,
        T0 + timedelta(hours=11, minutes=30),
        300,
        110_000,
        690,
        26.0,
        frozenset({"dg"}),
    )


def shipment() -> Shipment:
    """A 420 kg air shipment."""
    return Shipment(
        "SH1", "SHP-A", "CGO", "LUX", 420, 2.5, 3, T0 - timedelta(days=1), T0 + timedelta(days=3)
    )


def test_location_rejects_unknown_time_zone() -> None:
    """A location with an unknown IANA zone is refused."""
    with pytest.raises(DomainError, match="time zone"):
        replace(cgo(), timezone="Mars/Olympus")


def test_location_rejects_latitude_out_of_range() -> None:
    """Latitude beyond ±90 is refused."""
    with pytest.raises(DomainError, match="lat"):
        replace(cgo(), lat=91.0)


def test_service_cutoff_is_departure_minus_cutoff_minutes() -> None:
    """The cutoff is the departure minus cutoff_minutes."""
    assert flight().cutoff == T0 - timedelta(minutes=300)


def test_service_rejects_arrival_before_departure() -> None:
    """A service cannot arrive before it departs."""
    with pytest.raises(DomainError, match="arrival"):
        replace(flight(), arrival=T0 - timedelta(hours=1))


def test_naive_datetimes_are_refused() -> None:
    """Times without a UTC offset are refused."""
    with pytest.raises(DomainError, match="aware"):
        replace(flight(), departure=datetime(2026, 11, 30, 8, 0))


def test_shipment_rejects_non_positive_weight_and_due_before_ready() -> None:
    """Weight must be positive and due after ready."""
    with pytest.raises(DomainError, match="weight_kg"):
        replace(shipment(), weight_kg=0)
    with pytest.raises(DomainError, match="due_at"):
        replace(shipment(), due_at=shipment().ready_at)


def test_requirements_must_be_subset_of_capabilities() -> None:
    """A dg shipment fits a dg-capable service and not a plain one."""
    dg = replace(shipment(), requirements=frozenset({"dg"}))
    assert dg.fits(flight().capabilities)
    assert not dg.fits(frozenset({"reefer"}))


def test_vehicle_shift_must_end_after_it_starts() -> None:
    """available_until must follow available_from."""
    with pytest.raises(DomainError, match="available_until"):
        Vehicle("TR1", "ZZT", "CGO", 1800, 16, T0, T0, 60, 2.8, 50, 200)


def test_scenario_rejects_unknown_location_references() -> None:
    """A scenario refuses a shipment whose origin is not a known location."""
    with pytest.raises(DomainError, match="unknown location"):
        Scenario(locations=(cgo(),), shipments=(shipment(),))


def test_scenario_rejects_duplicate_ids() -> None:
    """Two locations with one id are refused."""
    with pytest.raises(DomainError, match="duplicate"):
        Scenario(locations=(cgo(), cgo()))


def test_road_model_is_great_circle_times_circuity_and_air_adds_95_km() -> None:
    """Road = great circle x 1.3; air emission distance = great circle + 95 km."""
    gc = great_circle_km(34.5197, 113.8409, 49.6233, 6.2044)
    assert 8200 < gc < 8330  # REFERENCE-NETWORK gives 8,266 km for CGO-LUX
    assert road_km(34.5197, 113.8409, 49.6233, 6.2044) == pytest.approx(gc * 1.3)
    assert air_km(34.5197, 113.8409, 49.6233, 6.2044) == pytest.approx(gc + 95)
    scenario = Scenario(locations=(cgo(), lux()))
    assert scenario.road_distance_km("CGO", "LUX") == pytest.approx(gc * 1.3)
    assert scenario.road_duration_minutes("CGO", "LUX", 60) == pytest.approx(gc * 1.3)


def test_planned_shipment_needs_joined_legs() -> None:
    """Legs of a planned shipment must join up."""
    leg1 = Leg(Mode.ROAD, "A", "B", T0, T0 + timedelta(hours=1), vehicle_id="TR1")
    leg2 = Leg(
        Mode.AIR, "C", "D", T0 + timedelta(hours=2), T0 + timedelta(hours=3), service_id="S1"
    )
    with pytest.raises(DomainError, match="join"):
        ShipmentPlan("SH1", ShipmentPlanStatus.PLANNED, T0, legs=(leg1, leg2), delivered_at=T0)


def test_late_minutes_and_on_time() -> None:
    """late_minutes counts minutes after due; on_time is delivered <= due."""
    leg = Leg(Mode.ROAD, "A", "B", T0, T0 + timedelta(hours=1), vehicle_id="TR1")
    late = ShipmentPlan(
        "SH1", ShipmentPlanStatus.PLANNED, T0, legs=(leg,), delivered_at=T0 + timedelta(minutes=90)
    )
    assert late.late_minutes == 90 and not late.on_time


def test_shipper_principal_sees_only_its_shipper() -> None:
    """A shipper key carries its shipper id and sees only that shipper."""
    p = Principal("k1", Role.SHIPPER, "SHP-A")
    assert p.may_see_shipper("SHP-A") and not p.may_see_shipper("SHP-B")
    assert Principal("k2", Role.COORDINATOR).may_see_shipper("SHP-B")
    with pytest.raises(DomainError):
        Principal("k3", Role.SHIPPER)


def test_exception_event_needs_reason() -> None:
    """An EXCEPTION milestone without a reason is refused."""
    with pytest.raises(DomainError, match="reason"):
        TrackingEvent(
            "e1", "fsu", Milestone.EXCEPTION, TimeType.ACTUAL, datetime.now(UTC), shipment_id="SH1"
        )


def test_milestones_are_in_journey_order() -> None:
    """Milestone rank follows the journey."""
    assert Milestone.BOOKED.rank < Milestone.DEPARTED.rank < Milestone.DELIVERED.rank
