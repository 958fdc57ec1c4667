"""The multimodal planner: Stage A (itineraries, CP-SAT) and Stage B (truck routing), coupled."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence

from logistics.domain import (
    EmissionFactor,
    Plan,
    PlanKpis,
    Scenario,
    SolverInfo,
)
from logistics.planning.as_of import as_of, whole_minute
from logistics.planning.constructed import construct
from logistics.planning.costing import factor_table
from logistics.planning.deadline import Deadline
from logistics.planning.network import Network
from logistics.planning.plan_assembly import assemble_plan
from logistics.planning.plan_options import PlanOptions
from logistics.planning.plan_rounds import PlanRounds
from logistics.planning.routing import watchdog
from logistics.planning.service_assignment import Preferences

Progress = Callable[[str, float, str], None]
CONSTRUCT_SHARE = 0.08  # of the time limit, at most, for the constructed safety net


def _quiet(stage: str, fraction: float, message: str) -> None:
    """Default progress callback: say nothing."""


def plan(
    scenario: Scenario,
    *,
    options: PlanOptions,
    factors: Sequence[EmissionFactor] = (),
    progress: Progress = _quiet,
) -> Plan:
    """Recommend a plan: which service each shipment takes and how trucks collect and deliver it.

    Every preset plans as many shipments as it can, then as many on time as it can, then the
    least lateness, and only then minimises its own measure (objectives.py). `lateness_price`
    (currency units per shipment-hour late) lets lateness trade against that measure instead.

    `now`: nothing is booked before it (no service whose cutoff has passed, no truck leaving
    earlier; a shipment not yet ready plans from its ready time). None plans offline, without a
    clock. `forecasts` (service id -> forecast arrival, from tracking): connections after such a
    service are planned from its forecast, so a connection the forecast misses is never offered.

    `incumbent` (shipment id -> its accepted itinerary: service ids and `truck:FROM>TO`, see
    incumbent.py) and `change_penalty`: keeping a shipment's incumbent ranks below on time and
    above the preset's measure (None), or costs `change_penalty` currency units per changed
    shipment against the measure. An incumbent whose connection is missed (by `now` or the
    forecasts) is never offered. Each shipment with an incumbent is marked kept, changed or
    dropped, with the reason. (All of these are fields of `options`, see plan_options.py.)
    """
    objective, time_limit_s, seed = options.objective, options.time_limit_s, options.seed
    workers, lateness_price, now = options.workers, options.lateness_price, options.now
    change_penalty, plan_id = options.change_penalty, options.plan_id
    started = time.monotonic()
    clock = Deadline(time_limit_s, started)  # plan() returns by time_limit_s + deadline.grace_s
    watchdog.prestart(workers)  # routing workers start while the itineraries are searched
    preset = options.preset
    incumbent_keys = {sid: tuple(key) for sid, key in options.incumbent.items()}
    prefs = Preferences(preset.on_time_first, incumbent_keys, change_penalty)
    table = factor_table(factors)
    if now is not None:
        now = whole_minute(now)
        scenario = as_of(scenario, now)
    forecasts = dict(options.forecasts)
    net = Network(scenario, table, now=now, forecasts=forecasts)
    # The safety net, built first from the scenario alone (greedy, no solver): dedicated trips
    # for what the routing leaves unplanned or late (safety_net.py).
    built = construct(
        scenario,
        now=now,
        forecasts=forecasts,
        stop=lambda: clock.elapsed() > CONSTRUCT_SHARE * time_limit_s,
    )
    rounds = PlanRounds(
        scenario,
        net,
        preset,
        prefs,
        clock,
        seed,
        workers,
        progress,
        built,
        now=now,
        forecasts=forecasts,
    )
    rounds.run()
    solutions = [r.solution for r in rounds.routed]
    progress("assembling", 0.95, "building the plan document")
    digest = hashlib.sha256(
        repr((sorted(sh.id for sh in scenario.shipments), objective, seed)).encode()
    ).hexdigest()
    result = assemble_plan(
        scenario,
        net,
        rounds.offered,
        rounds.chosen,
        solutions,
        rounds.reasons,
        rounds.requests,
        plan_id=plan_id or f"plan-{digest[:12]}",
        objective=objective,
        context=rounds.context(change_penalty),
        solver=SolverInfo(
            time_s=round(time.monotonic() - started, 2),
            seed=seed,
            iterations=rounds.rounds,
            safety_net={"planned": rounds.rescued, "on_time": rounds.made_on_time},
            status=rounds.status.lower(),
            time_limit_s=time_limit_s,
            lateness_price=lateness_price,
            now=now,
        ),
    )
    progress(
        "done",
        1.0,
        f"{(result.kpis or PlanKpis()).planned} of {len(scenario.shipments)} shipments planned",
    )
    return result
