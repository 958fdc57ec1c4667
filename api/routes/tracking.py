"""Tracking: event ingestion (batches, raw feeds), pollers, and a shipment's tracking view."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from api.dependencies import ReaderDep as AnyReaderDep
from api.dependencies import SessionDep, require_roles
from api.schemas.common import Page
from api.schemas.tracking import IngestOut, event_out, local_iso, tracking_out
from logistics.domain import Principal, Role
from logistics.errors import Conflict, DomainError
from logistics.persistence.repositories.tracking_state import ExceptionFilter
from logistics.services import (
    feed_ingest,
    tracking_exceptions,
    tracking_queries,
    tracking_refresh,
    tracking_view,
)
from logistics.tracking.adapters.registry import REGISTRY, FeedFormat

router = APIRouter(tags=["tracking"])

FeedDep = Annotated[Principal, Depends(require_roles(Role.FEED))]
ReaderDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR, Role.SHIPPER))]
CoordinatorDep = Annotated[Principal, Depends(require_roles(Role.COORDINATOR))]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retry-safe key: a repeat gets the first answer"),
]


def _replay_or_run(
    session: SessionDep, principal: Principal, key: str | None, body: bytes, run: Any
) -> JSONResponse:
    digest = hashlib.sha256(body).hexdigest()
    if key:
        stored = tracking_queries.find_idempotent(session, principal.key_id, key)
        if stored is not None:
            if stored.request_sha256 != digest:
                raise Conflict(f"Idempotency-Key {key!r} was used for a different request")
            return JSONResponse(
                json.loads(stored.response),
                status_code=stored.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
    answer = run().model_dump()
    if key:
        tracking_queries.remember_idempotent(
            session, principal.key_id, key, digest, 200, json.dumps(answer)
        )
    return JSONResponse(answer, status_code=200)


@router.post("/events", response_model=IngestOut)
async def post_events(
    request: Request,
    session: SessionDep,
    principal: FeedDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ingest a batch of unified events (a JSON list, or {"events": [...]}); answers per item."""
    body = await request.body()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise DomainError(f"body is not JSON: {exc.msg} at position {exc.pos}") from exc
    items = data.get("events") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise DomainError('body must be a JSON list of events or {"events": [...]}')
    received = datetime.now(UTC)
    return _replay_or_run(
        session,
        principal,
        idempotency_key,
        body,
        lambda: IngestOut.of(
            feed_ingest.ingest_unified_batch(session, items, received_at=received)
        ),
    )


@router.post(
    "/feeds/{feed_format}",
    response_model=IngestOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The payload as the source sent it; see the feed format's description.",
            "content": {
                content_type: {"schema": {"type": "string"}}
                for spec in REGISTRY.values()
                for content_type in spec.content_types
            },
        }
    },
)
async def post_feed(
    feed_format: Annotated[
        FeedFormat,
        Path(
            description="; ".join(f"{s.format.value}: {s.description}" for s in REGISTRY.values())
        ),
    ],
    request: Request,
    session: SessionDep,
    principal: FeedDep,
    source: Annotated[str | None, Query(description="Source name stored with the events")] = None,
    logistics_object: Annotated[
        str | None,
        Query(
            description="one_record only: the IRI of the logistics object the events were posted "
            "to (their subject when they carry no eventFor)"
        ),
    ] = None,
    logistics_object_header: Annotated[
        str | None, Header(alias="Logistics-Object", description="Same as ?logistics_object=")
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ingest a raw payload through its format's adapter; answers per record."""
    body = await request.body()
    posted_to = logistics_object or logistics_object_header
    if posted_to and feed_format is not FeedFormat.ONE_RECORD:
        raise DomainError("logistics_object applies to one_record feeds only")
    options = {"logistics_object": posted_to} if posted_to else None
    return _replay_or_run(
        session,
        principal,
        idempotency_key,
        body,
        lambda: IngestOut.of(
            feed_ingest.ingest_raw(session, feed_format.value, body, source=source, options=options)
        ),
    )


@router.get("/events")
def list_events(
    session: SessionDep,
    principal: CoordinatorDep,
    updated_since: Annotated[
        datetime | None, Query(description="Only events received since (ISO 8601)")
    ] = None,
    cursor: Annotated[int, Query(ge=0, description="next_cursor of the previous page")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """Poll stored events in storage order; follow `next_cursor` until it is null."""
    page, zones = tracking_queries.events_after(
        session, after_seq=cursor, updated_since=updated_since, limit=limit
    )
    items = [event_out(event, zones, seq) for seq, event in page]
    next_cursor = page[-1][0] if len(page) == limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.get("/shipments/{shipment_id}/tracking")
def get_tracking(shipment_id: str, session: SessionDep, principal: ReaderDep) -> dict[str, Any]:
    """Timeline (with local times), status, per-leg planned/estimated/actual times and exceptions."""
    view = tracking_view.shipment_tracking(session, principal, shipment_id)
    return tracking_out(view, tracking_queries.location_zones(session))


@router.get("/exceptions", response_model=Page[dict[str, Any]])
def list_exceptions(
    session: SessionDep,
    principal: AnyReaderDep,
    state: Annotated[str, Query(description="open (default), closed or all")] = "open",
    reason: Annotated[str | None, Query(description="e.g. DELAY, MISSED_CONNECTION")] = None,
    location: Annotated[str | None, Query(description="Hub or stop id")] = None,
    mode: Annotated[str | None, Query(description="air, rail or road")] = None,
    shipment_id: Annotated[str | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[dict[str, Any]]:
    """Tracking exceptions, opened and closed automatically; a shipper sees only its own."""
    page = tracking_exceptions.list_exceptions(
        session,
        principal,
        ExceptionFilter(state, reason, location, mode, shipment_id),
        limit=limit,
        offset=offset,
    )
    items = [tracking_refresh.exception_document(row) for row in page.items]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.get("/needs-replan", response_model=Page[dict[str, Any]])
def list_needs_replan(
    session: SessionDep,
    principal: AnyReaderDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[dict[str, Any]]:
    """Shipments whose accepted itinerary no longer holds; due_at in the destination's local time."""
    page, exceptions = tracking_exceptions.needing_replan(
        session, principal, limit=limit, offset=offset
    )
    zones = tracking_queries.destination_zones(session, [row.shipment_id for row in page.items])
    items = [
        {
            "shipment_id": row.shipment_id,
            "status": row.status,
            "due_at": local_iso(row.due_at, zones.get(row.shipment_id)),  # destination's time
            "exceptions": [
                tracking_refresh.exception_document(e) for e in exceptions[row.shipment_id]
            ],
        }
        for row in page.items
    ]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)
