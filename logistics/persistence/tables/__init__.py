"""ORM tables, one module per aggregate; importing this package registers them all."""

from logistics.persistence.tables.api_keys import ApiKeyRow
from logistics.persistence.tables.master_data import (
    LocationRow,
    RoadLinkRow,
    ServiceRow,
    ShipmentRow,
    VehicleRow,
)

__all__ = ["ApiKeyRow", "LocationRow", "RoadLinkRow", "ServiceRow", "ShipmentRow", "VehicleRow"]
