"""Stage A, part 2: choose one itinerary per shipment under service capacities (CP-SAT).

The choice is lexicographic: first as many shipments as possible, then the lowest objective
score among the choices that plan that many. Both phases start from a greedy solution (hint).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from logistics.domain import Shipment
from logistics.planning.itinerary_search import Itinerary

SCORE_SCALE = 10  # objective in tenths of a currency unit
COUNT_SHARE = 0.4  # of the time limit for phase 1 (how many), the rest for phase 2 (how cheap)


@dataclass(slots=True)
class _Model:
    """The assignment model: one boolean per (shipment, itinerary), capacity rows per service."""

    model: cp_model.CpModel
    choice: dict[tuple[str, int], cp_model.IntVar]
    planned: dict[str, cp_model.IntVar]
    scores: list[tuple[int, cp_model.IntVar]]


def _build(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    unplanned_penalty: float,
) -> _Model:
    model = cp_model.CpModel()
    choice: dict[tuple[str, int], cp_model.IntVar] = {}
    planned: dict[str, cp_model.IntVar] = {}
    load_kg: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    load_m3: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    scores: list[tuple[int, cp_model.IntVar]] = []
    by_id = {s.id: s for s in shipments}
    for sid in sorted(options):
        its = options[sid]
        if not its:
            continue
        sh = by_id[sid]
        vars_ = []
        for n, it in enumerate(its):
            x = model.new_bool_var(f"x_{sid}_{n}")
            choice[(sid, n)] = x
            vars_.append(x)
            scores.append((round(it.score * SCORE_SCALE), x))
            for seg in it.segments:
                if seg.service is not None:
                    load_kg[seg.service.id].append((math.ceil(sh.weight_kg), x))
                    load_m3[seg.service.id].append((math.ceil(sh.volume_m3 * 100), x))
        y = model.new_bool_var(f"planned_{sid}")
        model.add(sum(vars_) == y)
        planned[sid] = y
        # Leaving a shipment out costs more than any of its itineraries (phase 2 keeps the count
        # of phase 1 anyway; the penalty only ranks choices that plan the same number).
        penalty = max(unplanned_penalty, 2 * max(it.score for it in its))
        scores.append((-round(penalty * SCORE_SCALE), y))
    for service_id in sorted(load_kg):
        cap_kg, cap_m3 = capacities[service_id]
        model.add(sum(w * x for w, x in load_kg[service_id]) <= int(cap_kg))
        model.add(sum(v * x for v, x in load_m3[service_id]) <= int(cap_m3 * 100))
    return _Model(model, choice, planned, scores)


def _solver(time_limit_s: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    # Deterministic time (work units, about seconds) makes the result independent of machine
    # load; the wall-clock limit is only a safety net.
    solver.parameters.max_deterministic_time = max(0.5, time_limit_s)
    solver.parameters.max_time_in_seconds = 3 * max(0.5, time_limit_s)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1  # deterministic for a given seed
    solver.parameters.linearization_level = 2  # the LP relaxation is what makes this fast
    return solver


def _hint(m: _Model, options: Mapping[str, Sequence[Itinerary]], start: Mapping[str, Itinerary]):
    m.model.clear_hints()
    for (sid, n), x in m.choice.items():
        m.model.add_hint(x, sid in start and options[sid][n].key == start[sid].key)
    for sid, y in m.planned.items():
        m.model.add_hint(y, sid in start)


def _read(
    m: _Model, solver: cp_model.CpSolver, options: Mapping[str, Sequence[Itinerary]]
) -> dict[str, Itinerary]:
    return {sid: options[sid][n] for (sid, n), x in m.choice.items() if solver.value(x)}


def assign(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    *,
    unplanned_penalty: float,
    time_limit_s: float,
    seed: int = 0,
    previous: Mapping[str, Itinerary] | None = None,
) -> tuple[dict[str, Itinerary], str]:
    """Pick at most one itinerary per shipment, as many shipments as possible, then cheapest.

    The search starts from `previous` (an earlier choice, completed greedily where services have
    room) or from the greedy choice, whichever plans more. Returns the choice per shipment id
    and the CP-SAT status name of the cost phase.
    """
    start = greedy(shipments, options, capacities)
    if previous:
        kept = {sid: it for sid, it in previous.items() if it in options.get(sid, ())}
        completed = fill_remaining(shipments, options, capacities, kept)
        if _fits(shipments, capacities, completed) and len(completed) >= len(start):
            start = completed
    m = _build(shipments, options, capacities, unplanned_penalty)
    if not m.planned:
        return {}, "OPTIMAL"
    # Phase 1: the largest number of shipments the services can take.
    _hint(m, options, start)
    m.model.maximize(sum(m.planned.values()))
    solver = _solver(time_limit_s * COUNT_SHARE, seed)
    status = solver.solve(m.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value >= len(start):
        start = _read(m, solver, options)
    # Phase 2: the lowest score among choices that plan that many.
    m.model.add(sum(m.planned.values()) >= len(start))
    _hint(m, options, start)
    m.model.minimize(sum(c * x for c, x in m.scores))
    solver = _solver(time_limit_s * (1 - COUNT_SHARE), seed)
    status = solver.solve(m.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _read(m, solver, options), solver.status_name(status)
    return dict(start), "hint"


def _fits(
    shipments: Sequence[Shipment],
    capacities: Mapping[str, tuple[float, float]],
    chosen: Mapping[str, Itinerary],
) -> bool:
    """Whether a choice keeps every service within capacity in the model's integer units."""
    by_id = {sh.id: sh for sh in shipments}
    used: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sid, it in chosen.items():
        for seg in it.segments:
            if seg.service is not None:
                used[seg.service.id][0] += math.ceil(by_id[sid].weight_kg)
                used[seg.service.id][1] += math.ceil(by_id[sid].volume_m3 * 100)
    return all(
        kg <= int(capacities[s][0]) and m3 <= int(capacities[s][1] * 100)
        for s, (kg, m3) in used.items()
    )


def max_planned(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    *,
    time_limit_s: float,
    seed: int = 0,
) -> tuple[int, int]:
    """(best count found, proven upper bound) of shipments the services can take at once."""
    m = _build(shipments, options, capacities, 0.0)
    if not m.planned:
        return 0, 0
    _hint(m, options, greedy(shipments, options, capacities))
    m.model.maximize(sum(m.planned.values()))
    solver = _solver(time_limit_s, seed)
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, len(m.planned)
    return round(solver.objective_value), math.floor(solver.best_objective_bound + 1e-6)


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
    left = {sid: [math.floor(cap[0]), math.floor(cap[1] * 100)] for sid, cap in capacities.items()}

    def need(sh: Shipment) -> tuple[int, int]:
        # the same integer units as the CP-SAT model, so a greedy choice is a feasible hint
        return math.ceil(sh.weight_kg), math.ceil(sh.volume_m3 * 100)

    for sid, it in chosen.items():
        kg, m3 = need(by_id[sid])
        for seg in it.segments:
            if seg.service is not None:
                left[seg.service.id][0] -= kg
                left[seg.service.id][1] -= m3
    out = dict(chosen)
    for sh in sorted(shipments, key=lambda s: (-s.weight_kg, s.id)):
        if sh.id in out:
            continue
        kg, m3 = need(sh)
        for it in options.get(sh.id, ()):
            services = [seg.service.id for seg in it.segments if seg.service is not None]
            if all(left[s][0] >= kg and left[s][1] >= m3 for s in services):
                for s in services:
                    left[s][0] -= kg
                    left[s][1] -= m3
                out[sh.id] = it
                break
    return out
