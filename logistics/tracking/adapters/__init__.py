"""Feed adapters: one module per format, each a pure `parse_<format>(payload, *, ...)`."""

from logistics.tracking.adapters.cargo_imp_fsu import parse_fsu
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.one_record import parse_one_record
from logistics.tracking.adapters.rail_csv import parse_rail_csv
from logistics.tracking.adapters.road_gps import GeofenceRules, PlannedStop, parse_road_gps
from logistics.tracking.adapters.unified_json import parse_unified_json

__all__ = [
    "GeofenceRules",
    "PlannedStop",
    "parse_dcsa_tnt",
    "parse_fsu",
    "parse_one_record",
    "parse_rail_csv",
    "parse_road_gps",
    "parse_unified_json",
]
