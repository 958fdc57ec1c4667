"""Response models of share links, the route map and the keyless public tracking view.

The public view is built only from `PublicTrackingOut` and its parts, which carry no id, shipper,
coordinates finer than a city, vehicle, service or exception: a field not listed here cannot
reach a visitor without a key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

LOCAL = "ISO 8601 in the local time (UTC offset) of the place"


class ShareLinkOut(BaseModel):
    """A share link: the token and the URL of its public tracking page."""

    token: str
    url: str
    shipment_id: str
    created_at: str


class PlaceOut(BaseModel):
    """A place of a shipment's route, with its exact coordinates."""

    id: str
    name: str
    kind: str
    role: str = Field(description="origin | hub | destination")
    lat: float
    lon: float
    timezone: str


class CurrentPlaceOut(PlaceOut):
    """Where the shipment is now: a GPS fix with its nearest location, or the last event's place."""

    time: str | None = Field(description=LOCAL)
    near: str | None = Field(default=None, description="Nearest location of a GPS fix")


class RouteOut(BaseModel):
    """Origin, hubs and destination with coordinates, and the current position, for a map."""

    shipment_id: str
    places: list[PlaceOut]
    current: CurrentPlaceOut | None


class PublicPlaceOut(BaseModel):
    """A place at city level: name and coordinates rounded to 0.1 degree."""

    model_config = ConfigDict(extra="forbid")

    name: str
    role: str = Field(description="origin | hub | destination | current")
    lat: float
    lon: float


class PublicCurrentOut(PublicPlaceOut):
    """Where the shipment is now, at city level."""

    time: str | None = Field(description=LOCAL)


class PublicMilestoneOut(BaseModel):
    """A milestone in the local time of its place (exception events are never shown)."""

    model_config = ConfigDict(extra="forbid")

    milestone: str
    time: str | None = Field(description=LOCAL)
    place: str | None = Field(description="Name of the place")
    mode: str | None


class PublicStatusBasisOut(BaseModel):
    """What the status rests on: which report, from which source, when and where, and whether it
    is the consignment's own report or its flight's, train's or truck's."""

    model_config = ConfigDict(extra="forbid")

    milestone: str = Field(description="The milestone reported (the status)")
    time: str | None = Field(description="When it happened; " + LOCAL)
    place: str | None = Field(description="Name of the place")
    source: str = Field(description="The reporting feed, e.g. fsu, dcsa, telematics")
    evidence: str = Field(
        description="own (reported for the consignment) | confirmed (reported for its movement, "
        "which it is confirmed on) | inferred (reported for the movement it is booked on)"
    )
    detail: str = Field(description="The same in plain words")


class PublicEtaBasisOut(BaseModel):
    """What the ETA is: the booked schedule, an estimate reported for the last leg, its actual
    arrival, or computed from the latest reported times."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="planned | carrier_estimate | actual | computed")
    detail: str = Field(description="What it rests on, in plain words")
    source: str | None = Field(description="The feed that reported the estimate (carrier_estimate)")
    reported_at: str | None = Field(description="When that estimate was received; " + LOCAL)


class ReferenceOut(BaseModel):
    """A feed reference linked to a shipment."""

    kind: str
    value: str


class PublicTrackingOut(BaseModel):
    """The keyless view behind a share link: milestones, status, ETA against due, city places."""

    model_config = ConfigDict(extra="forbid")

    shipment_id: str
    status: str | None
    due_at: str | None = Field(description=LOCAL)
    eta: str | None = Field(description=LOCAL)
    delivered_at: str | None = Field(description=LOCAL)
    on_time: bool | None
    origin: str | None = Field(description="Name of the origin")
    destination: str | None = Field(description="Name of the destination")
    places: list[PublicPlaceOut]
    current: PublicCurrentOut | None
    milestones: list[PublicMilestoneOut]
    pieces: int
    references: list[ReferenceOut] = Field(description="Linked references (booking, waybill, ...)")
    last_event_at: str | None = Field(description="The latest milestone's time; " + LOCAL)
    eta_unknown_reason: str | None = Field(
        description="Why there is no ETA, in plain words (null when there is one or it arrived)"
    )
    status_basis: PublicStatusBasisOut | None = Field(
        description="The report the status rests on (null before any)"
    )
    status_pieces: str | None = Field(
        default=None,
        description="How many of its pieces the status is about, e.g. `5 of 10 pieces` (a split "
        "or part status, as in the tracking view's status_sentence); null when about all",
        examples=["5 of 10 pieces"],
    )
    eta_basis: PublicEtaBasisOut | None = Field(
        description="What the ETA rests on (null without an ETA, or once delivered)"
    )
    as_of: str


class ShipmentSummaryOut(BaseModel):
    """A consignment in the tracking list, with its stored tracking state."""

    id: str
    shipper: str
    origin: str
    origin_name: str | None
    destination: str
    destination_name: str | None
    pieces: int
    weight_kg: float
    due_at: str | None = Field(description="The destination's " + LOCAL)
    status: str | None
    eta: str | None = Field(description="The destination's " + LOCAL)
    delivered_at: str | None = Field(description="The destination's " + LOCAL)
    minutes_late: int | None = Field(
        description="Delivery, else ETA, against due (negative: early)"
    )
    needs_replan: bool
    open_exceptions: list[str] = Field(description="Reasons of the open exceptions, each once")
    last_event_at_utc: str | None = Field(description="Latest event, ISO 8601 UTC")


class ShipmentSummaryPage(BaseModel):
    """One page of the tracking list."""

    items: list[ShipmentSummaryOut]
    total: int
    limit: int
    offset: int


class ReferencesOut(BaseModel):
    """A shipment's linked references (and, after linking, the one just linked)."""

    shipment_id: str
    references: list[ReferenceOut]
    linked: ReferenceOut | None = None
