"""Exceptions and the shipments needing a replan, as coordinators (or a shipper, scoped) list them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from logistics.domain import ExceptionReason, Mode, Principal
from logistics.errors import DomainError
from logistics.persistence.repositories import tracking_state
from logistics.persistence.repositories.page import Page
from logistics.persistence.repositories.tracking_state import ExceptionFilter as ExceptionFilter
from logistics.persistence.repositories.tracking_state import ShipmentState, StoredException
from logistics.services import tracking_refresh

STATES = ("open", "closed", "all")


def _scope(principal: Principal) -> list[str] | None:
    return None if principal.shipper_id is None else [principal.shipper_id]


def _check(f: ExceptionFilter) -> None:
    if f.state not in STATES:
        raise DomainError(f"state must be one of {', '.join(STATES)}, not {f.state!r}")
    if f.reason and f.reason not in ExceptionReason.__members__:
        raise DomainError(
            f"unknown reason {f.reason!r}; use one of: {', '.join(ExceptionReason.__members__)}"
        )
    if f.mode and f.mode not in {m.value for m in Mode}:
        raise DomainError(
            f"unknown mode {f.mode!r}; use one of: {', '.join(m.value for m in Mode)}"
        )


def list_exceptions(
    session: Session,
    principal: Principal,
    f: ExceptionFilter,
    *,
    limit: int,
    offset: int,
    refresh_first: bool = True,
) -> Page[StoredException]:
    """Exceptions matching `f` that the principal may see (with `refresh_first`, stale
    projections are brought up to date first; without, it only reads)."""
    _check(f)
    if refresh_first:
        tracking_refresh.refresh(session)
    return tracking_state.list_exceptions(
        session, replace(f, shippers=_scope(principal)), limit=limit, offset=offset
    )


def needing_replan(
    session: Session, principal: Principal, *, limit: int, offset: int, refresh_first: bool = True
) -> tuple[Page[ShipmentState], dict[str, list[StoredException]]]:
    """Shipments whose accepted itinerary no longer holds, with their open exceptions (stale
    projections refreshed first with `refresh_first`)."""
    if refresh_first:
        tracking_refresh.refresh(session)
    page = tracking_state.needing_replan(
        session, shippers=_scope(principal), limit=limit, offset=offset
    )
    return page, {
        row.shipment_id: tracking_state.open_for(session, row.shipment_id) for row in page.items
    }
