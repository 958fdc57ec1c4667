"""Domain values: frozen, self-validating dataclasses and enums (standard library only)."""

from logistics.domain.disruption import Disruption, DisruptionKind
from logistics.domain.emission_factor import EmissionFactor
from logistics.domain.enums import LocationKind, Mode, Role
from logistics.domain.location import Location
from logistics.domain.notification import Notice, NoticeKind
from logistics.domain.plan import (
    Alternative,
    Change,
    Leg,
    Plan,
    ServiceLoad,
    ShipmentPlan,
    ShipmentPlanStatus,
    UnplannedReason,
    VehicleRoute,
    VehicleStop,
)
from logistics.domain.plan_kpis import PlanKpis
from logistics.domain.principal import Principal
from logistics.domain.road_link import RoadLink
from logistics.domain.scenario import Scenario
from logistics.domain.service import Service
from logistics.domain.shipment import Shipment
from logistics.domain.solver_info import SolverInfo
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType, TrackingEvent
from logistics.domain.vehicle import Vehicle

__all__ = [
    "Alternative",
    "Change",
    "Disruption",
    "DisruptionKind",
    "EmissionFactor",
    "ExceptionReason",
    "Leg",
    "Location",
    "LocationKind",
    "Milestone",
    "Mode",
    "Notice",
    "NoticeKind",
    "Plan",
    "PlanKpis",
    "Principal",
    "RoadLink",
    "Role",
    "Scenario",
    "Service",
    "ServiceLoad",
    "Shipment",
    "ShipmentPlan",
    "ShipmentPlanStatus",
    "SolverInfo",
    "TimeType",
    "TrackingEvent",
    "UnplannedReason",
    "Vehicle",
    "VehicleRoute",
    "VehicleStop",
]
