"""Errors over real HTTP: an unexpected failure is a problem+json 500 with a logged correlation id."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.catch_all import CORRELATION_HEADER
from tests.api.live_server import serve_in_thread


def test_an_unexpected_error_is_a_500_problem_with_a_logged_correlation_id(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """A route that raises something unplanned answers 500 problem+json; the log has the same id."""
    app = create_app(session_factory=session_factory)

    @app.get("/v1/test-explode")
    def explode() -> None:
        raise RuntimeError("boom: an invariant nobody planned for")

    with caplog.at_level(logging.ERROR, logger="api.errors"), serve_in_thread(app) as base_url:
        response = httpx.get(f"{base_url}/v1/test-explode", timeout=10)
        health = httpx.get(f"{base_url}/v1/health", timeout=10)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    correlation = response.headers[CORRELATION_HEADER]
    assert problem["correlation_id"] == correlation and correlation in problem["detail"]
    assert "boom" not in response.text  # internals stay in the log
    logged = [r for r in caplog.records if correlation in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])
    assert health.status_code == 200


def test_405_names_the_allowed_methods(session_factory: sessionmaker[Session]) -> None:
    """A method a path does not take answers 405 problem+json with an Allow header."""
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        response = httpx.delete(f"{base_url}/v1/health", timeout=10)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "GET" in response.json()["detail"]
