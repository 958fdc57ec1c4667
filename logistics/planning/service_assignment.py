"""Stage A, part 2: choose one itinerary per shipment under service capacities (CP-SAT).

The choice is lexicographic, solved level by level; each level's best value is then fixed as a
constraint for the next (a level the solver proves optimal is exact; one stopped by its time
limit fixes the best value found, never a worse one than the starting hint):

1. as many shipments planned as possible;
2. as many of them on time as possible (estimated delivery no later than due);
3. the least remaining lateness, in shipment-minutes;
4. as many shipments kept on their incumbent (accepted) itinerary as possible;
5. the lowest score: the preset's own measure.

With a lateness price, levels 2 and 3 fold into the score (lateness at that price); with a change
penalty, level 4 folds into it too (each changed shipment at that price). Every level starts from
a hint (the greedy or previous choice); a level whose hint already meets its bound is not solved.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from logistics.domain import Shipment
from logistics.planning.itinerary import Itinerary

SCORE_SCALE = 10  # objective in tenths of a currency unit
# shares of the time limit per level (a level skipped leaves its share to the last one)
SHARES = {"planned": 0.3, "on_time": 0.15, "lateness": 0.1, "kept": 0.1}


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the assignment ranks between "planned" and the score: punctuality and incumbents."""

    on_time_first: bool = True  # False when lateness carries a price (already in the score)
    incumbent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # id -> itinerary key
    change_penalty: float | None = None  # None: keeping ranks above the score; else its price


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


def _keys(options: Mapping[str, Sequence[Itinerary]]) -> dict[tuple[str, int], tuple[str, ...]]:
    """(shipment, itinerary index) -> the itinerary's key, computed once per assignment."""
    return {(sid, n): it.key for sid, its in options.items() for n, it in enumerate(its)}


def _hint(
    m: _Model,
    options: Mapping[str, Sequence[Itinerary]],
    start: Mapping[str, Itinerary],
    keys: Mapping[tuple[str, int], tuple[str, ...]] | None = None,
) -> None:
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    keys = _keys(options) if keys is None else keys
    chosen = {sid: it.key for sid, it in start.items()}
    # what add_hint appends, variable by variable, in one go (it was seconds per level)
    indices: list[int] = []
    values: list[int] = []
    for (sid, n), x in m.choice.items():
        indices.append(x.index)
        values.append(int(sid in chosen and keys[(sid, n)] == chosen[sid]))
    for sid, y in m.planned.items():
        indices.append(y.index)
        values.append(int(sid in start))
    hint = m.model.proto.solution_hint
    hint.vars.extend(indices)
    hint.values.extend(values)


def _read(
    m: _Model, solver: cp_model.CpSolver, options: Mapping[str, Sequence[Itinerary]]
) -> dict[str, Itinerary]:
    return {sid: options[sid][n] for (sid, n), x in m.choice.items() if solver.value(x)}


@dataclass(frozen=True, slots=True)
class _Level:
    """One level of the lexicographic order: integer weights per choice, a direction, a bound."""

    name: str
    weights: dict[tuple[str, int], int]  # (shipment, itinerary index) -> weight
    maximize: bool
    bound: int  # the best value any choice could reach, ignoring capacities

    def value(
        self,
        options: Mapping[str, Sequence[Itinerary]],
        chosen: Mapping[str, Itinerary],
        index: Mapping[tuple[str, tuple[str, ...]], int] | None = None,
    ) -> int:
        """The level's value for a choice (`index`: (shipment, key) -> itinerary index)."""
        if index is None:
            index = {(sid, key): n for (sid, n), key in _keys(options).items()}
        return sum(self.weights.get((sid, index[(sid, it.key)]), 0) for sid, it in chosen.items())


def _levels(options: Mapping[str, Sequence[Itinerary]], prefs: Preferences) -> list[_Level]:
    """The levels above the score, in order."""
    planned = {(sid, n): 1 for sid, its in options.items() for n in range(len(its))}
    levels = [_Level("planned", planned, True, sum(1 for its in options.values() if its))]
    if prefs.on_time_first:
        on_time = {
            (sid, n): 1
            for sid, its in options.items()
            for n, it in enumerate(its)
            if it.late_minutes == 0
        }
        late = {
            (sid, n): it.late_minutes
            for sid, its in options.items()
            for n, it in enumerate(its)
            if it.late_minutes > 0
        }
        levels.append(_Level("on_time", on_time, True, len({sid for sid, _ in on_time})))
        levels.append(_Level("lateness", late, False, 0))
    if prefs.incumbent and prefs.change_penalty is None:
        kept = {
            (sid, n): 1
            for sid, its in options.items()
            for n, it in enumerate(its)
            if prefs.incumbent.get(sid) == it.key
        }
        levels.append(_Level("kept", kept, True, len(kept)))
    return levels


def _better_or_equal(level: _Level, a: int, b: int) -> bool:
    return a >= b if level.maximize else a <= b


def assign(
    shipments: Sequence[Shipment],
    options: Mapping[str, Sequence[Itinerary]],
    capacities: Mapping[str, tuple[float, float]],
    *,
    time_limit_s: float,
    seed: int = 0,
    previous: Mapping[str, Itinerary] | None = None,
    preferences: Preferences | None = None,
) -> tuple[dict[str, Itinerary], str]:
    """Pick at most one itinerary per shipment: as many shipments as possible, then on time,
    then the least lateness, then kept, then the lowest score (see the module's order).

    The search starts from `previous` (an earlier choice, completed greedily where services have
    room) or from the greedy choice, whichever plans more. Returns the choice per shipment id
    and the CP-SAT status name of the score level.
    """
    prefs = preferences or Preferences()
    start = greedy(shipments, options, capacities)
    if previous:
        kept = {sid: it for sid, it in previous.items() if it in options.get(sid, ())}
        completed = fill_remaining(shipments, options, capacities, kept)
        if _fits(shipments, capacities, completed) and len(completed) >= len(start):
            start = completed
    m = _build(shipments, options, capacities)
    if not m.planned:
        return {}, "OPTIMAL"
    keys = _keys(options)
    index = {(sid, key): n for (sid, n), key in keys.items()}
    spare = 1.0 - sum(SHARES.values())
    for level in _levels(options, prefs):
        share = SHARES[level.name]
        expr = sum(w * m.choice[key] for key, w in level.weights.items())
        found = level.value(options, start, index)
        if found == level.bound:
            spare += share  # the hint already reaches what no choice can beat
        else:
            _hint(m, options, start, keys)
            if level.maximize:
                m.model.maximize(expr)
            else:
                m.model.minimize(expr)
            solver = _solver(time_limit_s * share, seed)
            status = solver.solve(m.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                better = _read(m, solver, options)
                if _better_or_equal(level, level.value(options, better, index), found):
                    start, found = better, level.value(options, better, index)
        # fix this level at the value reached before ranking by the next one
        if level.maximize:
            m.model.add(expr >= found)
        else:
            m.model.add(expr <= found)
    score = [(c, x) for c, x in m.scores]
    if prefs.incumbent and prefs.change_penalty is not None:
        # a changed shipment (planned, not on its incumbent) costs the change penalty
        penalty = round(prefs.change_penalty * SCORE_SCALE)
        for (sid, n), x in m.choice.items():
            if sid in prefs.incumbent and options[sid][n].key != prefs.incumbent[sid]:
                score.append((penalty, x))
    _hint(m, options, start, keys)
    m.model.minimize(sum(c * x for c, x in score))
    solver = _solver(time_limit_s * spare, seed)
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
    m = _build(shipments, options, capacities)
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
