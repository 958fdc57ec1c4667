"""The clock and the one evidence rule: ETAs never before now, DELAY past due, and when a
shipment counts as on a movement (own, confirmed, inferred)."""

from __future__ import annotations

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.tracking.eta import Basis, forecast
from logistics.tracking.evidence import Evidence, basis_text, leg_evidence, on_legs, strong_legs
from logistics.tracking.exception_rules import needs_replan, open_exceptions
from logistics.tracking.timeline import project
from tests.tracking.test_eta_and_exceptions import DATA, DUE, LEGS, SHIPMENT, TIMING, at, event


def run(events, now: str):  # type: ignore[no-untyped-def]
    """Project, find the evidence, forecast at `now` and derive exceptions, as the service does."""
    projection = project(events, LEGS)
    evidence = leg_evidence(
        SHIPMENT, projection.timeline, (*projection.planned, *projection.open_estimates)
    )
    expected = forecast(
        LEGS,
        projection.legs,
        timing=TIMING,
        cutoffs=DATA["cutoffs"],
        confirmed_legs=strong_legs(evidence),
        delivered_at=projection.delivered_at,
        now=at(now),
    )
    found = open_exceptions(
        due_at=DUE, legs=LEGS, projection=projection, forecast=expected, now=at(now)
    )
    return evidence, expected, found


def test_a_first_leg_not_reported_leaves_at_now_and_misses_the_flight() -> None:
    _, expected, found = run([], now="12-01T10:00")
    first = expected.legs[0]
    assert first.depart == at("12-01T10:00") and first.depart_basis is Basis.OVERDUE
    # handed over at CGO 12:00, after the flight's cutoff 11:00: the plan no longer holds
    assert expected.missed is not None and expected.missed.leg_index == 1
    assert expected.eta is None
    assert needs_replan(found)


def test_past_due_without_an_eta_opens_a_delay() -> None:
    _, expected, found = run([], now="12-03T00:00")
    assert expected.eta is None
    delay = [e for e in found if e.reason is ExceptionReason.DELAY]
    assert len(delay) == 1 and delay[0].since == DUE
    assert "past due" in delay[0].detail


def test_an_eta_is_never_before_now() -> None:
    departed = event(1, Milestone.DEPARTED, "12-01T14:10", location="CGO", service_id="CV101")
    for now in ("12-01T20:00", "12-02T12:00", "12-02T20:00"):
        _, expected, found = run([departed], now=now)
        assert expected.eta is not None and expected.eta >= at(now)
    # the flight was due 00:30 and is not reported landed at 12:00: it lands at 12:00 at the earliest
    _, expected, found = run([departed], now="12-02T12:00")
    flight = expected.legs[1]
    assert flight.depart_basis is Basis.ACTUAL and flight.arrive_basis is Basis.OVERDUE
    assert flight.arrive == at("12-02T12:00")
    assert expected.legs[0].depart_basis is Basis.PLANNED  # done: the flight carried it on
    # 12:00 + 2 h handling + 30 min loading + the 1 h drive = 15:30, before the due 18:00
    assert expected.eta == at("12-02T15:30")
    assert ExceptionReason.DELAY not in [e.reason for e in found]
    _, late, found = run([departed], now="12-02T17:00")
    assert late.eta == at("12-02T20:30")
    assert ExceptionReason.DELAY in [e.reason for e in found]


def test_a_late_pickup_counts_as_the_first_legs_departure() -> None:
    pickup = event(1, Milestone.PICKED_UP, "12-01T07:30", location="FXZ-1")
    _, expected, _ = run([pickup], now="12-01T07:45")
    first = expected.legs[0]
    assert first.depart == at("12-01T07:30") and first.depart_basis is Basis.ACTUAL
    assert first.arrive == at("12-01T09:00")  # the planned 90 min drive, from the real pickup


def test_evidence_levels() -> None:
    departed = event(1, Milestone.DEPARTED, "12-01T14:10", location="CGO", service_id="CV101")
    evidence, _, _ = run([departed], now="12-01T15:00")
    assert evidence == {1: Evidence.INFERRED}
    assert basis_text(evidence[1], Mode.AIR, "CV101") == "inferred from the flight CV101"
    booked = event(
        2,
        Milestone.BOOKED,
        "12-01T05:00",
        time_type=TimeType.PLANNED,
        shipment_id=SHIPMENT,
        service_id="CV101",
    )
    evidence, _, _ = run([departed, booked], now="12-01T15:00")
    assert evidence == {1: Evidence.CONFIRMED}
    own = event(3, Milestone.PICKED_UP, "12-01T06:40", location="FXZ-1")
    evidence, _, _ = run([departed, booked, own], now="12-01T15:00")
    assert evidence == {0: Evidence.OWN, 1: Evidence.CONFIRMED}
    assert basis_text(evidence[0], Mode.ROAD, None) is None
    offloaded = TrackingEvent(
        event_id="e4",
        source="test",
        milestone=Milestone.EXCEPTION,
        time_type=TimeType.ACTUAL,
        event_time=at("12-01T13:50"),
        shipment_id=SHIPMENT,
        service_id="CV101",
        location="CGO",
        reason=ExceptionReason.OFFLOADED,
    )
    evidence, _, _ = run([departed, offloaded], now="12-01T15:00")
    assert 1 not in evidence  # its own offload contradicts the flight's departure


def test_a_missed_connection_contradicts_an_inferred_leg() -> None:
    # the truck reached CGO only at 13:30, after the 11:00 cutoff; the flight left at 14:10
    arrived = event(1, Milestone.ARRIVED, "12-01T13:30", location="CGO", vehicle_id="TR-CGO-01")
    departed = event(2, Milestone.DEPARTED, "12-01T14:10", location="CGO", service_id="CV101")
    evidence, expected, found = run([arrived, departed], now="12-01T15:00")
    assert evidence == {0: Evidence.INFERRED, 1: Evidence.INFERRED}
    assert expected.missed is not None and expected.missed.leg_index == 1
    assert on_legs(evidence, expected.missed.leg_index) == frozenset({0})
    assert needs_replan(found)
    own = event(3, Milestone.DEPARTED, "12-01T14:10", location="CGO")
    evidence, expected, _ = run([arrived, departed, own], now="12-01T15:00")
    assert expected.missed is None  # the shipment itself reports it left on the flight
    assert on_legs(evidence, None) == frozenset({0, 1})
    assert expected.legs[1].depart == at("12-01T14:10")
    assert expected.legs[1].arrive >= at("12-01T15:00")
