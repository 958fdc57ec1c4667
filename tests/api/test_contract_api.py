"""The API contract: the OpenAPI snapshot, typed responses, problem+json errors, the public view's
fields, the ShipmentIn example, and offline docs, checked over real HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.bundles.reader import read_bundle
from logistics.domain import Role
from logistics.persistence.database import session_scope
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from scripts.export_openapi import DEFAULT_OUT, current_openapi, render
from tests.api.conftest import LiveApi
from tests.api.live_server import serve_in_thread
from tests.api.test_share_links_api import _booked

REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "zhengzhou"
DOWNLOADS = {"/v1/reports/{name}", "/v1/reports/{name}/chart.png"}
PUBLIC_KEYS = {
    "shipment_id",
    "status",
    "due_at",
    "eta",
    "delivered_at",
    "on_time",
    "origin",
    "destination",
    "places",
    "current",
    "milestones",
    "pieces",  # what a consignee needs to check the delivery (ux-shipper-analyst)
    "references",  # the booking or waybill the shipper linked
    "last_event_at",
    "eta_unknown_reason",
    "status_basis",  # the report the status rests on: milestone, time, place, feed, evidence
    "status_pieces",  # the part of the pieces a split status is about ("5 of 10 pieces")
    "eta_basis",  # planned, reported estimate, actual or computed, and from what (ux-gaps)
    "as_of",
}
PUBLIC_STATUS_BASIS_KEYS = {"milestone", "time", "place", "source", "evidence", "detail"}
PUBLIC_ETA_BASIS_KEYS = {"kind", "detail", "source", "reported_at"}


# answers a route documents itself (not problem+json): /v1/ready's 503 is its ReadyOut
OWN_ANSWERS = frozenset({("/v1/ready", "503")})


def test_openapi_matches_the_checked_in_snapshot() -> None:
    """The served document equals fixtures/api/openapi.json (regenerate: scripts/export_openapi.py)."""
    assert render(current_openapi()) == DEFAULT_OUT.read_text(), (
        "the OpenAPI document changed: if that is intended, run "
        "`python scripts/export_openapi.py` and commit fixtures/api/openapi.json"
    )


def test_every_json_route_has_a_response_model_and_problem_errors() -> None:
    """Each /v1 operation names its success schema and documents its 4xx and 503 as problem+json."""
    document = current_openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert len(success) == 1, (method, path)
            content = responses[success[0]].get("content", {})
            if success[0] != "204" and path not in DOWNLOADS:
                schema = content["application/json"]["schema"]
                assert "$ref" in str(schema), (method, path)  # a model, or a list of one
            assert "422" in responses, (method, path)
            for code, answer in responses.items():
                if code.startswith(("4", "5")) and (path, code) not in OWN_ANSWERS:
                    assert list(answer["content"]) == ["application/problem+json"], (path, code)
            if path.startswith("/v1/") and (path, "503") not in OWN_ANSWERS:
                # a lock or statement timeout: retry later (test_lock_waits)
                assert "Retry-After" in responses["503"]["headers"], (method, path)
            if path not in ("/v1/health", "/v1/ready", "/v1/public/tracking/{token}"):
                assert {"401", "403"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
    ingest = document["paths"]["/v1/events"]["post"]["requestBody"]["content"]
    assert "EventIn" in str(ingest["application/json"]["schema"])
    assert {"EventIn", "EventBatch", "Problem"} <= set(document["components"]["schemas"])
    feeds = document["paths"]["/v1/feeds/{feed_format}"]["post"]["requestBody"]["content"]
    assert len(feeds) >= 3


def test_the_public_view_has_exactly_the_allowed_fields(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The keyless view's keys, and those of its places and milestones, are exactly the allowed."""
    _booked(live_api, session_factory)
    with live_api.client("shipper") as client:
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
    with live_api.client() as client:
        view = client.get(f"/v1/public/tracking/{token}").json()
    assert set(view) == PUBLIC_KEYS
    assert all(set(p) == {"name", "role", "lat", "lon"} for p in view["places"])
    assert set(view["current"]) == {"name", "role", "lat", "lon", "time"}
    assert view["milestones"]
    assert all(set(m) == {"milestone", "time", "place", "mode"} for m in view["milestones"])
    assert set(view["status_basis"]) == PUBLIC_STATUS_BASIS_KEYS
    assert set(view["eta_basis"]) == PUBLIC_ETA_BASIS_KEYS


def test_the_shipment_example_is_accepted_on_the_reference_scenario(
    session_factory: sessionmaker[Session],
) -> None:
    """The documented ShipmentIn example posts as is to a server holding `logistics demo`'s data."""
    with session_scope(session_factory) as session:
        import_scenario(session, read_bundle(REFERENCE))
        key, _ = create_api_key(session, role=Role.COORDINATOR, shipper_id=None, name="c")
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            schema = client.get("/openapi.json").json()["components"]["schemas"]["ShipmentIn"]
            example = schema["examples"][0]
            created = client.post("/v1/shipments", json=example)
    assert created.status_code == 201, created.text
    assert created.json()["ids"] == [example["id"]]


def test_docs_and_redoc_load_every_asset_from_the_server(live_api: LiveApi) -> None:
    """/docs and /redoc reference only local assets, and each is served (works offline)."""
    with live_api.client() as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page)
            assert html.status_code == 200 and "text/html" in html.headers["content-type"]
            assert not re.search(r"(src|href)=[\"']?(https?:)?//", html.text), page
            assets = re.findall(r"(?:src|href)=[\"']([^\"']+)[\"']", html.text)
            urls = re.findall(r"url: ?[\"']([^\"']+)[\"']", html.text)
            assert any(a.endswith(".js") for a in assets), page
            for asset in assets:
                answer = client.get(asset)
                assert answer.status_code == 200 and len(answer.content) > 1000, asset
            assert "/openapi.json" in urls or "/openapi.json" in html.text
        assert client.get("/openapi.json").json()["openapi"].startswith("3.")
