"""New locations over the API: the same fields and validation as a row of locations.csv."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LocationIn(BaseModel):
    """A new location (airport, rail terminal, hub, depot, customer site)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=64, examples=["ZZ-CUST-9"])
    name: str = Field(examples=["Zhengzhou electronics park"])
    kind: str = Field(
        max_length=32, examples=["customer"], description="airport, rail_terminal, road_hub, ..."
    )
    lat: float | str = Field(examples=[34.72])
    lon: float | str = Field(examples=[113.75])
    timezone: str = Field(
        max_length=64, examples=["Asia/Shanghai"], description="IANA time zone name"
    )
    service_minutes: int | str | None = Field(default=None, description="default 15")
    handling_minutes: int | str | None = Field(default=None, description="default 0")
    unlocode: str | None = Field(
        default=None,
        examples=["CNCGO"],
        description="UN/LOCODE carriers' messages name it by (DCSA, ONE Record, EPCIS)",
    )
    gln: str | None = Field(
        default=None,
        examples=["0614141000012"],
        description="GS1 Global Location Number (13 digits, mod-10 check digit) EPCIS names it by",
    )

    def as_row(self) -> dict[str, object]:
        """The location as a locations.csv row."""
        return self.model_dump()


class LocationsCreated(BaseModel):
    """What `POST /v1/locations` stored."""

    created: int
    unchanged: int
    updated: int = Field(
        default=0, description="stored locations given a UN/LOCODE or GLN they had none of"
    )
    ids: list[str]
