"""Costs and emissions of legs and trucks (DESIGN 3.3); factors come in as data."""

from __future__ import annotations

from collections.abc import Sequence

from logistics.domain import EmissionFactor, Mode, Scenario, Service, Vehicle
from logistics.domain.freight import (
    chargeable_kg,
    default_service_factor_id,
    default_vehicle_factor_id,
)
from logistics.domain.geo import air_km


def service_leg_cost(service: Service, weight_kg: float, volume_m3: float) -> float:
    """cost_per_kg x chargeable kg."""
    return service.cost_per_kg * chargeable_kg(service.mode, weight_kg, volume_m3)


def truck_cost(vehicle: Vehicle, distance_km: float, hours: float) -> float:
    """fixed + per km x route km + per hour x hours from leaving the depot to returning."""
    return vehicle.fixed_cost + vehicle.cost_per_km * distance_km + vehicle.cost_per_hour * hours


def service_distance_km(scenario: Scenario, service: Service) -> float:
    """Emission distance: air great-circle + 95 km; rail and road the road model distance."""
    if service.mode is Mode.AIR:
        a, b = scenario.location_by_id[service.origin], scenario.location_by_id[service.destination]
        return air_km(a.lat, a.lon, b.lat, b.lon)
    return scenario.road_distance_km(service.origin, service.destination)


def service_factor_id(scenario: Scenario, service: Service) -> str:
    """The factor named by the service, else one derived from mode and distance."""
    if service.emission_class:
        return service.emission_class
    if service.mode is Mode.AIR:
        return default_service_factor_id(service.mode, service_distance_km(scenario, service))
    return default_service_factor_id(service.mode, 0.0)


def vehicle_factor_id(vehicle: Vehicle) -> str:
    """The factor named by the truck, else one derived from its capacity."""
    if vehicle.emission_class:
        return vehicle.emission_class
    return default_vehicle_factor_id(vehicle.capacity_kg)


def factor_table(factors: Sequence[EmissionFactor]) -> dict[str, float]:
    """g CO2e per tonne-km by factor id."""
    return {f.factor_id: f.g_per_tkm for f in factors}


def co2_kg(distance_km: float, weight_kg: float, g_per_tkm: float) -> float:
    """distance x tonnes x factor, in kg CO2e."""
    return distance_km * weight_kg / 1000.0 * g_per_tkm / 1000.0
