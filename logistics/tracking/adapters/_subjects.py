"""Which shipments an event names: every source reference resolved, one event per shipment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logistics.tracking.adapters._common import Subjects, resolve_subject


@dataclass(frozen=True, slots=True)
class Subject:
    """A shipment an event is about (or the placeholder of an unlinked reference)."""

    shipment_id: str
    resolved: bool
    reference: tuple[str, str]


def subjects_of(candidates: Sequence[tuple[str, str]], subjects: Subjects) -> list[Subject]:
    """Distinct shipments the `(kind, value)` references resolve to, in reference order.

    `subjects` maps `kind:value` (or the bare value) to a shipment id. When no reference
    resolves, the result is the placeholder `kind:value` of the first one (unresolved), which the
    ingest answers as "not linked to any shipment".
    """
    found: dict[str, Subject] = {}
    for kind, value in candidates:
        shipment, resolved = resolve_subject(kind, value, subjects)
        if resolved and shipment not in found:
            found[shipment] = Subject(shipment, True, (kind, value))
    if found:
        return list(found.values())
    if not candidates:
        return []
    kind, value = candidates[0]
    return [Subject(f"{kind}:{value}", False, (kind, value))]


def event_id_for(base: str | None, subject: Subject, count: int) -> str | None:
    """The source's event id, suffixed with the shipment when one message fans out to several."""
    if base is None or count == 1:
        return base
    return f"{base}#{subject.shipment_id}"
