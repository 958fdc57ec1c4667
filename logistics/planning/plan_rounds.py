"""The planner's rounds: Stage A (itineraries, CP-SAT) then Stage B (truck routing), the
repair rounds that send a shipment whose truck legs no shift could serve back to Stage A, and
the safety net's dedicated trips for what the rounds leave unplanned or late.

One `PlanRounds` holds what the rounds share: each shipment's itineraries to choose from, the
ones forbidden, the choice, the truck legs and their routes, and why a shipment is unplanned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from logistics.domain import Scenario, Shipment, UnplannedReason
from logistics.planning.binding_facts import shifts_taken
from logistics.planning.constructed import Construction
from logistics.planning.deadline import Deadline
from logistics.planning.incumbent import rebuild
from logistics.planning.insertion import insert_legs
from logistics.planning.itinerary import Itinerary
from logistics.planning.itinerary_search import rank, score_itinerary, search
from logistics.planning.network import Network
from logistics.planning.objectives import Objective
from logistics.planning.plan_assembly import Context
from logistics.planning.safety_net import rescue
from logistics.planning.service_assignment import Preferences, assign, fill_remaining
from logistics.planning.truck_legs import TruckLegRef, itinerary_refs, request_map, shipments_of
from logistics.planning.truck_stage import (
    Routed,
    TruckLeg,
    release,
    route_trucks,
    spare_vehicles,
    strip,
    truck_legs,
    without,
)

Progress = Callable[[str, float, str], None]
Reason = tuple[UnplannedReason, str]
MAX_ROUNDS = 4
FIRST_ROUTING_SHARE = 0.8  # of the time left when the first routing starts
MIN_REPAIR_S = 2.0  # a repair round's budget when the first rounds used up the time limit
MIN_ROUND_S = 1.0  # no repair round starts with less time than this before the deadline
REMOVE_S = 2.0  # re-optimising routes a shipment left unplanned comes off
WIDE_K = 40  # itineraries per shipment when the best few are all on full services
INSERT_SHARE = 0.25  # of a repair round's budget, at most, for inserting into driven routes
NOT_ROUTED = "its truck legs were not routed before the time limit"


@dataclass(slots=True)
class PlanRounds:
    """The state of one plan's rounds; `run()` plays them, then the fields hold the result."""

    scenario: Scenario
    net: Network
    preset: Objective
    prefs: Preferences
    clock: Deadline
    seed: int
    workers: int
    progress: Progress
    built: Construction  # the constructed solution, for the safety net
    now: datetime | None = None
    forecasts: Mapping[str, datetime] = field(default_factory=dict)
    # shipment -> its itineraries to choose from, those forbidden, the one chosen, and why not
    offered: dict[str, list[Itinerary]] = field(default_factory=dict)
    forbidden: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    chosen: dict[str, Itinerary] = field(default_factory=dict)
    reasons: dict[str, Reason] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)  # why an incumbent is not offered
    status: str = ""  # the service assignment's CP-SAT status
    legs: list[TruckLeg] = field(default_factory=list)  # the chosen itineraries' truck legs
    requests: dict[str, TruckLegRef] = field(default_factory=dict)  # every leg ever routed
    routed: list[Routed] = field(default_factory=list)
    rounds: int = 0
    rescued: list[str] = field(default_factory=list)  # by the safety net: were unplanned
    made_on_time: list[str] = field(default_factory=list)  # by the safety net: were late
    capacities: dict[str, tuple[float, float]] = field(init=False)  # service -> (kg, m3)

    def __post_init__(self) -> None:
        self.capacities = {s.id: (s.capacity_kg, s.capacity_m3) for s in self.scenario.services}

    def run(self) -> None:
        """Round 1 (every shipment searched, assigned, routed), then the repair rounds, then
        every shipment a route does not serve whole taken off the routes."""
        self.search()
        self.assign()
        self.route()
        self.repair()
        # A search stopped at the deadline may have left legs unserved after the last round
        # too: those shipments come off the routes without another solve.
        self.settle(set())
        self.rescue()

    def context(self, change_penalty: float | None) -> Context:
        """What the plan's explanations need from the rounds."""
        return Context(
            self.preset,
            self.forbidden,
            self.prefs.incumbent,
            self.unusable,
            self.status.lower(),
            change_penalty,
        )

    def itineraries(self, sh: Shipment, k: int) -> tuple[list[Itinerary], UnplannedReason, str]:
        """A shipment's best k itineraries (less the forbidden ones), its incumbent kept among
        them while it still works."""
        banned = frozenset(self.forbidden.get(sh.id, ()))
        found, reason, detail = search(self.net, sh, self.preset, k=k, forbidden=banned)
        key = self.prefs.incumbent.get(sh.id)
        if key is not None and key not in banned and all(it.key != key for it in found):
            kept, why = rebuild(self.net, sh, key, self.preset)
            if kept is None:
                self.unusable[sh.id] = why
            else:
                found = sorted([*found, kept], key=lambda it: rank(self.preset, it))
        return found, reason, detail

    def assign_services(
        self, previous: dict[str, Itinerary] | None = None, share: float = 1.0
    ) -> tuple[dict[str, Itinerary], str]:
        """The service assignment (CP-SAT) over the itineraries offered, within the time left."""
        remaining = max(1.0, self.clock.left())
        return assign(
            self.scenario.shipments,
            self.offered,
            self.capacities,
            # more shipments, more time: 20 s plus 1 s per 100 shipments, at most 15 % of what
            # is left (the assignment runs twice a round when shipments are crowded out)
            time_limit_s=min(
                share * max(2.0, min(remaining * 0.15, 20.0 + len(self.offered) / 100)),
                max(0.2, self.clock.left() * 0.1),  # within the deadline (CP-SAT may take 3x)
            ),
            seed=self.seed,
            previous=previous,
            preferences=self.prefs,
        )

    def search(self) -> None:
        """Round 1, Stage A part 1: every shipment's itineraries, while the search has time."""
        shipments = self.scenario.shipments
        self.progress("itineraries", 0.05, "searching itineraries")
        for n, sh in enumerate(shipments):
            if not self.clock.searching():
                self.reasons[sh.id] = (
                    UnplannedReason.TIME_LIMIT,
                    "its itineraries were not searched before the time limit",
                )
                continue
            found, reason, detail = self.itineraries(sh, k=5)
            if found:
                self.offered[sh.id] = found
            else:
                self.reasons[sh.id] = (reason, detail)
            if n % 200 == 0:
                self.progress(
                    "itineraries",
                    0.05 + 0.2 * n / max(1, len(shipments)),
                    f"{n} of {len(shipments)} shipments searched",
                )

    def assign(self) -> None:
        """Round 1, Stage A part 2: the service assignment, widened for shipments crowded out."""
        shipments = self.scenario.shipments
        self.progress(
            "assignment", 0.3, f"assigning {len(self.offered)} shipments to services (CP-SAT)"
        )
        self.chosen, self.status = self.assign_services(share=0.5)
        crowded = [sh for sh in shipments if sh.id in self.offered and sh.id not in self.chosen]
        if crowded:
            # Services are full on every option kept so far: widen those shipments' choice.
            self.progress("assignment", 0.4, f"{len(crowded)} shipment(s) crowded out; widening")
            for sh in crowded:
                if self.clock.searching():
                    self.offered[sh.id] = self.itineraries(sh, k=WIDE_K)[0]
            self.chosen, self.status = self.assign_services(self.chosen, share=0.5)
            self.chosen = fill_remaining(shipments, self.offered, self.capacities, self.chosen)

    def route(self) -> None:
        """Round 1, Stage B: every truck leg of the chosen itineraries routed."""
        clock = self.clock
        self.legs = self._truck_legs(self.chosen)
        self.requests = request_map(self.legs)
        self.progress("routing", 0.5, f"routing {len(self.legs)} truck legs")
        self.routed = route_trucks(
            self.scenario,
            self.net,
            self.legs,
            # most of the budget: later rounds only repair what this one could not serve
            time_limit_s=max(
                0.5, min(clock.left() * FIRST_ROUTING_SHARE, clock.left() - clock.reserve())
            ),
            seed=self.seed,
            workers=self.workers,
            deadline=clock.stage_stop(),
        )
        self.rounds = 1

    def repair(self) -> None:
        """Later rounds repair: a shipment whose truck leg no shift could serve gets another
        itinerary (that one forbidden) in the room the others leave on the services; every
        other shipment keeps its itinerary and its routes, the new legs go to the shifts still
        free. Out of rounds or time, those shipments are left unplanned."""
        while dropped := self.dropped():
            old_legs = {leg.request_id for leg in self.legs if leg.shipment.id in dropped}
            dropped_ids = {d.request_id for r in self.routed for d in r.solution.dropped}
            routes_now = [route for r in self.routed for route in r.solution.routes]
            facts = {
                leg.shipment.id: shifts_taken(
                    self.scenario, self.net, leg, routes_now, self.requests
                )
                for leg in self.legs
                if leg.request_id in dropped_ids
            }
            timed_out = self.timed_out()
            if self.rounds >= MAX_ROUNDS or not self.clock.room(MIN_ROUND_S):
                self._give_up(dropped, old_legs, facts, timed_out)
                return
            self.rounds += 1
            self.progress(
                "routing",
                0.6,
                f"round {self.rounds}: {len(dropped)} shipment(s) sent back to Stage A",
            )
            self._send_back(dropped, facts, timed_out)
            self._reroute(old_legs)

    def _give_up(
        self, dropped: set[str], old_legs: set[str], facts: dict[str, str], timed_out: set[str]
    ) -> None:
        """Out of rounds (or time): those shipments stay unplanned and come off the routes, so
        no truck carries a shipment the plan does not move."""
        for sid in dropped:
            self.reasons[sid] = (
                (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                if sid in timed_out
                else (
                    UnplannedReason.NO_VEHICLE,
                    f"no truck shift could serve its truck legs in time ({facts[sid]})",
                )
            )
            gone = self.chosen.pop(sid)
            if sid not in timed_out:  # tried by the routing: the binding fact if it is shown
                self.forbidden.setdefault(sid, set()).add(gone.key)
        self.progress("routing", 0.9, f"{len(dropped)} shipment(s) left unplanned")
        if self.clock.room(REMOVE_S):
            self.routed = without(
                self.routed,
                old_legs,
                time_limit_s=REMOVE_S,
                seed=self.seed,
                workers=self.workers,
                deadline=self.clock.stage_stop(),
            )
        else:
            self.routed, lost = strip(self.routed, old_legs)
            self.settle(lost)

    def _send_back(self, dropped: set[str], facts: dict[str, str], timed_out: set[str]) -> None:
        """Each dropped shipment loses its itinerary (forbidden, unless only time was short)
        and is searched again, wider; its reason is what it is left with unless one fits."""
        for sid in sorted(dropped):
            if sid in timed_out:
                # not routed for want of time, not for want of a truck: its itinerary stays
                # allowed and it may take it again
                self.chosen.pop(sid)
                self.reasons[sid] = (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                continue
            forbidden = self.forbidden.setdefault(sid, set())
            forbidden.add(self.chosen.pop(sid).key)
            if not self.clock.searching():
                found = [it for it in self.offered.get(sid, []) if it.key not in forbidden]
            else:
                found = self.itineraries(self.scenario.shipment_by_id[sid], k=WIDE_K)[0]
            if found:
                self.offered[sid] = found
            else:
                self.offered.pop(sid, None)
            tried = len(forbidden)
            self.reasons[sid] = (
                UnplannedReason.NO_VEHICLE,
                f"no truck shift could serve the truck legs of {tried} itinerar"
                f"{'y' if tried == 1 else 'ies'} in time"
                + f" (last: {facts[sid]})"
                + ("; its other feasible itineraries are on full services" if found else ""),
            )

    def _reroute(self, old_legs: set[str]) -> None:
        """The sent-back shipments take what fits the room left on the services; the routes
        that carried their old legs are re-solved without them, their new legs routed over the
        shifts no route uses yet."""
        before = set(self.chosen)
        self.chosen = fill_remaining(
            self.scenario.shipments, self.offered, self.capacities, self.chosen
        )
        added = {sid: it for sid, it in self.chosen.items() if sid not in before}
        left = self.clock.left()
        # half of what is left (a few seconds at least: a repair round is small)
        budget = min(max(MIN_REPAIR_S, left * 0.5), left - self.clock.reserve())
        self.routed = without(
            self.routed,
            old_legs,
            time_limit_s=budget * 0.3,
            seed=self.seed,
            workers=self.workers,
            deadline=self.clock.stage_stop(),
        )
        new_legs = self._truck_legs(added)
        self.requests.update(request_map(new_legs))
        self.legs = [leg for leg in self.legs if leg.request_id not in old_legs] + new_legs
        for sid in added:
            self.reasons.pop(sid, None)
        # first into the routes already driven where they have room, then the free shifts
        self.routed, inserted = insert_legs(
            self.scenario,
            self.net,
            self.routed,
            new_legs,
            self.legs,
            stop=partial(_insert_stop, self.clock, time.monotonic() + INSERT_SHARE * budget),
        )
        rest = [leg for leg in new_legs if leg.shipment.id not in inserted]
        self.progress(
            "routing",
            0.7,
            f"{len(inserted)} repaired shipment(s) inserted into driven routes; routing "
            f"{len(rest)} new truck legs on the free shifts",
        )
        spare = spare_vehicles(self.scenario, self.routed)
        self.routed = release(self.routed, {v.id for v in spare})
        self.routed += route_trucks(
            self.scenario,
            self.net,
            rest,
            time_limit_s=budget * 0.7,
            seed=self.seed,
            workers=self.workers,
            vehicles=spare,
            deadline=self.clock.stage_stop(),
        )

    def settle(self, lost: set[str]) -> None:
        """Unplan every shipment with a leg no route serves (or on a route that had to come
        off, `lost`) and take its legs off the routes, until every route serves whole
        shipments."""
        while True:
            timed_out = self.timed_out()
            lost_shipments = shipments_of(self.requests, lost)
            off = (self.dropped() | lost_shipments) & set(self.chosen)
            if not off:
                return
            for sid in off:
                self.chosen.pop(sid)
                self.reasons[sid] = (
                    (UnplannedReason.TIME_LIMIT, NOT_ROUTED)
                    if sid in timed_out or sid in lost_shipments
                    else (
                        UnplannedReason.NO_VEHICLE,
                        "no truck shift could serve its truck legs in time",
                    )
                )
            gone = {leg.request_id for leg in self.legs if leg.shipment.id in off}
            self.routed, lost = strip(self.routed, gone)

    def rescue(self) -> None:
        """The safety net (safety_net.py): dedicated trips for the shipments the rounds leave
        unplanned (and, on time first, late), in the shifts and service room left free."""
        clock = self.clock
        found = rescue(
            self.scenario,
            self.chosen,
            self.routed,
            self.built,
            late_too=self.preset.on_time_first,
            net=self.net,
            now=self.now,
            forecasts=self.forecasts,
            stop=lambda: clock.left() < clock.assembling(),
        )
        self.routed = found.routed
        self.requests.update(itinerary_refs(found.chosen))  # the dedicated trips' legs
        for sid in found.planned + found.on_time:
            sh = self.scenario.shipment_by_id[sid]
            it = score_itinerary(self.net, sh, found.chosen[sid].segments, self.preset)
            late = self.chosen.get(sid)
            if late is not None and late.key != it.key:
                # its routes delivered it late: the routing could not serve it in time
                self.forbidden.setdefault(sid, set()).add(late.key)
            self.chosen[sid] = it
            self.offered[sid] = [it, *(o for o in self.offered.get(sid, []) if o.key != it.key)]
            self.reasons.pop(sid, None)
        self.rescued, self.made_on_time = found.planned, found.on_time
        if found.planned or found.on_time:
            self.progress(
                "routing",
                0.92,
                f"safety net: {len(found.planned)} shipment(s) planned and "
                f"{len(found.on_time)} made on time on dedicated trucks",
            )

    def dropped(self) -> set[str]:
        """The shipments with a truck leg some subproblem could not serve."""
        return shipments_of(
            self.requests, (d.request_id for r in self.routed for d in r.solution.dropped)
        )

    def timed_out(self) -> set[str]:
        """The shipments with a truck leg a routing search stopped at its deadline had not
        served."""
        return shipments_of(
            self.requests,
            (
                d.request_id
                for r in self.routed
                for d in r.solution.dropped
                if d.reason == "timeout"
            ),
        )

    def _truck_legs(self, itineraries: Mapping[str, Itinerary]) -> list[TruckLeg]:
        return truck_legs(self.scenario, itineraries, now=self.now, forecasts=self.forecasts)


def _insert_stop(clock: Deadline, by: float) -> bool:
    """Whether inserting into driven routes must stop: its share of the round is used up, or
    no repair round would fit before the reserve any more."""
    return time.monotonic() > by or not clock.room(MIN_ROUND_S)
