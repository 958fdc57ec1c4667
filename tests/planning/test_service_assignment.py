"""The CP-SAT assignment's order: planned, then on time, then least lateness, then kept, then score."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from logistics.bundles.reader import read_bundle
from logistics.domain import Scenario, Service, Shipment
from logistics.planning.itinerary import Itinerary, Segment
from logistics.planning.service_assignment import Preferences, assign

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SMALL = "CV9751-20261130"  # room for 1,500 kg
BIG = "CV8001-20261201"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """Two freighters of the on-time-first bundle; shipments of 1,000 kg each."""
    return read_bundle(FIXTURES / "bundles" / "on-time-first")


def _on(sh: Shipment, svc: Service, *, late_min: int, score: float) -> Itinerary:
    """A one-service itinerary with the given estimated lateness and score."""
    seg = Segment(svc.origin, svc.destination, svc.departure, svc.arrival, svc)
    delivered = sh.due_at + timedelta(minutes=late_min)
    return Itinerary(sh.id, (seg,), delivered, score, 0.0, score, late_min)


def _assign(
    scenario: Scenario, options: dict[str, list[Itinerary]], prefs: Preferences | None = None
) -> dict[str, Itinerary]:
    caps = {s.id: (s.capacity_kg, s.capacity_m3) for s in scenario.services}
    shipments = [scenario.shipment_by_id[sid] for sid in options]
    chosen, status = assign(shipments, options, caps, time_limit_s=2, preferences=prefs)
    assert status in ("OPTIMAL", "FEASIBLE")
    return chosen


def test_planning_both_comes_before_either_on_time(scenario: Scenario) -> None:
    """B can only fly on the small freighter; A on time would take its room: A goes late."""
    a, b = scenario.shipment_by_id["SH00201"], scenario.shipment_by_id["SH00202"]
    small, big = scenario.service_by_id[SMALL], scenario.service_by_id[BIG]
    options = {
        a.id: [_on(a, small, late_min=0, score=100), _on(a, big, late_min=720, score=50)],
        b.id: [_on(b, small, late_min=0, score=100)],
    }
    chosen = _assign(scenario, options)
    assert set(chosen) == {a.id, b.id}
    assert chosen[a.id].late_minutes == 720 and chosen[b.id].late_minutes == 0


def test_on_time_comes_before_the_score_and_lateness_is_least(scenario: Scenario) -> None:
    """A's cheap option is late, its dear one on time: on time wins. C has only late options:
    the least late wins over the cheaper, later one."""
    a, c = scenario.shipment_by_id["SH00201"], scenario.shipment_by_id["SH00203"]
    small, big = scenario.service_by_id[SMALL], scenario.service_by_id[BIG]
    options = {
        a.id: [_on(a, big, late_min=720, score=10), _on(a, small, late_min=0, score=900)],
        c.id: [_on(c, big, late_min=600, score=10), _on(c, small, late_min=60, score=900)],
    }
    chosen = _assign(scenario, options)
    assert chosen[a.id].late_minutes == 0
    assert chosen[c.id].late_minutes == 60


def test_a_lateness_price_folds_lateness_into_the_score(scenario: Scenario) -> None:
    """Without on-time-first (a price already in the scores), the cheaper late option wins."""
    a = scenario.shipment_by_id["SH00201"]
    small, big = scenario.service_by_id[SMALL], scenario.service_by_id[BIG]
    options = {a.id: [_on(a, big, late_min=720, score=10), _on(a, small, late_min=0, score=900)]}
    chosen = _assign(scenario, options, Preferences(on_time_first=False))
    assert chosen[a.id].late_minutes == 720


def test_the_incumbent_ranks_below_on_time_and_above_the_score(scenario: Scenario) -> None:
    """A kept on its dearer incumbent when both are on time; B leaves a late incumbent for an
    on-time itinerary; with a small change penalty A moves to the cheaper one."""
    a, b = scenario.shipment_by_id["SH00202"], scenario.shipment_by_id["SH00201"]
    small, big = scenario.service_by_id[SMALL], scenario.service_by_id[BIG]
    a_dear, a_cheap = _on(a, small, late_min=0, score=900), _on(a, big, late_min=0, score=10)
    b_late, b_on = _on(b, big, late_min=720, score=10), _on(b, small, late_min=0, score=900)
    options = {a.id: [a_cheap, a_dear], b.id: [b_late, b_on]}
    # room on the small freighter for one of them only: B on time needs it, so A cannot keep it
    incumbent = {a.id: a_dear.key, b.id: b_late.key}
    chosen = _assign(scenario, options, Preferences(incumbent=incumbent))
    assert chosen[b.id].key == b_on.key
    assert chosen[a.id].key == a_cheap.key
    alone = {a.id: [a_cheap, a_dear]}
    kept = _assign(scenario, alone, Preferences(incumbent={a.id: a_dear.key}))
    assert kept[a.id].key == a_dear.key
    moved = _assign(scenario, alone, Preferences(incumbent={a.id: a_dear.key}, change_penalty=1.0))
    assert moved[a.id].key == a_cheap.key
