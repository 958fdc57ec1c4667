"""Work the itinerary search and the construction share across shipments gives what each
shipment's own search would: departures per lane, truck legs per size class, shifts per kind."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario, Service, Vehicle
from logistics.planning.constructed import _Builder, construct
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import PRESETS
from logistics.planning.shift_pool import ShiftPool, kind

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BUNDLES = [
    FIXTURES / "zhengzhou",
    FIXTURES / "scenarios" / "fuzz" / "six-hubs-long-lanes-100-s2",
    FIXTURES / "bundles" / "minimal",
]


def _scan(services: list[Service], after: datetime, until: datetime, n: int) -> list[Service]:
    """Departures as one scan of every departure of the hub gives them (the definition)."""
    taken: dict[tuple[str, str, str], int] = defaultdict(int)
    out = []
    for svc in services:
        if svc.departure < after or svc.departure > until:
            continue
        lane = (svc.destination, svc.carrier, svc.mode.value)
        if svc.cutoff >= after and svc.arrival <= until and taken[lane] < n:
            taken[lane] += 1
            out.append(svc)
    return out


def _slow_copies(scenario: Scenario) -> Scenario:
    """The scenario plus, on each lane, slower departures between the scheduled ones (a
    later departure arriving later than the next ones: a lane out of arrival order)."""
    extra = [
        replace(
            s,
            id=f"{s.id}-SLOW",
            departure=s.departure + timedelta(minutes=30),
            arrival=s.arrival + timedelta(days=2),
        )
        for s in scenario.services
    ]
    return replace(scenario, services=(*scenario.services, *extra))


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_departures_per_lane_equal_one_scan_of_every_departure(bundle: Path) -> None:
    """The per-lane index (with its cache of first departures) answers every query as a scan
    of the hub's departures does, on lanes in and out of arrival order."""
    for scenario in (read_bundle(bundle), _slow_copies(read_bundle(bundle))):
        net = Network(scenario, {})
        by_hub: dict[str, list[Service]] = defaultdict(list)
        for svc in sorted(scenario.services, key=lambda s: (s.departure, s.id)):
            by_hub[svc.origin].append(svc)
        queries = 0
        for svc in scenario.services[::3]:
            for after in (svc.cutoff, svc.cutoff + timedelta(minutes=1), svc.departure):
                for hours in (6, 30, 72, 24 * 20):
                    until = after + timedelta(hours=hours)
                    for n in (1, 2, 4):
                        expected = _scan(by_hub[svc.origin], after, until, n)
                        assert net.departures(svc.origin, after, until, n) == expected
                        queries += 1
        assert queries > 30


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_a_shared_network_gives_each_shipment_its_own_search(bundle: Path) -> None:
    """Every shipment searched on one network (caches shared across shipments) gets exactly
    the itineraries, and for none the reason, that a network of its own gives it."""
    scenario = read_bundle(bundle)
    shared = Network(scenario, {})
    preset = PRESETS["balanced"]
    found_any = 0
    for sh in scenario.shipments:
        own = search(Network(scenario, {}), sh, preset, k=5)
        assert search(shared, sh, preset, k=5) == own
        found_any += bool(own[0])
    assert found_any > 0


def _first_fit(free: list[Vehicle], builder: _Builder, leg: tuple, ready: datetime) -> str | None:
    """The first free shift by (start, id) that makes the trip: a scan of every free shift."""
    sh, a, b, by = leg
    for v in sorted(free, key=lambda v: (v.available_from, v.id)):
        if v.available_until > ready and builder.trip(v, sh, "r", a, b, ready, by) is not None:
            return v.id
    return None


def test_the_shift_pool_takes_the_shift_a_scan_of_every_free_shift_takes() -> None:
    """Taking shifts kind by kind picks, leg after leg, the same shift as a first-fit scan of
    every free shift, also after shifts are given back; many shifts share a kind."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    assert len({kind(v) for v in scenario.vehicles}) < len(scenario.vehicles)
    builder = _Builder(scenario, scenario.vehicles, {}, None, {})
    free = list(scenario.vehicles)
    by_id = {v.id: v for v in free}
    rng = random.Random(5)
    taken: list[Vehicle] = []
    matched = 0
    for sh in scenario.shipments:
        ready = sh.ready_at + timedelta(minutes=rng.choice((0, 0, 90)))
        by = sh.due_at + timedelta(hours=rng.choice((0, 24)))
        expected = _first_fit(free, builder, (sh, sh.origin, sh.destination, by), ready)
        trip = builder.take(sh, "r", sh.origin, sh.destination, ready, by)
        assert (trip.vehicle.id if trip else None) == expected
        if trip is not None:
            matched += 1
            free.remove(by_id[trip.vehicle.id])
            taken.append(trip.vehicle)
        if taken and rng.random() < 0.3:
            back = taken.pop(rng.randrange(len(taken)))
            builder.free.give_back(back)
            free.append(back)
    assert matched > 10


def test_first_trips_are_what_take_gives_as_the_deadline_grows() -> None:
    """For each deadline, the first of `first_trips` arriving by it is the trip `take` gives."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    builder = _Builder(scenario, scenario.vehicles, {}, None, {})
    checked = 0
    for sh in scenario.shipments[:60]:
        for hub in builder.hubs_near(sh.origin)[:2]:
            trips = builder.first_trips(sh, "r", sh.origin, hub, sh.ready_at)
            assert all(b.arrive < a.arrive for a, b in itertools.pairwise(trips))
            for hours in (2, 6, 12, 24, 48):
                by = sh.ready_at + timedelta(hours=hours)
                expected = next((t for t in trips if t.arrive <= by), None)
                got = builder.take(sh, "r", sh.origin, hub, sh.ready_at, by)
                assert got == expected
                if got is not None:
                    builder.free.give_back(got.vehicle)
                    checked += 1
    assert checked > 20


def test_the_pool_refuses_a_shift_it_did_not_offer() -> None:
    """Only the next free shift of a kind can be taken (the one `starts` offers)."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    groups: dict[tuple[object, ...], list[Vehicle]] = defaultdict(list)
    for v in scenario.vehicles:
        groups[kind(v)].append(v)
    same = next(vs for vs in groups.values() if len(vs) > 1)
    pool = ShiftPool(same)
    with pytest.raises(ValueError, match="not the next free shift"):
        pool.take(max(same, key=lambda v: v.id))


def test_the_construction_is_the_same_over_a_shuffled_fleet() -> None:
    """The construction does not depend on the order the shifts are given in."""
    scenario = read_bundle(FIXTURES / "zhengzhou")
    shuffled = list(scenario.vehicles)
    random.Random(3).shuffle(shuffled)
    a, b = construct(scenario), construct(scenario, vehicles=shuffled)
    assert a.chosen == b.chosen
    assert a.routes == b.routes
    assert len(a.chosen) > 10
