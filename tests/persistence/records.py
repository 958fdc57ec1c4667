"""Comparing domain records strictly: equal values AND the same UTC offsets on every datetime."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from logistics.domain import Scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MINIMAL = FIXTURES / "bundles" / "minimal"
ODD_OFFSETS = FIXTURES / "persistence" / "odd_offsets"


def offsets(record: Any) -> dict[str, Any]:
    """The UTC offset of every datetime field of a record."""
    return {
        f.name: getattr(record, f.name).utcoffset()
        for f in fields(record)
        if isinstance(getattr(record, f.name), datetime)
    }


def identical(a: Any, b: Any) -> bool:
    """Equal records whose datetimes also carry the same offsets (== alone compares instants)."""
    return bool(a == b and offsets(a) == offsets(b))


def identical_scenarios(a: Scenario, b: Scenario) -> bool:
    """The same records of every kind, whatever their order, offsets included."""
    pairs: list[tuple[Mapping[Any, Any], Mapping[Any, Any]]] = [
        (a.location_by_id, b.location_by_id),
        (a.service_by_id, b.service_by_id),
        (a.vehicle_by_id, b.vehicle_by_id),
        (a.shipment_by_id, b.shipment_by_id),
        (a.road_link_by_pair, b.road_link_by_pair),
    ]
    return all(x.keys() == y.keys() and all(identical(x[k], y[k]) for k in x) for x, y in pairs)
