"""GET /v1/ready as documented: keyless, and its 503 is the ReadyOut naming the failed check (it
never answers the busy-database problem with Retry-After), as a real server answers it."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import create_app
from logistics.persistence.database import make_engine, make_session_factory
from logistics.persistence.migrate import downgrade_to, upgrade_to_head
from scripts.export_openapi import current_openapi
from tests.api.live_server import serve_in_thread


def test_ready_is_documented_as_it_answers(tmp_path: Path) -> None:
    """The document: no security, no 401/403, 200 and 503 both ReadyOut as application/json, no
    Retry-After; a server on a database behind its migrations answers that 503 to a request
    without a key, a body with exactly ReadyOut's fields and no Retry-After."""
    document = current_openapi()
    ready = document["paths"]["/v1/ready"]["get"]
    responses = ready["responses"]
    assert "security" not in ready and not {"401", "403"} & set(responses)
    for code in ("200", "503"):
        assert responses[code]["content"] == {
            "application/json": {"schema": {"$ref": "#/components/schemas/ReadyOut"}}
        }
    assert "headers" not in responses["503"]
    fields = set(document["components"]["schemas"]["ReadyOut"]["properties"])
    engine = make_engine(f"sqlite:///{tmp_path / 'behind.db'}")
    upgrade_to_head(engine)
    downgrade_to(engine, "-1")
    try:
        with serve_in_thread(create_app(session_factory=make_session_factory(engine))) as base:
            answer = httpx.get(f"{base}/v1/ready", timeout=10)
    finally:
        engine.dispose()
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/json"
    assert "retry-after" not in answer.headers
    assert set(answer.json()) == fields and answer.json()["status"] == "not ready"
