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
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from logistics.domain import Vehicle

Kind = tuple[object, ...]


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
        by_start: dict[datetime, list[Kind]] = {}
        for v in vehicles:
            k = kind(v)
            if k not in self._free:
                self._free[k] = []
                by_start.setdefault(v.available_from, []).append(k)
            heapq.heappush(self._free[k], (v.id, v))
        self._starts = sorted(by_start)
        self._kinds = [by_start[t] for t in self._starts]
        self._longest = max(
            (v.available_until - v.available_from for v in vehicles), default=timedelta()
        )

    def starts(self, after: datetime) -> Iterator[tuple[datetime, list[Vehicle]]]:
        """Per shift start, in order: the free shifts starting then and ending after `after`,
        one per kind (its lowest id), by id. Starts whose shifts all end by `after` are left
        out."""
        # a shift starting at or before after - longest shift ends at or before after
        for n in range(bisect_right(self._starts, after - self._longest), len(self._starts)):
            shifts = [
                heap[0][1]
                for k in self._kinds[n]
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
