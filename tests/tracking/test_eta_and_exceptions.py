"""ETA propagation and the automatic exception rules, on a truck -> flight -> truck itinerary."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.tracking.eta import Basis, Forecast, StopTiming, forecast
from logistics.tracking.exception_rules import OpenException, needs_replan, open_exceptions
from logistics.tracking.legs import PlannedLeg
from logistics.tracking.timeline import Projection, project

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "tracking" / "eta" / "itinerary.json"
DATA: dict[str, Any] = json.loads(FIXTURE.read_text())
LEGS = [
    PlannedLeg(
        leg["leg_index"],
        Mode(leg["mode"]),
        leg["from_location"],
        leg["to_location"],
        datetime.fromisoformat(leg["planned_depart"]),
        datetime.fromisoformat(leg["planned_arrive"]),
        leg.get("service_id"),
        leg.get("vehicle_id"),
    )
    for leg in DATA["legs"]
]
TIMING = {k: StopTiming(**v) for k, v in DATA["timing"].items()}
DUE = datetime.fromisoformat(DATA["due_at"])
SHIPMENT = "SH-1"


def at(text: str) -> datetime:
    """A UTC instant from `MM-DDTHH:MM` in December 2026."""
    return datetime.fromisoformat(f"2026-{text}:00+00:00")


def event(
    n: int,
    milestone: Milestone,
    when: str,
    *,
    time_type: TimeType = TimeType.ACTUAL,
    location: str | None = None,
    **subject: Any,
) -> TrackingEvent:
    """An event; the subject is the shipment unless service_id or vehicle_id is given."""
    if not subject:
        subject = {"shipment_id": SHIPMENT}
    return TrackingEvent(
        event_id=f"e{n}",
        source="test",
        milestone=milestone,
        time_type=time_type,
        event_time=at(when),
        location=location,
        received_at=at(when) + timedelta(minutes=1),
        **subject,
    )


def run(
    events: list[TrackingEvent],
    now: str = "12-01T07:00",
    positions: Mapping[str, datetime] | None = None,
) -> tuple[Projection, Forecast, tuple[OpenException, ...]]:
    """Project, forecast and derive exceptions the way the tracking service does."""
    projection = project(events, LEGS)
    confirmed = {
        t.leg_index
        for t in projection.timeline
        if t.leg_index is not None and t.event.shipment_id == SHIPMENT
    }
    expected = forecast(
        LEGS,
        projection.legs,
        timing=TIMING,
        cutoffs=DATA["cutoffs"],
        confirmed_legs=confirmed,
        delivered_at=projection.delivered_at,
    )
    found = open_exceptions(
        due_at=DUE,
        legs=LEGS,
        projection=projection,
        forecast=expected,
        now=at(now),
        last_positions=positions or {},
    )
    return projection, expected, found


def reasons(found: tuple[OpenException, ...]) -> list[ExceptionReason]:
    return [e.reason for e in found]


def test_without_events_the_eta_is_the_plan() -> None:
    _, expected, found = run([])
    assert expected.eta == LEGS[-1].planned_arrive
    assert [leg.arrive_basis for leg in expected.legs] == [Basis.PLANNED] * 3
    assert expected.missed is None
    assert found == ()


def test_a_late_flight_estimate_propagates_through_the_delivery_truck() -> None:
    events = [
        event(
            1,
            Milestone.DEPARTED,
            "12-01T20:00",
            time_type=TimeType.ESTIMATED,
            location="CGO",
            service_id="CV101",
        ),
    ]
    _, expected, found = run(events)
    flight, truck = expected.legs[1], expected.legs[2]
    assert flight.depart == at("12-01T20:00") and flight.depart_basis is Basis.ESTIMATED
    assert flight.arrive == at("12-01T20:00") + (LEGS[1].planned_arrive - LEGS[1].planned_depart)
    # available at LUX 2 h after arrival, loaded in 30 min, then the planned 1 h drive
    assert truck.depart == flight.arrive + timedelta(minutes=150)
    assert truck.depart_basis is Basis.PROPAGATED
    assert expected.eta == truck.depart + timedelta(hours=1)
    assert expected.eta is not None and expected.eta < DUE
    assert found == ()


def test_a_late_enough_flight_opens_a_delay_and_an_actual_closes_the_estimate() -> None:
    late = event(
        1,
        Milestone.DEPARTED,
        "12-02T06:00",
        time_type=TimeType.ESTIMATED,
        location="CGO",
        service_id="CV101",
    )
    _, expected, found = run([late])
    assert expected.eta is not None and expected.eta > DUE
    assert reasons(found) == [ExceptionReason.DELAY]
    assert not needs_replan(found)
    on_time = event(2, Milestone.DEPARTED, "12-01T14:05", location="CGO", service_id="CV101")
    _, expected, found = run([late, on_time], now="12-01T15:00")
    assert expected.legs[1].depart_basis is Basis.ACTUAL
    assert expected.eta is not None and expected.eta < DUE
    assert found == ()


def test_a_late_first_truck_misses_the_flight_and_needs_a_replan() -> None:
    events = [
        event(1, Milestone.PICKED_UP, "12-01T10:30", location="FXZ-1"),
        event(2, Milestone.DEPARTED, "12-01T10:30", location="FXZ-1", vehicle_id="TR-CGO-01"),
    ]
    _, expected, found = run(events, now="12-01T10:45")
    assert expected.missed is not None
    assert expected.missed.leg_index == 1 and expected.missed.hub == "CGO"
    assert expected.missed.available_at == at("12-01T12:30")  # arrive 12:00 + 30 min unloading
    assert expected.eta is None
    assert reasons(found) == [ExceptionReason.MISSED_CONNECTION]
    assert needs_replan(found)


def test_the_flight_leaving_without_the_shipment_is_a_missed_connection() -> None:
    events = [
        event(1, Milestone.ARRIVED, "12-01T13:00", location="CGO", vehicle_id="TR-CGO-01"),
        event(2, Milestone.DEPARTED, "12-01T14:00", location="CGO", service_id="CV101"),
    ]
    _, expected, found = run(events, now="12-01T14:30")
    assert expected.missed is not None and expected.missed.leg_index == 1
    assert ExceptionReason.MISSED_CONNECTION in reasons(found)


def test_a_shipment_level_departure_proves_it_made_the_connection() -> None:
    events = [
        event(1, Milestone.ARRIVED, "12-01T13:00", location="CGO", vehicle_id="TR-CGO-01"),
        event(2, Milestone.DEPARTED, "12-01T14:00", location="CGO"),  # the AWB's own FSU DEP
    ]
    _, expected, found = run(events, now="12-01T14:30")
    assert expected.missed is None
    assert found == ()


def test_dwell_at_the_hub_beyond_the_grace_is_an_exception() -> None:
    arrived = [event(1, Milestone.ARRIVED, "12-01T08:00", location="CGO", vehicle_id="TR-CGO-01")]
    assert run(arrived, now="12-01T19:59")[2] == ()
    found = run(arrived, now="12-01T20:01")[2]
    assert reasons(found) == [ExceptionReason.DWELL_EXCEEDED]
    assert found[0].location == "CGO" and found[0].leg_index == 1
    departed = [
        *arrived,
        event(2, Milestone.DEPARTED, "12-01T20:30", location="CGO", service_id="CV101"),
    ]
    assert ExceptionReason.DWELL_EXCEEDED not in reasons(run(departed, now="12-01T21:00")[2])


def test_a_silent_truck_under_way_loses_tracking() -> None:
    departed = [
        event(1, Milestone.DEPARTED, "12-01T06:30", location="FXZ-1", vehicle_id="TR-CGO-01")
    ]
    silent = {"TR-CGO-01": at("12-01T06:40")}
    found = run(departed, now="12-01T07:41", positions=silent)[2]
    assert reasons(found) == [ExceptionReason.TRACKING_LOST]
    assert run(departed, now="12-01T07:39", positions=silent)[2] == ()
    assert run(departed, now="12-01T09:00", positions={})[2] == ()  # no GPS on that truck at all


def test_a_reported_offload_is_open_until_the_shipment_moves_again() -> None:
    offload = TrackingEvent(
        event_id="dis",
        source="fsu",
        milestone=Milestone.EXCEPTION,
        time_type=TimeType.ACTUAL,
        event_time=at("12-01T14:10"),
        shipment_id=SHIPMENT,
        location="CGO",
        reason=ExceptionReason.OFFLOADED,
        source_code="DIS",
    )
    found = run([offload], now="12-01T14:20")[2]
    assert reasons(found) == [ExceptionReason.OFFLOADED]
    assert found[0].origin == "reported" and needs_replan(found)
    moved = event(2, Milestone.DEPARTED, "12-01T16:00", location="CGO")
    assert run([offload, moved], now="12-01T16:30")[2] == ()


def test_delivery_closes_the_derived_exceptions_and_fixes_the_eta() -> None:
    events = [
        event(
            1,
            Milestone.DEPARTED,
            "12-02T06:00",
            time_type=TimeType.ESTIMATED,
            location="CGO",
            service_id="CV101",
        ),
        event(2, Milestone.DELIVERED, "12-02T19:00", location="LU-1"),
    ]
    projection, expected, found = run(events, now="12-02T20:00")
    assert projection.delivered_at == at("12-02T19:00")
    assert expected.eta == at("12-02T19:00")
    assert found == ()


@pytest.mark.parametrize("seed", range(5))
def test_eta_and_exceptions_do_not_depend_on_arrival_order(seed: int) -> None:
    import random

    events = [
        event(1, Milestone.PICKED_UP, "12-01T06:20", location="FXZ-1"),
        event(2, Milestone.DEPARTED, "12-01T06:35", location="FXZ-1", vehicle_id="TR-CGO-01"),
        event(3, Milestone.ARRIVED, "12-01T08:10", location="CGO", vehicle_id="TR-CGO-01"),
        event(
            4,
            Milestone.DEPARTED,
            "12-01T18:00",
            time_type=TimeType.ESTIMATED,
            location="CGO",
            service_id="CV101",
        ),
    ]
    clean = run(events, now="12-01T12:00")
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)
    again = run(shuffled + shuffled[:2], now="12-01T12:00")  # duplicates too
    assert again[1] == clean[1] and again[2] == clean[2]
