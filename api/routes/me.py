"""Who am I: the calling key's role, shipper scope and the web pages it may open."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.dependencies import PrincipalDep
from api.schemas.auth import MeOut
from logistics.domain import Role

router = APIRouter(tags=["auth"])

PAGES: dict[Role, tuple[str, ...]] = {
    Role.COORDINATOR: ("track", "plans", "disruptions", "reports"),
    Role.SHIPPER: ("track",),
    Role.ANALYST: ("reports",),
    Role.FEED: (),
    Role.ADMIN: ("track", "plans", "disruptions", "reports"),
}


@router.get("/me", response_model=MeOut)
def who_am_i(principal: PrincipalDep) -> dict[str, Any]:
    """The key's id, role and shipper (for shipper keys), and the pages its role may use."""
    return {
        "key_id": principal.key_id,
        "role": principal.role.value,
        "shipper_id": principal.shipper_id,
        "pages": list(PAGES[principal.role]),
    }
