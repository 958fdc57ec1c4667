"""Who is calling: a role, and for shippers the shipper id they may see."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain.enums import Role
from logistics.errors import DomainError


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller; a shipper principal carries its shipper id."""

    key_id: str
    role: Role
    shipper_id: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.SHIPPER and not self.shipper_id:
            raise DomainError("a shipper key must carry a shipper id")
        if self.role is not Role.SHIPPER and self.shipper_id:
            raise DomainError("only shipper keys carry a shipper id")

    def may_see_shipper(self, shipper_id: str) -> bool:
        """Shippers see only their own shipments; other roles with read access see all."""
        return self.role is not Role.SHIPPER or self.shipper_id == shipper_id
