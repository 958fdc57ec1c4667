"""The multimodal planner: Stage A (itineraries, CP-SAT) and Stage B (truck routing), coupled."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable, Sequence

from logistics.domain import EmissionFactor, Plan, Scenario, Shipment, UnplannedReason
from logistics.planning.costing import factor_table
from logistics.planning.itinerary_search import Itinerary, Network, search
from logistics.planning.objectives import objective_named
from logistics.planning.plan_assembly import assemble_plan
from logistics.planning.routing import RoutingSolution
from logistics.planning.service_assignment import assign, fill_remaining
from logistics.planning.truck_stage import route_trucks, truck_legs

Progress = Callable[[str, float, str], None]
MAX_ROUNDS = 3
WIDE_K = 40  # itineraries per shipment when the best few are all on full services


def _quiet(stage: str, fraction: float, message: str) -> None:
    """Default progress callback: say nothing."""


def plan(
    scenario: Scenario,
    *,
    objective: str = "balanced",
    time_limit_s: float = 60.0,
    seed: int = 0,
    factors: Sequence[EmissionFactor] = (),
    workers: int = 2,
    progress: Progress = _quiet,
    plan_id: str | None = None,
) -> Plan:
    """Recommend a plan: which service each shipment takes and how trucks collect and deliver it."""
    started = time.monotonic()
    preset = objective_named(objective)
    table = factor_table(factors)
    net = Network(scenario, table)
    forbidden: dict[str, set[tuple[str, ...]]] = {}
    reasons: dict[str, tuple[UnplannedReason, str]] = {}
    options: dict[str, list[Itinerary]] = {}
    chosen: dict[str, Itinerary] = {}
    solutions: list[RoutingSolution] = []
    capacities = {s.id: (s.capacity_kg, s.capacity_m3) for s in scenario.services}
    rounds = 0
    status = "feasible"
    retry: set[str] = set()
    routed: dict[Hashable, RoutingSolution] = {}  # subproblems solved in earlier rounds

    def itineraries(sh: Shipment, k: int) -> tuple[list[Itinerary], UnplannedReason, str]:
        return search(net, sh, preset, k=k, forbidden=frozenset(forbidden.get(sh.id, ())))

    def assign_services(
        previous: dict[str, Itinerary] | None = None, share: float = 1.0
    ) -> tuple[dict[str, Itinerary], str]:
        remaining = max(1.0, time_limit_s - (time.monotonic() - started))
        return assign(
            scenario.shipments,
            options,
            capacities,
            unplanned_penalty=preset.unplanned_penalty,
            # more shipments, more time: 20 s plus 1 s per 100 shipments, at most 15 % of what
            # is left (the assignment runs twice a round when shipments are crowded out)
            time_limit_s=share * max(2.0, min(remaining * 0.15, 20.0 + len(options) / 100)),
            seed=seed,
            previous=previous,
        )

    while True:
        rounds += 1
        if rounds <= MAX_ROUNDS:
            progress(
                "itineraries",
                0.05,
                f"round {rounds}: searching itineraries",
            )
            # The first round searches every shipment; later ones only those sent back.
            todo = [sh for sh in scenario.shipments if rounds == 1 or sh.id in retry]
            for n, sh in enumerate(todo):
                found, reason, detail = itineraries(sh, k=5)
                if found:
                    options[sh.id] = found
                else:
                    options.pop(sh.id, None)
                    reasons.setdefault(sh.id, (reason, detail))
                if n % 200 == 0:
                    progress(
                        "itineraries",
                        0.05 + 0.2 * n / max(1, len(todo)),
                        f"{n} of {len(todo)} shipments searched",
                    )
            progress("assignment", 0.3, f"assigning {len(options)} shipments to services (CP-SAT)")
            chosen, status = assign_services(chosen, share=0.5)
            crowded = [sh for sh in scenario.shipments if sh.id in options and sh.id not in chosen]
            if crowded:
                # Services are full on every option kept so far: widen those shipments' choice.
                progress("assignment", 0.4, f"{len(crowded)} shipment(s) crowded out; widening")
                for sh in crowded:
                    options[sh.id] = itineraries(sh, k=WIDE_K)[0]
                chosen, status = assign_services(chosen, share=0.5)
                chosen = fill_remaining(scenario.shipments, options, capacities, chosen)
        legs = truck_legs(scenario, chosen)
        remaining = max(1.0, time_limit_s - (time.monotonic() - started))
        rounds_left = max(1, MAX_ROUNDS - rounds + 1)
        progress("routing", 0.5, f"routing {len(legs)} truck legs")
        solutions = route_trucks(
            scenario,
            net,
            legs,
            # most of the budget to the first round: later rounds only re-route what was dropped
            time_limit_s=max(1.0, remaining * 0.8 / (1 + 0.25 * (rounds_left - 1))),
            seed=seed,
            workers=workers,
            cache=routed,
        )
        dropped = {d.request_id.split("#")[0] for s in solutions for d in s.dropped}
        if not dropped:
            break
        if rounds < MAX_ROUNDS:
            retry = dropped
            for sid in dropped:
                forbidden.setdefault(sid, set()).add(chosen[sid].key)
            progress("routing", 0.6, f"{len(dropped)} shipment(s) sent back to Stage A")
        else:
            # Out of rounds: leave those shipments unplanned and route the others without them,
            # so no truck carries a shipment the plan does not move.
            for sid in dropped:
                reasons[sid] = (
                    UnplannedReason.NO_VEHICLE,
                    "no truck shift could serve its truck legs in time",
                )
                chosen.pop(sid, None)
            progress(
                "routing", 0.6, f"{len(dropped)} shipment(s) left unplanned; rerouting the others"
            )
    progress("assembling", 0.95, "building the plan document")
    digest = hashlib.sha256(
        repr((sorted(sh.id for sh in scenario.shipments), objective, seed)).encode()
    ).hexdigest()
    result = assemble_plan(
        scenario,
        net,
        options,
        chosen,
        solutions,
        reasons,
        plan_id=plan_id or f"plan-{digest[:12]}",
        objective=objective,
        solver={
            "time_s": round(time.monotonic() - started, 2),
            "seed": seed,
            "iterations": rounds,
            "status": status.lower(),
            "time_limit_s": time_limit_s,
        },
    )
    progress(
        "done",
        1.0,
        f"{result.kpis.get('planned', 0)} of {len(scenario.shipments)} shipments planned",
    )
    return result
