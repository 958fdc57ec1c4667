"""The unified event as a request body: typed at the edge, so a malformed batch is a 422."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi.exceptions import RequestValidationError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from api.schemas.params import ID_LENGTH

EARLIEST = 1970
LATEST = 9998  # a later year has no room for a UTC offset on the way to storage
TIME_LENGTH = 64
EVENT_EXAMPLE: dict[str, JsonValue] = {
    "event_id": "EV-1",
    "source": "portal",
    "milestone": "PICKED_UP",
    "time_type": "ACTUAL",
    "event_time": "2026-11-29T10:05:00+08:00",
    "shipment_id": "SH00001",
    "location": "FXZ",
    "mode": "road",
}
OptionalId = Annotated[str | None, Field(max_length=ID_LENGTH)]
OptionalTime = Annotated[str | None, Field(max_length=TIME_LENGTH)]


def check_instant(value: str | None) -> str | None:
    """An ISO 8601 time with a UTC offset and a year from 1970 to 9998 (kept as written)."""
    if value is None or not value.strip():
        return value
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "is not an ISO 8601 time; write it like 2026-11-29T10:05:00+08:00"
        ) from None
    if moment.tzinfo is None:
        raise ValueError("needs a UTC offset: add one, e.g. 2026-11-29T10:05:00+08:00 or ...Z")
    if not EARLIEST <= moment.year <= LATEST:
        raise ValueError(
            f"year {moment.year} is out of range: event times from {EARLIEST} to {LATEST} "
            "are accepted"
        )
    return value


class EventIn(BaseModel):
    """One tracking event in the unified format (DESIGN 3.3); unknown codes are rejected per item."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EVENT_EXAMPLE]})

    event_id: str | None = Field(
        default=None, max_length=128, description="The source's id; duplicates are acknowledged"
    )
    source: str | None = Field(default=None, max_length=64, description="Who reports it")
    milestone: str = Field(max_length=32, description="BOOKED, PICKED_UP, RECEIVED, DEPARTED, ...")
    time_type: str = Field(default="ACTUAL", max_length=16, description="ACTUAL or ESTIMATED, ...")
    event_time: str = Field(max_length=TIME_LENGTH, description="ISO 8601 with a UTC offset")
    shipment_id: OptionalId = None
    service_id: OptionalId = None
    vehicle_id: OptionalId = None
    recorded_at: OptionalTime = None
    received_at: OptionalTime = None
    location: OptionalId = None
    mode: str | None = Field(default=None, max_length=8, description="air, rail or road")
    reason: str | None = Field(default=None, max_length=32, description="Exception reason code")
    retracts: str | None = Field(default=None, max_length=128, description="event_id it retracts")
    source_code: str | None = Field(default=None, max_length=32)
    raw_ref: str | None = Field(default=None, max_length=256)
    inferred: bool = False
    references: dict[
        Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=512)]
    ] = Field(default_factory=dict, description="awb, container, booking, ... numbers")

    _times = field_validator("event_time", "recorded_at", "received_at")(check_instant)


class EventBatch(BaseModel):
    """A batch as an object: `{"events": [...]}` (a plain JSON list is accepted too)."""

    events: list[EventIn]


EVENTS = TypeAdapter(list[EventIn])
# The route reads the raw body (it is hashed for Idempotency-Key), so its schema is given here;
# api/openapi.py adds EventIn and EventBatch to the document's components.
EVENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/EventIn"}},
                        {"$ref": "#/components/schemas/EventBatch"},
                    ]
                },
                "example": [EVENT_EXAMPLE],
            }
        },
    }
}


def validate_events(data: Any) -> list[Any]:
    """The batch's items, each checked against EventIn; a malformed item fails the request (422)."""
    wrapped = isinstance(data, dict)
    items = data.get("events") if wrapped else data
    prefix: tuple[str, ...] = ("body", "events") if wrapped else ("body",)
    if not isinstance(items, list):
        raise RequestValidationError(
            [
                {
                    "type": "list_type",
                    "loc": prefix,
                    "msg": 'must be a JSON list of events or {"events": [...]}',
                    "input": None,
                }
            ]
        )
    try:
        EVENTS.validate_python(items)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**err, "loc": (*prefix, *err["loc"])} for err in exc.errors(include_url=False)]
        ) from None
    return items
