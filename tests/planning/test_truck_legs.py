"""Truck legs of chosen itineraries: windows, and the request-id map back to shipment and leg."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.truck_legs import (
    TruckLeg,
    TruckLegRef,
    itinerary_refs,
    request_map,
    shipments_of,
    truck_legs,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def minimal() -> Scenario:
    """The minimal bundle."""
    return read_bundle(FIXTURES / "bundles" / "minimal")


@pytest.fixture(scope="module")
def legs(minimal: Scenario) -> list[TruckLeg]:
    """The truck legs of every minimal shipment's best itinerary."""
    net = Network(minimal, {})
    preset = objective_named("balanced")
    best = {sh.id: search(net, sh, preset, k=1)[0][0] for sh in minimal.shipments}
    return truck_legs(minimal, best)


def test_every_request_id_maps_back_to_its_shipment_and_leg(legs: list[TruckLeg]) -> None:
    """The map built once answers which shipment and itinerary leg each request is."""
    requests = request_map(legs)
    assert len(requests) == len(legs)  # request ids are unique
    for leg in legs:
        assert requests[leg.request_id] == TruckLegRef(leg.shipment.id, leg.leg_index)
        assert requests[leg.request_id].request_id == leg.request_id
    assert shipments_of(requests, requests) == {leg.shipment.id for leg in legs}
    assert shipments_of(requests, ()) == set()


def test_a_shipment_id_with_a_hash_is_not_split(minimal: Scenario, legs: list[TruckLeg]) -> None:
    """The shipment comes from the map, never from parsing the id: `A#B` stays whole."""
    ref = TruckLegRef("A#B", 2)
    assert shipments_of({ref.request_id: ref}, [ref.request_id]) == {"A#B"}


def test_windows_are_open_from_ready_and_close_by_the_next_cutoff_or_due(
    minimal: Scenario, legs: list[TruckLeg]
) -> None:
    """A first leg opens at the ready time; every leg's drop closes no earlier than it opens."""
    assert legs
    for leg in legs:
        if leg.leg_index == 0:
            assert leg.earliest == leg.shipment.ready_at
        assert leg.earliest <= leg.latest_drop


def test_an_itinerarys_refs_are_its_truck_legs_request_ids(minimal: Scenario) -> None:
    """The refs derived from itineraries alone are those of the truck legs routing gets."""
    net = Network(minimal, {})
    preset = objective_named("balanced")
    best = {sh.id: search(net, sh, preset, k=1)[0][0] for sh in minimal.shipments}
    assert itinerary_refs(best) == request_map(truck_legs(minimal, best))
