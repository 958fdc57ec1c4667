"""Objective presets: how cost, transit time, CO2 and lateness trade off."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Objective:
    """Weights of the planning objective (currency units per unit of each term)."""

    name: str
    cost: float
    per_transit_hour: float
    per_co2_kg: float
    per_late_hour_per_tonne: float = 400.0
    unplanned_penalty: float = 1_000_000.0


PRESETS = {
    "cheapest": Objective("cheapest", 1.0, 0.0, 0.0),
    "fastest": Objective("fastest", 0.05, 200.0, 0.0),
    "greenest": Objective("greenest", 0.2, 0.0, 20.0),
    "balanced": Objective("balanced", 1.0, 5.0, 0.5),
}


def objective_named(name: str) -> Objective:
    """The preset called `name`."""
    try:
        return PRESETS[name]
    except KeyError:
        raise DomainError(f"unknown objective {name!r}; use one of: {', '.join(PRESETS)}") from None
