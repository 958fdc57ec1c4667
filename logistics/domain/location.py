"""Locations: airports, rail terminals, hubs, depots and customer sites."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.domain.enums import LocationKind
from logistics.domain.location_codes import normalise_gln, normalise_unlocode
from logistics.domain.validation import require_id, require_non_negative
from logistics.errors import DomainError

DEFAULT_SERVICE_MINUTES = 15
DEFAULT_HANDLING_MINUTES = 0


@dataclass(frozen=True, slots=True)
class Location:
    """A place cargo is picked up, handed over or delivered."""

    id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    timezone: str
    service_minutes: int = DEFAULT_SERVICE_MINUTES
    handling_minutes: int = DEFAULT_HANDLING_MINUTES
    unlocode: str | None = None  # the UN/LOCODE carriers name it by (`DEHAM`), if any
    gln: str | None = None  # its GS1 Global Location Number (13 digits), if any

    def __post_init__(self) -> None:
        require_id("location", self.id)
        if not self.name:
            raise DomainError(f"location {self.id}: name must not be empty")
        if not isinstance(self.kind, LocationKind):
            raise DomainError(f"location {self.id}: kind must be a LocationKind")
        if not -90.0 <= self.lat <= 90.0:
            raise DomainError(f"location {self.id}: lat {self.lat} outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise DomainError(f"location {self.id}: lon {self.lon} outside -180..180")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise DomainError(f"location {self.id}: unknown time zone {self.timezone!r}") from exc
        require_non_negative(f"location {self.id}: service_minutes", self.service_minutes)
        require_non_negative(f"location {self.id}: handling_minutes", self.handling_minutes)
        if self.unlocode is not None:
            code = normalise_unlocode(self.unlocode, f"location {self.id}: unlocode")
            object.__setattr__(self, "unlocode", code)
        if self.gln is not None:
            object.__setattr__(self, "gln", normalise_gln(self.gln, f"location {self.id}: gln"))

    @property
    def zone(self) -> ZoneInfo:
        """The IANA time zone of this location."""
        return ZoneInfo(self.timezone)
