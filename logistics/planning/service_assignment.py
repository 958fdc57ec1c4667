"""Stage A, part 2: choose one itinerary per shipment under service capacities (CP-SAT)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from logistics.domain import Shipment
from logistics.planning.itinerary_search import Itinerary

SCORE_SCALE = 10  # objective in tenths of a currency unit


def assign(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    *,
    unplanned_penalty: float,
    time_limit_s: float,
    seed: int = 0,
    hint: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[dict[str, Itinerary], str]:
    """Pick at most one itinerary per shipment; services stay within kg and m3 capacity.

    Returns the choice per shipment id and the CP-SAT status name.
    """
    model = cp_model.CpModel()
    choice: dict[tuple[str, int], cp_model.IntVar] = {}
    load_kg: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    load_m3: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    terms = []
    by_id = {s.id: s for s in shipments}
    for sid, its in options.items():
        sh = by_id[sid]
        vars_ = []
        for n, it in enumerate(its):
            x = model.new_bool_var(f"x_{sid}_{n}")
            choice[(sid, n)] = x
            vars_.append(x)
            terms.append(round(it.score * SCORE_SCALE) * x)
            for seg in it.segments:
                if seg.service is not None:
                    load_kg[seg.service.id].append((math.ceil(sh.weight_kg), x))
                    load_m3[seg.service.id].append((math.ceil(sh.volume_m3 * 100), x))
            if hint and hint.get(sid) == it.key:
                model.add_hint(x, 1)
        if vars_:
            model.add_at_most_one(vars_)
            none = model.new_bool_var(f"none_{sid}")
            model.add(sum(vars_) + none == 1)
            # Leaving a shipment out must cost more than any of its itineraries, however heavy
            # the shipment (a 40 t air shipment can cost more than the base penalty).
            penalty = max(unplanned_penalty, 2 * max(it.score for it in its))
            terms.append(round(penalty * SCORE_SCALE) * none)
    for service_id, items in load_kg.items():
        cap_kg, cap_m3 = capacities[service_id]
        model.add(sum(w * x for w, x in items) <= int(cap_kg))
        model.add(sum(v * x for v, x in load_m3[service_id]) <= int(cap_m3 * 100))
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit_s)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1  # deterministic for a given seed
    status = solver.solve(model)
    chosen: dict[str, Itinerary] = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (sid, n), x in choice.items():
            if solver.value(x):
                chosen[sid] = options[sid][n]
        return chosen, solver.status_name(status)
    return greedy(shipments, options, capacities), "greedy_fallback"


def greedy(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
) -> dict[str, Itinerary]:
    """Each shipment, heaviest first, takes its best itinerary that still fits every service."""
    return fill_remaining(shipments, options, capacities, {})


def fill_remaining(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    chosen: Mapping[str, Itinerary],
) -> dict[str, Itinerary]:
    """Keep `chosen`; every other shipment, heaviest first, takes its best itinerary that fits
    the room the chosen ones leave on every service (a time-limited assignment can leave room)."""
    by_id = {sh.id: sh for sh in shipments}
    left = {sid: list(cap) for sid, cap in capacities.items()}
    for sid, it in chosen.items():
        for seg in it.segments:
            if seg.service is not None:
                left[seg.service.id][0] -= by_id[sid].weight_kg
                left[seg.service.id][1] -= by_id[sid].volume_m3
    out = dict(chosen)
    for sh in sorted(shipments, key=lambda s: (-s.weight_kg, s.id)):
        if sh.id in out:
            continue
        for it in options.get(sh.id, ()):
            services = [seg.service.id for seg in it.segments if seg.service is not None]
            if all(left[s][0] >= sh.weight_kg and left[s][1] >= sh.volume_m3 for s in services):
                for s in services:
                    left[s][0] -= sh.weight_kg
                    left[s][1] -= sh.volume_m3
                out[sh.id] = it
                break
    return out
