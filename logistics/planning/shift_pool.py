"""The free truck shifts of a greedy construction, grouped by kind for fast first-fit search.

Shifts that differ only in their id (same depot, hours, speed, size, capabilities and costs)
make exactly the same trips, and a large fleet has many of each kind (a generated month: about
30,000 shifts of some 650 kinds). So a search over the free shifts in order of (start, id) tries
only the free shift with the lowest id of each kind: when it cannot make a trip, no shift of its
kind can, and when it can, it is the first of its kind in that order.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime, timedelta

from logistics.domain import Vehicle

Kind = tuple[object, ...]
Size = tuple[frozenset[str], float, float]  # capabilities, kg, m3
View = tuple[list[datetime], list[list[Kind]]]  # shift starts, and the kinds starting at each


def kind(v: Vehicle) -> Kind:
    """Everything a dedicated trip reads of a shift, except its id."""
    return (
        v.available_from,
        v.available_until,
        v.depot,
        v.speed_kmh,
        v.capacity_kg,
        v.capacity_m3,
        v.capabilities,
        v.fixed_cost,
        v.cost_per_km,
        v.cost_per_hour,
    )


class ShiftPool:
    """Free shifts, taken and given back one at a time, searched start by start."""

    def __init__(self, vehicles: Sequence[Vehicle]) -> None:
        self._free: dict[Kind, list[tuple[str, Vehicle]]] = {}  # kind -> heap by id
        # kind -> (size: capabilities, kg, m3), (depot, speed), end of the shift
        self._facts: dict[
            Kind, tuple[tuple[frozenset[str], float, float], tuple[str, float], datetime]
        ]
        self._facts = {}
        by_start: dict[datetime, list[Kind]] = {}
        for v in vehicles:
            k = kind(v)
            if k not in self._free:
                self._free[k] = []
                self._facts[k] = (
                    (v.capabilities, v.capacity_kg, v.capacity_m3),
                    (v.depot, v.speed_kmh),
                    v.available_until,
                )
                by_start.setdefault(v.available_from, []).append(k)
            heapq.heappush(self._free[k], (v.id, v))
        self._starts = sorted(by_start)
        self._kinds = [by_start[t] for t in self._starts]
        self._longest = max(
            (v.available_until - v.available_from for v in vehicles), default=timedelta()
        )

    def view(
        self,
        sizes: Collection[Size],
        drive: Callable[[str, float], timedelta],
    ) -> View:
        """Only the kinds of a size in `sizes` (capabilities, kg, m3) whose shift is at least
        `drive(depot, speed)` long, for `starts`."""
        drives: dict[tuple[str, float], timedelta] = {}
        starts: list[datetime] = []
        kept_kinds: list[list[Kind]] = []
        for start, kinds in zip(self._starts, self._kinds, strict=True):
            kept = []
            for k in kinds:
                size, how, until = self._facts[k]
                if size not in sizes:
                    continue
                d = drives.get(how)
                if d is None:
                    d = drives[how] = drive(*how)
                if start + d <= until:
                    kept.append(k)
            if kept:
                starts.append(start)
                kept_kinds.append(kept)
        return starts, kept_kinds

    def starts(
        self, after: datetime, view: View | None = None
    ) -> Iterator[tuple[datetime, list[Vehicle]]]:
        """Per shift start, in order: the free shifts starting then and ending after `after`,
        one per kind (its lowest id), by id, of the kinds in `view` (all). Starts whose shifts
        all end by `after` are left out."""
        starts, kinds = view or (self._starts, self._kinds)
        # a shift starting at or before after - longest shift ends at or before after
        for n in range(bisect_right(starts, after - self._longest), len(starts)):
            shifts = [
                heap[0][1]
                for k in kinds[n]
                if (heap := self._free[k]) and heap[0][1].available_until > after
            ]
            if shifts:
                shifts.sort(key=lambda v: v.id)
                yield self._starts[n], shifts

    def take(self, v: Vehicle) -> None:
        """`v` (the lowest free id of its kind, as `starts` gives it) is no longer free."""
        heap = self._free[kind(v)]
        if not heap or heap[0][1] is not v:
            raise ValueError(f"shift {v.id} is not the next free shift of its kind")
        heapq.heappop(heap)

    def give_back(self, v: Vehicle) -> None:
        """`v` is free again."""
        heapq.heappush(self._free[kind(v)], (v.id, v))
