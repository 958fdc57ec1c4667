"""Emission factors (g CO2e per tonne-km), kept as data with their source."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain.enums import Mode
from logistics.domain.validation import require_non_negative
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """One well-to-wheel (or tank-to-wheel) factor for a mode and vehicle class."""

    factor_id: str
    mode: Mode
    vehicle_class: str
    scope: str
    g_per_tkm: float
    source: str
    version: str
    region: str
    verified: bool

    def __post_init__(self) -> None:
        if self.scope not in ("WTW", "TTW"):
            raise DomainError(f"emission factor {self.factor_id}: scope must be WTW or TTW")
        require_non_negative(f"emission factor {self.factor_id}: g_per_tkm", self.g_per_tkm)
