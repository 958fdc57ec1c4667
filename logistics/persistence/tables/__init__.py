"""ORM tables, one module per aggregate; importing this package registers them all."""

from logistics.persistence.tables.api_keys import ApiKeyRow
from logistics.persistence.tables.disruptions import DisruptionRow
from logistics.persistence.tables.master_data import (
    LocationRow,
    RoadLinkRow,
    ServiceRow,
    ShipmentRow,
    VehicleRow,
)
from logistics.persistence.tables.plan_jobs import PlanJobRow
from logistics.persistence.tables.routing_subproblems import RoutingSubproblemRow
from logistics.persistence.tables.share_links import ShareLinkRow
from logistics.persistence.tables.shipment_changes import ShipmentChangeRow
from logistics.persistence.tables.tracking import (
    BookedLegRow,
    EventRow,
    IdempotencyRow,
    RawMessageRow,
)
from logistics.persistence.tables.tracking_state import (
    ExceptionRow,
    PositionRow,
    ShipmentReferenceRow,
    ShipmentStateRow,
)
from logistics.persistence.tables.webhooks import WebhookOutboxRow, WebhookSubscriptionRow

__all__ = [
    "ApiKeyRow",
    "BookedLegRow",
    "DisruptionRow",
    "EventRow",
    "ExceptionRow",
    "IdempotencyRow",
    "LocationRow",
    "PlanJobRow",
    "PositionRow",
    "RawMessageRow",
    "RoadLinkRow",
    "RoutingSubproblemRow",
    "ServiceRow",
    "ShareLinkRow",
    "ShipmentChangeRow",
    "ShipmentReferenceRow",
    "ShipmentRow",
    "ShipmentStateRow",
    "VehicleRow",
    "WebhookOutboxRow",
    "WebhookSubscriptionRow",
]
