"""Import a scenario into the database: all or nothing, idempotent, conflicts reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from logistics.domain import Scenario
from logistics.domain.validation import format_tags
from logistics.errors import Conflict
from logistics.persistence.repositories import locations, road_links, services, shipments, vehicles

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KindCount:
    """How many records of one kind were created and how many were already stored."""

    created: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Per-kind counts of an import."""

    counts: Mapping[str, KindCount]

    @property
    def created(self) -> int:
        """Records created, all kinds."""
        return sum(c.created for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        """Records already stored identically, all kinds."""
        return sum(c.unchanged for c in self.counts.values())

    def summary(self) -> str:
        """One readable line per kind."""
        parts = [
            f"{kind}: {c.created} created, {c.unchanged} unchanged"
            for kind, c in self.counts.items()
        ]
        return "imported — " + "; ".join(parts)


def _show(value: Any) -> str:
    """Render a field value the way bundles write it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return repr(format_tags(value))
    if isinstance(value, Enum):
        return str(value.value)
    return repr(value)


def _differences(stored: Any, incoming: Any) -> list[str]:
    out = []
    for field in fields(stored):
        a, b = getattr(stored, field.name), getattr(incoming, field.name)
        if a != b:
            out.append(f"{field.name}: stored {_show(a)} != incoming {_show(b)}")
    return out


def _split(
    kind: str,
    incoming: Sequence[T],
    stored: Mapping[Any, T],
    key: Callable[[T], Any],
    conflicts: list[str],
) -> tuple[list[T], int]:
    new: list[T] = []
    unchanged = 0
    for item in incoming:
        existing = stored.get(key(item))
        if existing is None:
            new.append(item)
        elif existing == item:
            unchanged += 1
        else:
            diff = "; ".join(_differences(existing, item))
            k = key(item)
            label = "->".join(k) if isinstance(k, tuple) else k
            conflicts.append(f"{kind} {label}: differs from the stored record ({diff})")
    return new, unchanged


def _plan_import(
    session: Session, scenario: Scenario
) -> tuple[dict[str, tuple[list[Any], int]], list[str]]:
    conflicts: list[str] = []
    plan: dict[str, tuple[list[Any], int]] = {}
    plan["locations"] = _split(
        "location",
        scenario.locations,
        locations.by_ids(session, scenario.location_by_id),
        lambda x: x.id,
        conflicts,
    )
    plan["services"] = _split(
        "service",
        scenario.services,
        services.by_ids(session, scenario.service_by_id),
        lambda x: x.id,
        conflicts,
    )
    plan["vehicles"] = _split(
        "vehicle",
        scenario.vehicles,
        vehicles.by_ids(session, scenario.vehicle_by_id),
        lambda x: x.id,
        conflicts,
    )
    plan["shipments"] = _split(
        "shipment",
        scenario.shipments,
        shipments.by_ids(session, scenario.shipment_by_id),
        lambda x: x.id,
        conflicts,
    )
    plan["road_links"] = _split(
        "road link",
        scenario.road_links,
        road_links.all_links(session),
        lambda x: (x.origin, x.destination),
        conflicts,
    )
    return plan, conflicts


def import_scenario(session: Session, scenario: Scenario) -> ImportReport:
    """Add what is new; leave identical records; refuse (writing nothing) if any record conflicts.

    The caller owns the transaction: this flushes, it never commits.
    """
    plan, conflicts = _plan_import(session, scenario)
    if conflicts:
        raise Conflict(
            f"{len(conflicts)} record(s) conflict with stored ones; nothing was imported", conflicts
        )
    adders: dict[str, Callable[[Session, Iterable[Any]], None]] = {
        "locations": locations.add_all,
        "services": services.add_all,
        "vehicles": vehicles.add_all,
        "shipments": shipments.add_all,
        "road_links": road_links.add_all,
    }
    try:
        # Locations first: the others refer to them.
        for kind in ("locations", "services", "vehicles", "shipments", "road_links"):
            new, _ = plan[kind]
            if new:
                adders[kind](session, new)
    except IntegrityError as exc:
        # Only a concurrent writer storing the same ids since our check gets here; the caller
        # rolls the whole transaction back.
        raise Conflict(
            "records were stored concurrently by another import; nothing was imported, retry"
        ) from exc
    return ImportReport(
        {kind: KindCount(len(new), unchanged) for kind, (new, unchanged) in plan.items()}
    )
