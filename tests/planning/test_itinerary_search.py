"""Itinerary search: truck estimates use the routing model's times (no service at the depot);
far depots and far hubs are tried when nothing near is on time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.planning.constructed import constructed_plan, on_time
from logistics.planning.costing import factor_table
from logistics.planning.itinerary_search import MAX_LATE, Network, search
from logistics.planning.multimodal import plan
from logistics.planning.objectives import objective_named
from logistics.planning.plan_checker import check_plan

TIGHT_FIRST_MILE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "scenarios"
    / "fuzz"
    / "loose-windows-light-5-s1"
)
CST = timezone(timedelta(hours=8))


def test_a_first_mile_eight_minutes_before_the_handover_is_offered() -> None:
    """FZ00003 can reach ZZ-HUB at 07:32 for ZZWH-3-1 (handover by 07:40): that itinerary is
    found, with the estimated first mile arriving when a shift starting at 05:00 gets there."""
    scenario = read_bundle(TIGHT_FIRST_MILE)
    net = Network(scenario, factor_table(()))
    sh = scenario.shipment_by_id["FZ00003"]
    found, _, detail = search(net, sh, objective_named("balanced"))
    via = [it for it in found if "ZZWH-3-1" in it.key]
    assert via, detail
    first = via[0].segments[0]
    assert first.arrive == datetime(2026, 12, 9, 7, 32, tzinfo=CST)


def test_the_plan_delivers_on_time_all_the_constructed_solution_does() -> None:
    """All five shipments on time, as the solution built by construction, and checker-clean."""
    scenario = read_bundle(TIGHT_FIRST_MILE)
    result = plan(scenario, time_limit_s=20.0, seed=1)
    assert check_plan(scenario, result) == []
    assert on_time(result) >= on_time(constructed_plan(scenario)) == 5


FUZZ = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "fuzz"


@pytest.mark.parametrize(
    ("bundle", "sid", "key"),
    [
        # a reefer leg only a long shift of another city's depot makes on time
        ("six-hubs-long-lanes-20-s1", "FZ00009", ("truck:ZZ-C02>ZZ-C01",)),
        # a heavy direct leg only another city's heavy shift makes on time
        ("six-hubs-long-lanes-20-s2", "FZ00001", ("truck:XA-C03>ZZ-C03",)),
        # on time only through a hub beyond the 350 km reach, with a long last mile
        (
            "six-hubs-long-lanes-20-s3",
            "FZ00020",
            ("truck:WH-C02>WH-HUB", "WHNJ-4-1", "truck:NJ-HUB>SH-C01"),
        ),
    ],
)
def test_an_on_time_itinerary_beyond_the_near_depots_and_hubs_is_found(
    bundle: str, sid: str, key: tuple[str, ...]
) -> None:
    """When nothing near makes it on time, far depots' shifts and far hubs are tried: the
    on-time itinerary the constructed solution uses is found first."""
    scenario = read_bundle(FUZZ / bundle)
    net = Network(scenario, factor_table(()))
    sh = scenario.shipment_by_id[sid]
    found, _, detail = search(net, sh, objective_named("balanced"))
    assert found, detail
    assert found[0].key == key
    assert found[0].late_minutes == 0 and found[0].delivered_at <= sh.due_at


def test_a_far_depot_joins_the_routing_region_of_a_leg_only_it_makes() -> None:
    """FZ00009's leg: the near depot's shifts cannot drop it by its due time, so the Wuhan
    depot is among the depots whose shifts the routing offers it."""
    scenario = read_bundle(FUZZ / "six-hubs-long-lanes-20-s1")
    net = Network(scenario, factor_table(()))
    sh = scenario.shipment_by_id["FZ00009"]
    depots = net.depots_for(sh, sh.origin, sh.destination, sh.ready_at, sh.due_at)
    assert depots[0] == "ZZ-DEP" and "WH-DEP" in depots
    # a leg the near depot makes in time keeps to it
    relaxed = net.depots_for(sh, sh.origin, sh.destination, sh.ready_at, sh.due_at + MAX_LATE)
    assert relaxed == net.depots_near(sh.origin)


def test_on_fuzzed_six_hub_scenarios_the_plan_is_on_time_as_often_as_the_construction() -> None:
    """The three kept six-hub scenarios: checker-clean, and at least as many on time as the
    solution built by construction."""
    for bundle in (
        "six-hubs-long-lanes-20-s1",
        "six-hubs-long-lanes-20-s2",
        "six-hubs-long-lanes-20-s3",
    ):
        scenario = read_bundle(FUZZ / bundle)
        result = plan(scenario, time_limit_s=20.0, seed=1)
        assert check_plan(scenario, result) == []
        assert on_time(result) >= on_time(constructed_plan(scenario)), bundle
