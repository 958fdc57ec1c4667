"""Share links (a shipment's public view without a key) and the route places for the map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import PrincipalDep, RefreshOnReadDep, SessionDep, TrackerDep
from api.schemas.params import IdPath
from api.schemas.share_views import (
    PublicTrackingOut,
    RouteOut,
    ShareLinkOut,
    ShipmentSummaryPage,
)
from api.schemas.shipment_views import public_out, route_out, summary_out
from logistics.services import (
    share_links,
    shipment_references,
    tracking_queries,
    tracking_sentence,
)

router = APIRouter(tags=["tracking"])


def share_url(request: Request, token: str) -> str:
    """The absolute URL of the public tracking page of a token."""
    return f"{str(request.base_url).rstrip('/')}/s/{token}"


@router.post(
    "/shipments/{shipment_id}/share",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareLinkOut,
)
def share(
    shipment_id: IdPath, request: Request, session: SessionDep, principal: TrackerDep
) -> dict[str, Any]:
    """A link to the shipment's public tracking page (no key needed); the same link if asked again."""
    row = share_links.create_share_link(session, principal, shipment_id)
    return {
        "token": row.token,
        "url": share_url(request, row.token),
        "shipment_id": row.shipment_id,
        "created_at": row.created_at.isoformat(),
    }


@router.delete("/share-links/{token}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(token: IdPath, session: SessionDep, principal: PrincipalDep) -> Response:
    """Stop sharing: the link's creator, a coordinator or an admin."""
    share_links.revoke_share_link(session, principal, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/public/tracking/{token}", response_model=PublicTrackingOut)
def public_tracking(token: IdPath, session: SessionDep) -> PublicTrackingOut:
    """The public view behind a share link: milestones, status, ETA, due and city-level places."""
    route = share_links.public_view(session, token)
    references = shipment_references.references_of(session, route.tracking.shipment.id)
    pieces = tracking_sentence.status_pieces(session, route.tracking)
    return public_out(route, tracking_queries.location_zones(session), references, pieces)


@router.get("/shipments/{shipment_id}/route", response_model=RouteOut)
def shipment_route(
    shipment_id: IdPath, session: SessionDep, principal: TrackerDep
) -> dict[str, Any]:
    """Origin, hubs and destination with coordinates, and the current position, for a map."""
    return route_out(share_links.route_view(session, principal, shipment_id))


@router.get("/tracking/shipments", response_model=ShipmentSummaryPage)
def tracked_shipments(
    session: SessionDep,
    principal: TrackerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    *,
    refresh_first: RefreshOnReadDep,
) -> ShipmentSummaryPage:
    """The consignments the key may see with status, ETA against due and open exceptions."""
    page, places = tracking_queries.shipment_summaries(
        session, principal, limit=limit, offset=offset, refresh_first=refresh_first
    )
    return ShipmentSummaryPage(
        items=[summary_out(s, places) for s in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )
