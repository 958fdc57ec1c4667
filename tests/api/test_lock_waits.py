"""A request waiting for a lock freezes nothing else; a lock held too long answers 503, not 500."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.persistence.database import (
    IMMEDIATE,
    make_engine,
    make_session_factory,
    session_scope,
)
from tests.api.conftest import LiveApi
from tests.api.live_server import serve_in_thread
from tests.booking import book_minimal

EVENT = {"event_id": "LOCK-1", "source": "lock", "milestone": "PICKED_UP", "time_type": "ACTUAL",
         "event_time": "2026-11-29T10:05:00+08:00", "shipment_id": "SH00001", "location": "FXZ"}  # fmt: skip
LOCK_STATE_ROW = "UPDATE shipment_tracking_state SET stale = stale WHERE shipment_id = 'SH00001'"


def _post(base_url: str, key: str, answers: list[httpx.Response], key_header: str = "") -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if key_header:
        headers["Idempotency-Key"] = key_header
    with httpx.Client(base_url=base_url, timeout=60) as client:
        answers.append(client.post("/v1/events", content=json.dumps([EVENT]), headers=headers))


def _waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        return int(conn.execute(text(query + " AND datname = current_database()")).scalar_one())


def test_health_answers_while_an_ingestion_waits_for_a_lock(
    live_api: LiveApi, session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """Another connection holds the shipment's state row; health answers; then the POST lands."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    holder = engine.connect().execution_options(**IMMEDIATE)
    holder.begin()
    holder.execute(text(LOCK_STATE_ROW))
    answers: list[httpx.Response] = []
    post = threading.Thread(target=_post, args=(live_api.base_url, live_api.keys["feed"], answers))
    post.start()
    try:
        if engine.dialect.name == "postgresql":
            for _ in range(200):  # until the ingestion really waits on the held row
                if _waiting_on_locks(engine):
                    break
                time.sleep(0.02)
            assert _waiting_on_locks(engine) == 1
        else:
            time.sleep(0.5)
        with httpx.Client(base_url=live_api.base_url, timeout=5) as client:
            for _ in range(5):
                assert client.get("/v1/health").status_code == 200
        assert post.is_alive() and not answers  # health answered during the lock wait
    finally:
        holder.commit()
        holder.close()
        post.join(timeout=60)
    assert answers[0].status_code == 200 and answers[0].json()["accepted"] == 1


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_lock_held_past_lock_timeout_answers_503_and_releases_the_key(
    live_api: LiveApi, session_factory: sessionmaker[Session], engine: Engine, database_url: str
) -> None:
    """PostgreSQL's lock_timeout ends the wait: 503 problem+json with Retry-After; a retry works."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    impatient = make_engine(database_url, lock_timeout_s=0.3)
    app = create_app(session_factory=make_session_factory(impatient))
    holder = engine.connect()
    holder.begin()
    holder.execute(text(LOCK_STATE_ROW))
    answers: list[httpx.Response] = []
    try:
        with serve_in_thread(app) as base_url:
            _post(base_url, live_api.keys["feed"], answers, "lock-key")
            holder.commit()
            _post(base_url, live_api.keys["feed"], answers, "lock-key")
    finally:
        holder.close()
        impatient.dispose()
    refused, retried = answers
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "unavailable" and "lock" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert retried.status_code == 200 and retried.json()["accepted"] == 1
