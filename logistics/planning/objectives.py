"""Objective presets: the order of what a plan achieves, and each preset's own measure.

Every preset is lexicographic: first as many shipments planned as possible, then as many on time
as possible, then the least remaining lateness in shipment-hours, then (when replanning against
an accepted plan) as many shipments kept on their accepted itinerary as possible, and only then
the preset's own measure (cost, transit time, CO2e). A coordinator may set a `lateness_price`
(currency units per shipment-hour late): lateness then joins the preset's measure at that price
instead of coming first, so the plan may trade punctuality for money at that rate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Objective:
    """A preset's own measure (currency units per unit of each term) and the lateness rule."""

    name: str
    cost: float
    per_transit_hour: float
    per_co2_kg: float
    lateness_price: float | None = None  # None: on time first, never late to save money

    def measure(self, cost: float, transit_h: float, co2: float) -> float:
        """The preset's own measure of an itinerary (lower is better)."""
        return self.cost * cost + self.per_transit_hour * transit_h + self.per_co2_kg * co2

    @property
    def on_time_first(self) -> bool:
        """Whether punctuality ranks above the measure (no lateness price set)."""
        return self.lateness_price is None

    def priced(self, lateness_price: float | None) -> Objective:
        """This preset with a lateness price (None keeps on time first)."""
        if lateness_price is not None and not lateness_price >= 0:
            raise DomainError(
                f"lateness_price must be a number of currency units per shipment-hour >= 0, "
                f"got {lateness_price!r}"
            )
        return replace(self, lateness_price=lateness_price)


PRESETS = {
    "cheapest": Objective("cheapest", 1.0, 0.0, 0.0),
    "fastest": Objective("fastest", 0.05, 200.0, 0.0),
    "greenest": Objective("greenest", 0.2, 0.0, 20.0),
    "balanced": Objective("balanced", 1.0, 5.0, 0.5),
}


def objective_named(name: str, *, lateness_price: float | None = None) -> Objective:
    """The preset called `name`, with an optional lateness price."""
    try:
        preset = PRESETS[name]
    except KeyError:
        raise DomainError(f"unknown objective {name!r}; use one of: {', '.join(PRESETS)}") from None
    return preset.priced(lateness_price)
