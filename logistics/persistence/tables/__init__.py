"""ORM tables, one module per aggregate; importing this package registers them all."""

from logistics.persistence.tables.api_keys import ApiKeyRow
from logistics.persistence.tables.master_data import (
    LocationRow,
    RoadLinkRow,
    ServiceRow,
    ShipmentRow,
    VehicleRow,
)
from logistics.persistence.tables.plan_jobs import PlanJobRow
from logistics.persistence.tables.tracking import (
    BookedLegRow,
    EventRow,
    IdempotencyRow,
    RawMessageRow,
)

__all__ = [
    "ApiKeyRow",
    "BookedLegRow",
    "EventRow",
    "IdempotencyRow",
    "LocationRow",
    "PlanJobRow",
    "RawMessageRow",
    "RoadLinkRow",
    "ServiceRow",
    "ShipmentRow",
    "VehicleRow",
]
