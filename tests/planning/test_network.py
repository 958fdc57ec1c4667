"""The planning network's indexes: departures, hubs and depots in reach, forecasts, now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.planning.network import HUB_REACH_KM, REGION_KM, Network

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def minimal() -> Scenario:
    """The four-shipment Zhengzhou–Luxembourg bundle."""
    return read_bundle(FIXTURES / "bundles" / "minimal")


def test_departures_keep_the_cutoff_and_the_arrival_bound(minimal: Scenario) -> None:
    """Only services whose cutoff is still open and that arrive by the bound are offered."""
    net = Network(minimal, {})
    first, second = sorted(
        (s for s in minimal.services if s.origin == "CGO"), key=lambda s: s.departure
    )
    assert net.departures("CGO", first.cutoff, second.arrival, 4) == [first, second]
    after_first = first.cutoff + timedelta(minutes=1)
    assert net.departures("CGO", after_first, second.arrival, 4) == [second]
    assert net.departures("CGO", first.cutoff, first.arrival, 4) == [first]
    assert net.departures("CGO", first.cutoff, second.arrival, 1) == [first]  # one per lane


def test_depots_and_hubs_in_reach_are_within_their_radius(minimal: Scenario) -> None:
    """A customer near Zhengzhou is served by the airport zone's depot and reaches CGO."""
    net = Network(minimal, {})
    assert "ZAEZ" in net.depots_near("FXZ")
    assert minimal.road_distance_km("ZAEZ", "FXZ") <= REGION_KM
    assert "CGO" in net.hubs_near("FXZ", arriving=False)
    assert all(
        minimal.road_distance_km("FXZ", h) <= HUB_REACH_KM
        for h in net.hubs_near("FXZ", arriving=False)
    )


def test_a_forecast_arrival_later_than_scheduled_is_used(minimal: Scenario) -> None:
    """Tracking's later forecast replaces the scheduled arrival; an earlier one does not."""
    svc = minimal.services[0]
    late = Network(minimal, {}, forecasts={svc.id: svc.arrival + timedelta(hours=3)})
    early = Network(minimal, {}, forecasts={svc.id: svc.arrival - timedelta(hours=3)})
    assert late.arrival(svc) == svc.arrival + timedelta(hours=3)
    assert early.arrival(svc) == svc.arrival


def test_nothing_is_ready_before_now(minimal: Scenario) -> None:
    """A shipment is available from the later of its ready time and the network's now."""
    sh = minimal.shipments[0]
    assert Network(minimal, {}).ready(sh) == sh.ready_at
    later = sh.ready_at + timedelta(hours=5)
    assert Network(minimal, {}, now=later).ready(sh) == later


def test_a_truck_leg_arrives_after_the_drive_or_not_at_all(minimal: Scenario) -> None:
    """A leg some shift can drive starts no earlier than asked; a too-early deadline gives none."""
    net = Network(minimal, {})
    sh = minimal.shipments[0]
    leg = net.truck_leg(sh, sh.origin, "CGO", sh.ready_at, None)
    assert leg is not None and leg.is_truck
    assert leg.arrive - leg.depart == timedelta(minutes=net.truck_minutes(sh.origin, "CGO"))
    assert leg.arrive >= sh.ready_at + timedelta(minutes=net.truck_minutes(sh.origin, "CGO"))
    assert net.truck_leg(sh, sh.origin, "CGO", sh.ready_at, sh.ready_at) is None
