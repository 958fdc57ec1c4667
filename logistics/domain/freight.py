"""Freight rules shared by planning and reporting: chargeable weight and default emission classes."""

from __future__ import annotations

from logistics.domain.enums import Mode

VOLUMETRIC_KG_PER_M3 = {Mode.AIR: 166.67, Mode.RAIL: 333.33, Mode.ROAD: 333.33}
SHORT_HAUL_AIR_KM = 1500.0


def chargeable_kg(mode: Mode, weight_kg: float, volume_m3: float) -> float:
    """max(weight, volume x F): F = 166.67 kg/m3 for air, 333.33 for rail and road."""
    return max(weight_kg, volume_m3 * VOLUMETRIC_KG_PER_M3[mode])


def default_service_factor_id(mode: Mode, distance_km: float) -> str:
    """The emission factor of a service that names none: by mode, and for air by distance."""
    if mode is Mode.AIR:
        return "air_freighter_short" if distance_km < SHORT_HAUL_AIR_KM else "air_freighter_long"
    return "rail_cn_eu" if mode is Mode.RAIL else "truck_heavy"


def default_vehicle_factor_id(capacity_kg: float) -> str:
    """The emission factor of a truck that names none, by its capacity."""
    if capacity_kg <= 3500:
        return "truck_light"
    return "truck_medium" if capacity_kg <= 18000 else "truck_heavy"
