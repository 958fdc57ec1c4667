"""How many shipments can be planned at all: a bound to measure a plan's coverage against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from logistics.domain import Scenario, UnplannedReason
from logistics.planning.itinerary import Itinerary
from logistics.planning.itinerary_search import search
from logistics.planning.network import Network
from logistics.planning.objectives import objective_named
from logistics.planning.service_assignment import max_planned

ALL_ITINERARIES = 10_000  # more than the search ever enumerates for one shipment


@dataclass(frozen=True, slots=True)
class Plannable:
    """Shipments with an itinerary, and how many of them the services can take at once."""

    itineraries: dict[str, list[Itinerary]]  # every itinerary the search finds, per shipment
    reasons: dict[str, UnplannedReason]  # why each shipment without an itinerary has none
    best: int  # the most shipments found to fit the services together
    bound: int  # proven: no choice of itineraries fits more within service capacities

    @property
    def feasible(self) -> int:
        """Shipments with at least one itinerary when capacities are ignored."""
        return len(self.itineraries)


def plannable(
    scenario: Scenario,
    net: Network,
    *,
    time_limit_s: float,
    seed: int = 0,
    extra: Mapping[str, Itinerary] | None = None,
) -> Plannable:
    """Every itinerary of every shipment (the search's, plus `extra`: say the constructed
    solution's, see constructed.py), and the maximum count that fits the service capacities
    (CP-SAT, ignoring cost and truck competition): an upper bound on what a plan made of those
    itineraries can plan."""
    objective = objective_named("balanced")
    itineraries: dict[str, list[Itinerary]] = {}
    reasons: dict[str, UnplannedReason] = {}
    for sh in scenario.shipments:
        found, reason, _ = search(net, sh, objective, k=ALL_ITINERARIES)
        more = (extra or {}).get(sh.id)
        if more is not None and all(it.key != more.key for it in found):
            found = [*found, more]
        if found:
            itineraries[sh.id] = found
        else:
            reasons[sh.id] = reason
    capacities = {s.id: (s.capacity_kg, s.capacity_m3) for s in scenario.services}
    best, bound = max_planned(
        scenario.shipments, itineraries, capacities, time_limit_s=time_limit_s, seed=seed
    )
    return Plannable(itineraries, reasons, best, bound)
