"""A plan's KPIs: counts, cost, punctuality, lead time, CO2e, trucks and service loads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from logistics.errors import DomainError

_COUNTS = ("shipments", "planned", "unplanned", "on_time", "trucks_used")
_BY_KEY = ("unplanned_by_reason", "co2_kg_by_mode", "tkm_by_mode")


@dataclass(frozen=True, slots=True)
class PlanKpis:
    """What a plan achieves (REFERENCE-NETWORK 1.3), in the order the plan document lists it.

    Amounts are rounded as the document shows them; `against_incumbent` (kept / changed /
    dropped counts) is None when the plan was given no incumbents."""

    shipments: int = 0
    planned: int = 0
    unplanned: int = 0
    unplanned_by_reason: Mapping[str, int] = field(default_factory=dict)
    on_time: int = 0
    on_time_share: float = 0.0
    late_hours_total: float = 0.0
    late_hours_avg: float = 0.0
    cost: float = 0.0
    service_cost: float = 0.0
    truck_cost: float = 0.0
    cost_per_chargeable_kg: float = 0.0
    co2_kg: float = 0.0
    co2_kg_by_mode: Mapping[str, float] = field(default_factory=dict)
    tkm_by_mode: Mapping[str, float] = field(default_factory=dict)
    lead_time_h_avg: float = 0.0
    lead_time_h_p95: float = 0.0
    trucks_used: int = 0
    truck_km: float = 0.0
    transshipments_avg: float = 0.0
    service_load_factor_avg: float = 0.0
    against_incumbent: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _BY_KEY or f.name == "against_incumbent":
                if value is None and f.name == "against_incumbent":
                    continue
                if not isinstance(value, Mapping) or not all(
                    isinstance(k, str) and _number(v) for k, v in value.items()
                ):
                    raise DomainError(
                        f"KPI {f.name} must map names to numbers, got {value!r}; "
                        'write it as a JSON object such as {"air": 812.0}'
                    )
            elif f.name in _COUNTS:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise DomainError(f"KPI {f.name} must be a count >= 0, got {value!r}")
            elif not _number(value):
                raise DomainError(f"KPI {f.name} must be a finite number, got {value!r}")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
