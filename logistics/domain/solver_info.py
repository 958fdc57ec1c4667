"""How a plan was solved: the solver's status, time, seed, rounds and the options it ran with."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from logistics.domain.validation import require_aware
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class SolverInfo:
    """The plan document's `solver` object, in the order the document lists it.

    `status`: the service assignment's CP-SAT status in lower case (`optimal`, `feasible`, ...),
    or `constructed` for a plan built without a solver. `iterations`: the planner's rounds
    (routing and repair). `now`: the clock the plan was made at (None: offline). A new fact is
    a new field (with a default): the document writes and reads every field."""

    time_s: float = 0.0
    seed: int = 0
    iterations: int = 0
    # the planner's safety net: `planned` (were unplanned) and `on_time` (were late) shipment
    # ids moved to dedicated trucks; None for a plan made without one
    safety_net: Mapping[str, Sequence[str]] | None = None
    status: str = ""
    time_limit_s: float | None = None
    lateness_price: float | None = None
    now: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.status, str):
            raise DomainError(f"solver status must be a string, got {self.status!r}")
        for name in ("time_s", "time_limit_s", "lateness_price"):
            value = getattr(self, name)
            if value is None and name != "time_s":
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise DomainError(f"solver {name} must be a number >= 0, got {value!r}")
        for name in ("seed", "iterations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DomainError(f"solver {name} must be a whole number, got {value!r}")
        if self.now is not None:
            require_aware("solver now", self.now)
        if self.safety_net is not None and not (
            isinstance(self.safety_net, Mapping)
            and all(
                isinstance(ids, Sequence)
                and not isinstance(ids, str)
                and all(isinstance(i, str) for i in ids)
                for ids in self.safety_net.values()
            )
        ):
            raise DomainError(
                f"solver safety_net must map planned / on_time to shipment ids, "
                f"got {self.safety_net!r}"
            )
