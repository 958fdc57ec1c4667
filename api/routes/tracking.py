"""Tracking: event ingestion (batches, raw feeds), pollers, and a shipment's tracking view."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.dependencies import (
    BodyDep,
    CoordinatorDep,
    FeedDep,
    RefreshOnReadDep,
    SessionDep,
    TrackerDep,
)
from api.dependencies import ReaderDep as AnyReaderDep
from api.idempotency import IdempotencyKey, run_once
from api.intake_activity import INTAKE
from api.schemas.common import Page
from api.schemas.events import EVENTS_BODY, validate_events
from api.schemas.params import ID_LENGTH, INT32_MAX, IdPath, IdQuery, Offset, Time
from api.schemas.tracking import IngestOut, event_out, local_iso, readable_time, tracking_out
from api.schemas.tracking_documents import EventPage, ExceptionOut, NeedsReplanOut, TrackingOut
from logistics.domain import Principal
from logistics.errors import DomainError
from logistics.services import (
    feed_ingest,
    tracking_exceptions,
    tracking_queries,
    tracking_refresh,
    tracking_sentence,
    tracking_view,
)
from logistics.services.tracking_exceptions import ExceptionFilter
from logistics.settings import get_settings
from logistics.tracking.adapters.registry import REGISTRY, FeedFormat

router = APIRouter(tags=["tracking"])


def _replay_or_run(
    session: Session,
    principal: Principal,
    key: str | None,
    body: bytes,
    run: Callable[[Session], dict[str, Any]],
) -> JSONResponse:
    with INTAKE.running():  # the embedded refresher waits for intake to pause
        return run_once(session, principal, key, body, run)


@router.post("/events", response_model=IngestOut, openapi_extra=EVENTS_BODY)
def post_events(
    body: BodyDep,
    session: SessionDep,
    principal: FeedDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ingest a batch of unified events (a JSON list, or {"events": [...]}); answers per item."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise DomainError(f"body is not JSON: {exc.msg} at position {exc.pos}") from exc
    items = validate_events(data)
    limit = get_settings().max_batch_events
    if len(items) > limit:
        raise StarletteHTTPException(
            413,
            f"{len(items)} events in one request; the limit is {limit} "
            "(LOGISTICS_MAX_BATCH_EVENTS): split the batch",
        )
    received = datetime.now(UTC)
    return _replay_or_run(
        session,
        principal,
        idempotency_key,
        body,
        lambda s: IngestOut.document(
            feed_ingest.ingest_unified_batch(s, items, received_at=received)
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
def post_feed(
    feed_format: Annotated[
        FeedFormat,
        Path(
            description="; ".join(f"{s.format.value}: {s.description}" for s in REGISTRY.values())
        ),
    ],
    body: BodyDep,
    session: SessionDep,
    principal: FeedDep,
    source: Annotated[
        str | None, Query(max_length=64, description="Source name stored with the events")
    ] = None,
    logistics_object: Annotated[
        str | None,
        Query(
            max_length=2048,
            description="one_record only: the IRI of the logistics object the events were posted "
            "to (their subject when they carry no eventFor)",
        ),
    ] = None,
    logistics_object_header: Annotated[
        str | None,
        Header(alias="Logistics-Object", max_length=2048, description="Same as ?logistics_object="),
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ingest a raw payload through its format's adapter; answers per record."""
    posted_to = logistics_object or logistics_object_header
    if posted_to and feed_format is not FeedFormat.ONE_RECORD:
        raise DomainError("logistics_object applies to one_record feeds only")
    options = {"logistics_object": posted_to} if posted_to else None
    return _replay_or_run(
        session,
        principal,
        idempotency_key,
        body,
        lambda s: IngestOut.document(
            feed_ingest.ingest_raw(s, feed_format.value, body, source=source, options=options)
        ),
    )


@router.get("/events", response_model=EventPage)
def list_events(
    session: SessionDep,
    principal: CoordinatorDep,
    updated_since: Annotated[
        Time | None,
        Query(description="Only events received since (ISO 8601 with a UTC offset)"),
    ] = None,
    cursor: Annotated[
        int, Query(ge=0, le=INT32_MAX, description="next_cursor of the previous page")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """Poll stored events in storage order; follow `next_cursor` until it is null."""
    page, zones = tracking_queries.events_after(
        session, after_seq=cursor, updated_since=updated_since, limit=limit
    )
    items = [event_out(event, zones, seq) for seq, event in page]
    next_cursor = page[-1][0] if len(page) == limit else None
    return {"items": items, "next_cursor": next_cursor}


@router.get("/shipments/{shipment_id}/tracking", response_model=TrackingOut)
def get_tracking(shipment_id: IdPath, session: SessionDep, principal: TrackerDep) -> dict[str, Any]:
    """Timeline (with local times), status, per-leg planned/estimated/actual times and exceptions."""
    view = tracking_view.shipment_tracking(session, principal, shipment_id)
    zones = tracking_queries.location_zones(session)
    sentence = tracking_sentence.sentence_for(session, view, readable_time, zones)
    return tracking_out(view, zones) | {
        "status_sentence": sentence.text,
        "status_pieces": sentence.pieces,
    }


@router.get("/exceptions", response_model=Page[ExceptionOut])
def list_exceptions(
    session: SessionDep,
    principal: AnyReaderDep,
    state: Annotated[
        Literal["open", "closed", "all"], Query(description="open (default), closed or all")
    ] = "open",
    reason: Annotated[
        str | None, Query(max_length=32, description="e.g. DELAY, MISSED_CONNECTION")
    ] = None,
    location: Annotated[
        str | None, Query(max_length=ID_LENGTH, description="Hub or stop id")
    ] = None,
    mode: Annotated[str | None, Query(max_length=8, description="air, rail or road")] = None,
    shipment_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
    *,
    refresh_first: RefreshOnReadDep,
) -> Page[dict[str, Any]]:
    """Tracking exceptions, opened and closed automatically; a shipper sees only its own."""
    page = tracking_exceptions.list_exceptions(
        session,
        principal,
        ExceptionFilter(state, reason, location, mode, shipment_id),
        limit=limit,
        offset=offset,
        refresh_first=refresh_first,
    )
    items = [tracking_refresh.exception_document(row) for row in page.items]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.get("/needs-replan", response_model=Page[NeedsReplanOut])
def list_needs_replan(
    session: SessionDep,
    principal: AnyReaderDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
    *,
    refresh_first: RefreshOnReadDep,
) -> Page[dict[str, Any]]:
    """Shipments whose accepted itinerary no longer holds; due_at in the destination's local time."""
    page, exceptions = tracking_exceptions.needing_replan(
        session, principal, limit=limit, offset=offset, refresh_first=refresh_first
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
