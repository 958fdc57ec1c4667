"""The planner's deadline: `plan(...)` returns by its time limit plus a grace, always."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

GRACE_MIN_S = 5.0
GRACE_SHARE = 0.05
SEARCH_SHARE = 0.4  # the itinerary search stops at this share of the limit (the rest: unplanned)
RESERVE_S = 1.0  # kept back from the routing for assembling the plan, plus RESERVE_SHARE
RESERVE_SHARE = 0.02
RESCUE_SHARE = 0.04  # also kept back from the routing, for the safety net (safety_net.py)


def grace_s(time_limit_s: float) -> float:
    """How far past its time limit a plan may return: the larger of 5 s and 5 %."""
    return max(GRACE_MIN_S, GRACE_SHARE * time_limit_s)


@dataclass(slots=True)
class Deadline:
    """The time a plan has: what is left of it, and the wall-clock stop for solver stages."""

    time_limit_s: float
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        """Seconds since the plan started."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left of the time limit (negative once past it)."""
        return self.time_limit_s - self.elapsed()

    def assembling(self) -> float:
        """Seconds kept for assembling the plan document, after everything else."""
        return RESERVE_S + RESERVE_SHARE * self.time_limit_s

    def reserve(self) -> float:
        """Seconds kept for what follows the solver stages: the safety net's dedicated trips
        (a share of the limit, which at 20,000 shipments is thousands of them to place), then
        assembling the plan."""
        return self.assembling() + RESCUE_SHARE * self.time_limit_s

    def searching(self) -> bool:
        """Whether the itinerary search may still start on another shipment."""
        return self.elapsed() < SEARCH_SHARE * self.time_limit_s

    def stage_stop(self) -> float:
        """Wall clock (`time.time()`) at which a solver stage is stopped: the limit less the
        reserve (a stage's workers are killed then)."""
        return time.time() + max(0.0, self.left() - self.reserve())

    def room(self, seconds: float) -> bool:
        """Whether `seconds` more of solving fit before the reserve."""
        return self.left() - self.reserve() >= seconds
