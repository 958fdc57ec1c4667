"""The one evidence rule: when a shipment counts as on a movement (pure).

Tracking, the ETA, the exception rules and planning all use it, and the tracking views show it:

- `OWN`: the shipment's own ACTUAL event puts it on the leg (picked up, departed, arrived,
  unloaded, out for delivery, delivered, crossed a border);
- `CONFIRMED`: the movement (flight, train, truck) reports it departed or arrived, and a
  shipment-level record ties the shipment to that movement: a booking confirmation or a manifest
  (BOOKED, RECEIVED or LOADED on that leg, of any time type);
- `INFERRED`: only the movement reports it; the shipment is taken to be on board because it is
  booked there, and every view says "inferred from the flight/train/truck".

An inferred leg stops counting when something contradicts it: the shipment's own OFFLOADED
exception on that leg, or a forecast that has it reach the hub only after the service's cutoff (a
missed connection, which the ETA rules find). A confirmed or own leg is never contradicted by a
forecast: the shipment itself was seen there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.timeline import TimelineEntry

# A shipment's own report that it is on a leg (or through with it).
ON_THE_LEG = frozenset(
    {
        Milestone.PICKED_UP,
        Milestone.DEPARTED,
        Milestone.BORDER_CROSSED,
        Milestone.ARRIVED,
        Milestone.UNLOADED,
        Milestone.OUT_FOR_DELIVERY,
        Milestone.DELIVERED,
    }
)
# A shipment-level record tying it to a movement without saying it moved.
TIED_TO_MOVEMENT = frozenset({Milestone.BOOKED, Milestone.RECEIVED, Milestone.LOADED})


class Evidence(StrEnum):
    """How the platform knows the shipment is on (or through) a leg, strongest first."""

    OWN = "own"
    CONFIRMED = "confirmed"
    INFERRED = "inferred"

    @property
    def strong(self) -> bool:
        """Own or confirmed: the shipment itself was seen on the movement."""
        return self is not Evidence.INFERRED


_RANK = {Evidence.OWN: 0, Evidence.CONFIRMED: 1, Evidence.INFERRED: 2}


def _stronger(a: Evidence | None, b: Evidence) -> Evidence:
    return b if a is None or _RANK[b] < _RANK[a] else a


def leg_evidence(
    shipment_id: str,
    timeline: Sequence[TimelineEntry],
    everything: Sequence[TimelineEntry] = (),
) -> dict[int, Evidence]:
    """Per leg index, the strongest evidence that the shipment is on it (legs without any are
    absent). `timeline` holds the ACTUAL entries; `everything` may add the shipment's planned and
    estimated records (a booking confirmation need not be an actual event)."""
    found: dict[int, Evidence] = {}
    tied: set[int] = set()
    offloaded: set[int] = set()
    for entry in (*timeline, *everything):
        e = entry.event
        if entry.leg_index is None or e.shipment_id != shipment_id:
            continue
        if e.milestone in TIED_TO_MOVEMENT:
            tied.add(entry.leg_index)
        if (
            e.milestone is Milestone.EXCEPTION
            and e.reason is ExceptionReason.OFFLOADED
            and e.time_type is TimeType.ACTUAL
        ):
            offloaded.add(entry.leg_index)
    for entry in timeline:
        e = entry.event
        if entry.leg_index is None or e.time_type is not TimeType.ACTUAL:
            continue
        if e.milestone not in ON_THE_LEG:
            continue
        if e.shipment_id == shipment_id:
            level = Evidence.OWN
        elif entry.leg_index in offloaded:
            continue
        elif entry.leg_index in tied:
            level = Evidence.CONFIRMED
        else:
            level = Evidence.INFERRED
        found[entry.leg_index] = _stronger(found.get(entry.leg_index), level)
    return found


def strong_legs(evidence: Mapping[int, Evidence]) -> frozenset[int]:
    """The legs the shipment itself was seen on (own or confirmed)."""
    return frozenset(i for i, level in evidence.items() if level.strong)


def on_legs(evidence: Mapping[int, Evidence], missed_leg: int | None) -> frozenset[int]:
    """The legs the shipment counts as on: strong ones always, inferred ones unless a missed
    connection at or before them contradicts the inference."""
    return frozenset(
        i for i, level in evidence.items() if level.strong or missed_leg is None or i < missed_leg
    )


def basis_text(level: Evidence | None, mode: Mode | None, movement: str | None) -> str | None:
    """The words a tracking view shows for an event's basis, e.g. 'inferred from the flight'."""
    if level is not Evidence.INFERRED:
        return None
    kinds = {Mode.AIR: "flight", Mode.RAIL: "train", Mode.ROAD: "truck"}
    kind = kinds.get(mode, "movement") if mode is not None else "movement"
    return f"inferred from the {kind}" + (f" {movement}" if movement else "")
