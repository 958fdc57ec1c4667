"""Response models of the tracking routes: events, a shipment's tracking view, exceptions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

LOCAL = "ISO 8601 in the local time (UTC offset) of the place"


class Document(BaseModel):
    """A tracking document: the fields listed are always there; newer ones may follow."""

    model_config = ConfigDict(extra="allow")


class WorldPlaceOut(Document):
    """A place outside the platform's locations (an IATA airport or a UN/LOCODE)."""

    code: str
    name: str
    timezone: str | None
    lat: float | None
    lon: float | None


class EventOut(Document):
    """A stored event; `event_time_local` is its time in the local time of its location."""

    event_id: str
    source: str
    shipment_id: str | None
    service_id: str | None
    vehicle_id: str | None
    milestone: str
    time_type: str
    event_time: str = Field(description="ISO 8601 with the offset it was reported in")
    event_time_local: str | None = Field(description=LOCAL)
    location: str | None
    mode: str | None
    reason: str | None
    retracts: str | None
    source_code: str | None
    inferred: bool
    received_at: str | None
    place: WorldPlaceOut | None = Field(
        default=None, description="Where `location` is, when it is not a platform location"
    )
    seq: int | None = Field(default=None, description="Storage order (GET /v1/events only)")
    leg_index: int | None = Field(default=None, description="Leg it belongs to (tracking view)")
    basis: str | None = Field(default=None, description="Why the event counts for its leg")


class EventPage(Document):
    """Stored events after a cursor; follow `next_cursor` until it is null."""

    items: list[EventOut]
    next_cursor: int | None


class LegOut(Document):
    """A leg of the accepted itinerary with planned, estimated, actual and expected times."""

    leg_index: int
    mode: str
    from_: str = Field(alias="from")
    to: str
    service_id: str | None
    vehicle_id: str | None
    planned_depart: str | None = Field(description=LOCAL)
    planned_arrive: str | None = Field(description=LOCAL)
    estimated_depart: str | None = Field(description=LOCAL)
    estimated_arrive: str | None = Field(description=LOCAL)
    actual_depart: str | None = Field(description=LOCAL)
    actual_arrive: str | None = Field(description=LOCAL)
    expected_depart: str | None = Field(description=LOCAL)
    expected_arrive: str | None = Field(description=LOCAL)
    expected_basis: str | None = Field(description="What the expected time rests on")
    evidence: str | None = Field(
        default=None,
        description="How the shipment is known to be on the leg: own | confirmed | inferred "
        "(the one evidence rule); null when nothing shows it on the leg",
    )
    evidence_text: str | None = Field(
        default=None, description="In words, e.g. 'inferred from the flight CV9751-20261130'"
    )


class MissedConnectionOut(Document):
    """The connection a late leg has missed."""

    leg_index: int
    hub: str | None
    detail: str


class OpenExceptionOut(Document):
    """An open exception in a shipment's tracking view."""

    reason: str
    origin: str = Field(description="derived | reported")
    since: str | None = Field(description=LOCAL)
    detail: str
    leg_index: int | None
    location: str | None
    mode: str | None


class PositionOut(Document):
    """The last known position: a truck's GPS fix or the last event's place."""

    time: str | None = Field(description=LOCAL)
    location: str | None
    vehicle_id: str | None
    lat: float | None
    lon: float | None


class TrackingOut(Document):
    """A shipment's tracking document: status, ETA against due, legs, timeline and exceptions."""

    shipment_id: str
    shipper: str
    origin: str
    destination: str
    status: str | None
    delivered_at: str | None = Field(description=LOCAL)
    due_at: str | None = Field(description=LOCAL)
    eta: str | None = Field(description=LOCAL)
    eta_minutes_late: int | None
    needs_replan: bool
    missed_connection: MissedConnectionOut | None
    exceptions: list[OpenExceptionOut]
    last_position: PositionOut | None
    as_of: str
    legs: list[LegOut]
    timeline: list[EventOut]
    exception_events: list[EventOut]
    open_estimates: list[EventOut]
    status_sentence: str | None = Field(
        default=None,
        description="One plain sentence: where the consignment stands and why, e.g. 'delayed: "
        "CV9751-20261130 cancelled, rebooked on CV9753-20261201, new ETA …'",
    )
    status_pieces: str | None = Field(
        default=None,
        description="How many of its pieces the status is about, e.g. `5 of 10 pieces` (a split "
        "or part status, worded as in status_sentence); null when about all",
        examples=["5 of 10 pieces"],
    )


class ExceptionOut(Document):
    """A stored tracking exception, opened and closed automatically."""

    id: int
    shipment_id: str
    reason: str
    origin: str = Field(description="derived | reported")
    leg_index: int | None
    location: str | None
    mode: str | None
    detail: str
    opened_at: str
    closed_at: str | None


class NeedsReplanOut(Document):
    """A shipment whose accepted itinerary no longer holds, with its open exceptions."""

    shipment_id: str
    status: str | None
    due_at: str
    exceptions: list[ExceptionOut]
