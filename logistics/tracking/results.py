"""What a feed adapter returns: normalised events, per-record messages and GPS positions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from logistics.domain.tracking import TrackingEvent
from logistics.domain.validation import require_aware
from logistics.errors import DomainError


class Severity(StrEnum):
    """How bad a per-record message is; `error` means the record produced no event."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class AdapterMessage:
    """One problem with one record of a feed: where (`record`, e.g. `line 7`) and why.

    `index` is the record's position as data (list index from 0 for JSON batches, line number
    from 1 for line-based text, None for the payload as a whole); `code` names the kind of
    problem for programs (e.g. `unknown_status_code`), `reason` explains it to people.
    """

    record: str
    severity: Severity
    reason: str
    index: int | None = None
    code: str = ""

    def __str__(self) -> str:
        """Render as `record: severity: reason`."""
        return f"{self.record}: {self.severity}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """A normalised event plus the source references the fan-out step resolves.

    `references` holds what the source said the event is about (`awb`, `container`, `flight`,
    `booking`, `logistics_object`, `train`, ...) and `details` other carried values (`pieces`,
    `weight_kg`, `discrepancy`, ...). When the adapter could not resolve an AWB / container /
    booking to a shipment id, `subject_resolved` is False and `event.shipment_id` holds the
    typed placeholder `<kind>:<value>` (e.g. `awb:160-12345675`): the service layer must replace
    it (`with_shipment`) before the event is stored as a shipment event.
    """

    event: TrackingEvent
    references: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, str] = field(default_factory=dict)
    subject_resolved: bool = True

    def with_shipment(self, shipment_id: str) -> SourceEvent:
        """Return a copy whose event is about `shipment_id` (after resolving a reference)."""
        from dataclasses import replace

        return SourceEvent(
            event=replace(self.event, shipment_id=shipment_id),
            references=self.references,
            details=self.details,
            subject_resolved=True,
        )


@dataclass(frozen=True, slots=True)
class Position:
    """One GPS fix of a vehicle; stored as a position, never as a timeline event."""

    vehicle_id: str
    lat: float
    lon: float
    time: datetime
    speed_kmh: float | None = None
    record: str = ""

    def __post_init__(self) -> None:
        if not self.vehicle_id:
            raise DomainError("position needs a vehicle id")
        if not -90.0 <= self.lat <= 90.0:
            raise DomainError(f"lat {self.lat} outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise DomainError(f"lon {self.lon} outside -180..180")
        require_aware("position time", self.time)
        if self.speed_kmh is not None and self.speed_kmh < 0:
            raise DomainError(f"speed {self.speed_kmh} km/h is negative")


@dataclass(frozen=True, slots=True)
class AdapterResult:
    """Everything one parse produced; a bad record is a message, never an exception."""

    events: tuple[SourceEvent, ...] = ()
    messages: tuple[AdapterMessage, ...] = ()
    positions: tuple[Position, ...] = ()

    @property
    def tracking_events(self) -> tuple[TrackingEvent, ...]:
        """The bare unified events, without the source references."""
        return tuple(se.event for se in self.events)

    @property
    def errors(self) -> tuple[AdapterMessage, ...]:
        """Messages of records that produced no event."""
        return tuple(m for m in self.messages if m.severity is Severity.ERROR)


class ResultBuilder:
    """Collects events and messages while an adapter walks its records."""

    def __init__(self) -> None:
        self.events: list[SourceEvent] = []
        self.messages: list[AdapterMessage] = []
        self.positions: list[Position] = []

    def error(self, record: str, reason: str, *, index: int | None = None, code: str = "") -> None:
        """Record that `record` was refused for `reason`."""
        self.messages.append(AdapterMessage(record, Severity.ERROR, reason, index, code))

    def warning(
        self, record: str, reason: str, *, index: int | None = None, code: str = ""
    ) -> None:
        """Record a warning about `record` (an event may still have been produced)."""
        self.messages.append(AdapterMessage(record, Severity.WARNING, reason, index, code))

    def build(self) -> AdapterResult:
        """Freeze what was collected."""
        return AdapterResult(tuple(self.events), tuple(self.messages), tuple(self.positions))
