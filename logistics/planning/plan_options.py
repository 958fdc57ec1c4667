"""What a plan is asked for: objective, time limit, seed, clock, forecasts, incumbents, ids."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from logistics.domain.validation import require_id
from logistics.errors import DomainError
from logistics.planning.objectives import Objective, objective_named


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """The planner's keyword options (DESIGN 7.4), checked once when made.

    `objective`: a preset (objectives.py). `time_limit_s`: a promise, not a budget: the plan
    returns by it plus a small grace. `seed`: same input and seed, same plan. `workers`: routing
    processes at a time. `lateness_price` (currency units per shipment-hour late): lets lateness
    trade against the preset's measure (None: on time first). `now`: nothing is booked before it
    (None: offline, without a clock). `forecasts`: service id -> forecast arrival (tracking).
    `incumbent`: shipment id -> its accepted itinerary (service ids and `truck:FROM>TO`, see
    incumbent.py); `change_penalty`: currency units per changed shipment against the measure
    (None: keeping ranks below on time and above the measure). `plan_id`: the plan's id (None:
    one derived from the shipments, objective and seed).
    """

    objective: str = "balanced"
    time_limit_s: float = 60.0
    seed: int = 0
    workers: int = 2
    lateness_price: float | None = None
    now: datetime | None = None
    forecasts: Mapping[str, datetime] = field(default_factory=dict)
    incumbent: Mapping[str, Sequence[str]] = field(default_factory=dict)
    change_penalty: float | None = None
    plan_id: str | None = None

    def __post_init__(self) -> None:
        if self.lateness_price is not None and not _number(self.lateness_price):
            _refuse("lateness_price", self.lateness_price, "currency units >= 0, or None")
        self.preset  # noqa: B018 (an unknown objective or a bad lateness price raises here)
        if not _number(self.time_limit_s) or self.time_limit_s <= 0:
            _refuse("time_limit_s", self.time_limit_s, "seconds > 0, e.g. 60")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            _refuse("seed", self.seed, "a whole number, e.g. 0")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            _refuse("workers", self.workers, "a whole number of processes >= 1, e.g. 2")
        if self.change_penalty is not None and (
            not _number(self.change_penalty) or self.change_penalty < 0
        ):
            _refuse(
                "change_penalty",
                self.change_penalty,
                "currency units per changed shipment >= 0, or None to rank keeping below on time",
            )
        if self.now is not None and not _aware(self.now):
            _refuse("now", self.now, "a time-zone aware datetime (with a UTC offset)")
        for sid, when in self.forecasts.items():
            if not isinstance(sid, str) or not _aware(when):
                _refuse(
                    f"forecasts[{sid!r}]", when, "a time-zone aware forecast arrival per service id"
                )
        incumbent: dict[str, tuple[str, ...]] = {}
        for sid, key in self.incumbent.items():
            if isinstance(key, str) or not all(isinstance(k, str) and k for k in key):
                _refuse(
                    f"incumbent[{sid!r}]",
                    key,
                    "the itinerary's service ids and `truck:FROM>TO` legs, in order",
                )
            incumbent[sid] = tuple(key)
        if self.plan_id is not None:
            try:
                require_id("plan", self.plan_id)
            except DomainError as exc:
                raise DomainError(f"PlanOptions.plan_id: {exc}") from None
        # copies: the options do not change when the caller's dicts do
        object.__setattr__(self, "forecasts", dict(self.forecasts))
        object.__setattr__(self, "incumbent", incumbent)

    @property
    def preset(self) -> Objective:
        """The objective preset, priced with `lateness_price`."""
        return objective_named(self.objective, lateness_price=self.lateness_price)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def _refuse(name: str, value: object, expected: str) -> None:
    raise DomainError(f"PlanOptions.{name} is {value!r}; expected {expected}")
