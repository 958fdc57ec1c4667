"""Import a scenario into the database: all or nothing, idempotent, conflicts reported."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from logistics.domain import Location, RoadLink, Scenario, Shipment
from logistics.domain.validation import format_tags
from logistics.errors import Conflict, Unavailable
from logistics.persistence.repositories import locations, road_links, services, shipments, vehicles
from logistics.services.shipment_changes import amendment_conflict, apply_amendment

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KindCount:
    """How many records of one kind were created and how many were already stored."""

    created: int = 0
    unchanged: int = 0
    updated: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Per-kind counts of an import."""

    counts: Mapping[str, KindCount]

    @property
    def created(self) -> int:
        """Records created, all kinds."""
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        """Stored shipments amended by an import with `update_shipments`."""
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        """Records already stored identically, all kinds."""
        return sum(c.unchanged for c in self.counts.values())

    def summary(self) -> str:
        """One readable line per kind."""
        parts = [
            f"{kind}: {c.created} created, "
            + (f"{c.updated} updated, " if c.updated else "")
            + f"{c.unchanged} unchanged"
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


def _label(key: Any) -> str:
    """A record's key as conflicts name it: an id, or a road link's `origin->destination`."""
    return "->".join(key) if isinstance(key, tuple) else str(key)


def _split(
    kind: str,
    incoming: Sequence[T],
    stored: Mapping[Any, T],
    key: Callable[[T], Any],
    conflicts: list[str],
    differing: list[tuple[T, T]] | None = None,
) -> tuple[list[T], int]:
    new: list[T] = []
    unchanged = 0
    for item in incoming:
        existing = stored.get(key(item))
        if existing is None:
            new.append(item)
        elif existing == item:
            unchanged += 1
        elif differing is not None:
            differing.append((existing, item))
        else:
            diff = "; ".join(_differences(existing, item))
            conflicts.append(f"{kind} {_label(key(item))}: differs from the stored record ({diff})")
    return new, unchanged


def _adds_codes_only(stored: Location, incoming: Location) -> bool:
    """The incoming location is the stored one with a UN/LOCODE or GLN it lacked: codes may be
    added to a stored location (once set, they are part of it and cannot change)."""
    filled = replace(
        stored, unlocode=stored.unlocode or incoming.unlocode, gln=stored.gln or incoming.gln
    )
    return filled == incoming


def _plan_locations(
    session: Session, given: Sequence[Location], conflicts: list[str], coded: list[Location]
) -> tuple[list[Location], int]:
    differing: list[tuple[Location, Location]] = []
    stored = locations.by_ids(session, [x.id for x in given])
    new, unchanged = _split("location", given, stored, lambda x: x.id, [], differing)
    for old, incoming in differing:
        if _adds_codes_only(old, incoming):
            coded.append(incoming)
        else:
            diff = "; ".join(_differences(old, incoming))
            conflicts.append(f"location {incoming.id}: differs from the stored record ({diff})")
    return new, unchanged


def _plan_import(
    session: Session,
    scenario: Scenario,
    amend: list[tuple[Shipment, Shipment]] | None,
    coded: list[Location],
) -> tuple[dict[str, tuple[list[Any], int]], list[str]]:
    conflicts: list[str] = []
    plan: dict[str, tuple[list[Any], int]] = {}
    plan["locations"] = _plan_locations(session, scenario.locations, conflicts, coded)
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
        amend,
    )
    plan["road_links"] = _split(
        "road link",
        scenario.road_links,
        road_links.all_links(session),
        lambda x: (x.origin, x.destination),
        conflicts,
    )
    return plan, conflicts


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one kind of record is named in conflicts, keyed, inserted and read back."""

    label: str
    key: Callable[[Any], Any]
    # Insert the new records, skipping any key already stored; return the keys stored.
    insert: Callable[[Session, list[Any]], set[Any]]
    # The stored records among these keys (or more), by key.
    stored: Callable[[Session, list[Any]], Mapping[Any, Any]]


def _by_id(record: Any) -> str:
    return str(record.id)


def _by_pair(link: RoadLink) -> tuple[str, str]:
    return (link.origin, link.destination)


# In insertion order: locations first, the others refer to them.
KINDS: dict[str, _Kind] = {
    "locations": _Kind("location", _by_id, locations.add_all, locations.by_ids),
    "services": _Kind("service", _by_id, services.add_all, services.by_ids),
    "vehicles": _Kind("vehicle", _by_id, vehicles.add_all, vehicles.by_ids),
    "shipments": _Kind("shipment", _by_id, shipments.add_all, shipments.by_ids),
    "road_links": _Kind(
        "road link", _by_pair, road_links.add_all, lambda s, _: road_links.all_links(s)
    ),
}


def _refuse(
    session: Session, conflicts: list[str], amend: Sequence[tuple[Shipment, Shipment]], hint: str
) -> None:
    """Raise the import's Conflict if any record conflicts or an amendment is not allowed."""
    refused = [amendment_conflict(session, old, new) for old, new in amend]
    conflicts = conflicts + [why for why in refused if why]
    if conflicts:
        raise Conflict(
            f"{len(conflicts)} record(s) conflict with stored ones; nothing was imported; {hint}",
            conflicts,
        )


def _insert(session: Session, plan: Mapping[str, tuple[list[Any], int]]) -> dict[str, list[Any]]:
    """Insert the planned new records, locations first (the others refer to them); return, by
    kind, those a concurrent writer stored under the same key after we read (left out by the
    database's ON CONFLICT DO NOTHING, so that they can be judged)."""
    lost: dict[str, list[Any]] = {}
    for kind, spec in KINDS.items():
        new, _ = plan[kind]
        if not new:
            continue
        stored = spec.insert(session, new)
        theirs = [x for x in new if spec.key(x) not in stored]
        if theirs:
            lost[kind] = theirs
    return lost


def _judge_lost(
    session: Session,
    plan: dict[str, tuple[list[Any], int]],
    lost: Mapping[str, list[Any]],
    amend: list[tuple[Shipment, Shipment]] | None,
    coded: list[Location],
    hint: str,
) -> None:
    """Read the records a concurrent writer stored first and judge them as a repeat of that
    import would be (identical: unchanged; a location's added codes: updated; different: a
    conflict, worded as when stored before our read, or a shipment's amendment with
    `update_shipments`); `plan` is corrected in place."""
    conflicts: list[str] = []
    amended = len(amend or [])
    same: dict[str, int] = {}
    missing: list[str] = []
    for kind, spec in KINDS.items():
        theirs = lost.get(kind, [])
        if not theirs:
            continue
        left: list[Any]
        if kind == "locations":
            left, same[kind] = _plan_locations(session, theirs, conflicts, coded)
        else:
            stored = spec.stored(session, [spec.key(x) for x in theirs])
            differing = amend if kind == "shipments" else None
            left, same[kind] = _split(spec.label, theirs, stored, spec.key, conflicts, differing)
        missing += [f"{spec.label} {_label(spec.key(x))}" for x in left]
    _refuse(session, conflicts, (amend or [])[amended:], hint)
    if missing:
        # Skipped as stored, yet not readable: the other writer's record was removed again
        # (nothing in the application deletes master data or shipments; only a hand could).
        # Running the import again judges what is stored then.
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise Unavailable(
            f"{len(missing)} record(s) another writer stored during this import were removed "
            f"again before it could read them ({shown}); nothing was imported; run it again"
        )
    for kind, count in same.items():
        spec = KINDS[kind]
        new, unchanged = plan[kind]
        gone = {spec.key(x) for x in lost[kind]}
        plan[kind] = ([x for x in new if spec.key(x) not in gone], unchanged + count)


UPDATE_HINT = (
    "to amend the stored shipments with the file's values, run the import again with --update "
    "(each change is recorded); locations, services and vehicles cannot be changed by an "
    "import (a location may only gain a UN/LOCODE or GLN it lacks): give a changed record a "
    "new id"
)


UPDATE_REFUSED_HINT = (
    "cancelled and delivered shipments cannot be amended, nor the origin or ready_at of one "
    "under way; locations, services and vehicles cannot be changed by an import (a location "
    "may only gain a UN/LOCODE or GLN it lacks): give a changed record a new id"
)


def import_scenario(
    session: Session,
    scenario: Scenario,
    *,
    update_shipments: bool = False,
    changed_by: str = "import",
    channel: str = "cli",
    conflict_hint: str = UPDATE_HINT,
) -> ImportReport:
    """Add what is new; leave identical records; refuse (writing nothing) if any record conflicts.

    With `update_shipments`, a stored shipment whose fields differ is amended instead (by the
    rules of shipment_changes, each change recorded). A stored location given a UN/LOCODE or GLN
    it has none of gets it (counted as updated); any other difference is a conflict. The caller
    owns the transaction: this flushes, it never commits.
    """
    amend: list[tuple[Shipment, Shipment]] | None = [] if update_shipments else None
    coded: list[Location] = []
    hint = UPDATE_REFUSED_HINT if update_shipments else conflict_hint
    plan, conflicts = _plan_import(session, scenario, amend, coded)
    _refuse(session, conflicts, amend or [], hint)
    try:
        lost = _insert(session, plan)
    except IntegrityError as exc:
        # Not another import of the same records (their keys are skipped, then judged below):
        # a record the database itself refuses, such as one referring to a location removed by
        # hand since the import checked it. The caller rolls the transaction back.
        reason = str(exc.orig).strip().splitlines()[:1] or ["an integrity constraint"]
        raise Conflict(
            f"the database refused the import ({reason[0]}); nothing was imported"
        ) from exc
    if any(lost.values()):
        _judge_lost(session, plan, lost, amend, coded, hint)
    for stored, incoming in amend or []:
        apply_amendment(session, stored, incoming, changed_by=changed_by, channel=channel)
    locations.set_codes(session, coded)
    counts = {kind: KindCount(len(new), unchanged) for kind, (new, unchanged) in plan.items()}
    counts["shipments"] = replace(counts["shipments"], updated=len(amend or []))
    counts["locations"] = replace(counts["locations"], updated=len(coded))
    return ImportReport(counts)
