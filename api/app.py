"""The FastAPI application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api.catch_all import CatchAll
from api.docs import install_docs
from api.guards import RequestGuard
from api.openapi import install_openapi
from api.plan_runner import make_runner
from api.problems import install_problem_handlers
from api.routes import (
    disruptions,
    health,
    master_data,
    me,
    plans,
    report_catalog,
    reports,
    shipment_views,
    shipments,
    tracking,
    webhooks,
)
from api.routes.pages import install_pages
from api.tracking_refresher import TrackingRefresher
from api.webhook_dispatcher import WebhookDispatcher
from logistics.persistence.database import make_engine, make_session_factory
from logistics.settings import get_settings, job_engine

API_DESCRIPTION = """
Multimodal freight coordination: master data, shipments, plans and tracking for an air-rail-road hub.

Authenticate with `Authorization: Bearer <api key>` (keys are created with `logistics keys create`).
Roles: `coordinator` (master data, plans, all tracking), `shipper` (its own shipments only),
`analyst` (reports, read-only), `feed` (event ingestion), `admin` (everything).
Errors are RFC 9457 `application/problem+json`.
"""


def create_app(*, session_factory: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the app; without a session factory, connect to `LOGISTICS_DATABASE_URL`."""
    if session_factory is None:
        session_factory = make_session_factory(make_engine(get_settings().database_url))
    settings = get_settings()
    engine_name = job_engine(settings, str(session_factory.kw["bind"].url))
    runner = make_runner(session_factory, settings)
    dispatcher = WebhookDispatcher.from_settings(session_factory)
    refresher = TrackingRefresher.from_settings(session_factory)
    # embedded: this process runs webhook delivery and tracking refresh in threads; procrastinate:
    # `logistics worker` processes run them, this server only serves (and defers plan jobs)
    threads = engine_name == "embedded"

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runner.start()
        if threads:
            dispatcher.start()
            refresher.start()
        # Everything loaded by now lives as long as the process: keep it out of the cyclic
        # collector's full passes, which otherwise walk it every few requests (an ingestion
        # batch of 1,000 events allocates enough to trigger one; each took ~0.1 s).
        gc.freeze()
        try:
            yield
        finally:
            refresher.stop()
            dispatcher.stop()
            runner.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Logistics — multimodal freight coordination",
        version="0.1.0",
        description=API_DESCRIPTION,
        docs_url=None,  # served by install_docs from the package's assets, not a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.session_factory = session_factory
    app.state.plan_runner = runner
    app.state.webhook_dispatcher = dispatcher
    app.state.tracking_refresher = refresher
    app.state.job_engine = engine_name
    app.state.refresh_on_read = threads  # GET lists refresh stale rows first only when embedded
    install_problem_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=get_settings().max_body_bytes)
    app.add_middleware(CatchAll)  # added last, so it runs first and sees every error
    app.include_router(health.router, prefix="/v1")
    app.include_router(master_data.router, prefix="/v1")
    app.include_router(shipments.router, prefix="/v1")
    app.include_router(tracking.router, prefix="/v1")
    app.include_router(plans.router, prefix="/v1")
    app.include_router(disruptions.router, prefix="/v1")
    app.include_router(reports.router, prefix="/v1")
    app.include_router(webhooks.router, prefix="/v1")
    app.include_router(me.router, prefix="/v1")
    app.include_router(report_catalog.router, prefix="/v1")
    app.include_router(shipment_views.router, prefix="/v1")
    install_pages(app)
    install_docs(app)
    install_openapi(app)
    return app
