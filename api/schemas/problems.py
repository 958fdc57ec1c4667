"""The RFC 9457 problem document every error answers with, for the OpenAPI document."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProblemItem(BaseModel):
    """One invalid field: where it is and why."""

    field: str = Field(description="e.g. query.offset, body.0.event_time, path.shipment_id")
    reason: str
    location: str | None = Field(default=None, description="file:line:column for row input")


class Problem(BaseModel):
    """An error (RFC 9457 problem details); more members may follow (e.g. `conflicts`)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str | None = Field(default=None, description="Stable machine-readable error code")
    errors: list[ProblemItem] | None = None
    correlation_id: str | None = Field(default=None, description="On 500s; also logged")
