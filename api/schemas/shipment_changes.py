"""Amending and cancelling a shipment over the API, and its recorded changes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.master_data import ShipmentOut


class ShipmentPatch(BaseModel):
    """Fields to change (any subset); validated like a shipments.csv row. id and shipper stay."""

    model_config = ConfigDict(extra="forbid")

    origin: str | None = None
    destination: str | None = None
    weight_kg: float | str | None = Field(default=None, examples=[455.0])
    volume_m3: float | str | None = None
    pieces: int | str | None = None
    ready_at: str | None = Field(default=None, description="ISO 8601 with offset")
    due_at: str | None = Field(
        default=None, examples=["2026-12-04T18:00:00+01:00"], description="ISO 8601 with offset"
    )
    requirements: str | list[str] | None = Field(default=None, examples=["dg;reefer"])
    reason: str = Field(default="", description="Why it changes (kept with the change record)")

    def changes(self) -> dict[str, object]:
        """The fields given in the request (the reason aside)."""
        given = self.model_dump(exclude_unset=True)
        given.pop("reason", None)
        return given


class CancelIn(BaseModel):
    """Why the shipment is cancelled."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, examples=["order withdrawn by the shipper"])


class ShipmentChangeOut(BaseModel):
    """One recorded change: who, when, through which channel, and the fields before and after."""

    id: int
    shipment_id: str
    kind: str = Field(description="amended or cancelled")
    changed_by: str = Field(description="The API key id, or cli:USER for the command line")
    channel: str = Field(description="api or cli")
    changed_at: str = Field(description="UTC, ISO 8601")
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


class ShipmentChanged(BaseModel):
    """The shipment after an amendment or cancellation."""

    shipment: ShipmentOut
    changed: bool = Field(description="False when the request matched the stored shipment")
    cancelled: bool
    change: ShipmentChangeOut | None
    note: str = Field(description="What to do next, e.g. replan a booked shipment")
