"""Master data and shipment endpoints over real HTTP: roles, scoping, filters, pagination."""

from __future__ import annotations

import pytest

from tests.api.conftest import LiveApi


def test_health_needs_no_key(live_api: LiveApi) -> None:
    """GET /v1/health answers without credentials and names the database."""
    with live_api.client() as client:
        response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_missing_key_is_problem_json_401(live_api: LiveApi) -> None:
    """A request without a key gets a 401 problem document."""
    with live_api.client() as client:
        response = client.get("/v1/shipments")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 401 and "API key" in body["detail"]


def test_unknown_key_is_refused(live_api: LiveApi) -> None:
    """A made-up key is refused with 401."""
    with live_api.client() as client:
        response = client.get("/v1/shipments", headers={"Authorization": "Bearer lgk_nope"})
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["coordinator", "analyst", "admin"])
def test_master_data_readers_list_locations(live_api: LiveApi, role: str) -> None:
    """Coordinator, analyst and admin keys list locations with a total."""
    with live_api.client(role) as client:
        response = client.get("/v1/locations", params={"limit": 2})
    assert response.status_code == 200
    page = response.json()
    assert len(page["items"]) == 2 and page["total"] >= 2 and page["limit"] == 2


@pytest.mark.parametrize("role", ["shipper", "feed"])
def test_shipper_and_feed_keys_cannot_read_master_data(live_api: LiveApi, role: str) -> None:
    """Shipper and feed keys get 403 on master data."""
    with live_api.client(role) as client:
        for path in ("/v1/locations", "/v1/services", "/v1/vehicles"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert response.headers["content-type"].startswith("application/problem+json")


def test_feed_key_cannot_read_shipments(live_api: LiveApi) -> None:
    """A feed key may only ingest events, not read shipments."""
    with live_api.client("feed") as client:
        assert client.get("/v1/shipments").status_code == 403


def test_pagination_windows_are_disjoint_and_complete(live_api: LiveApi) -> None:
    """Pages of size 2 cover every shipment exactly once."""
    seen: list[str] = []
    with live_api.client("coordinator") as client:
        total = client.get("/v1/shipments").json()["total"]
        for offset in range(0, total, 2):
            page = client.get("/v1/shipments", params={"limit": 2, "offset": offset}).json()
            seen.extend(item["id"] for item in page["items"])
    assert len(seen) == total == len(set(seen))


def test_filters_by_origin_and_mode(live_api: LiveApi) -> None:
    """Filters narrow lists to matching records only."""
    with live_api.client("coordinator") as client:
        every = client.get("/v1/shipments").json()["items"]
        origin = every[0]["origin"]
        filtered = client.get("/v1/shipments", params={"origin": origin}).json()
        services = client.get("/v1/services", params={"mode": "air"}).json()
    assert filtered["items"] and all(s["origin"] == origin for s in filtered["items"])
    assert filtered["total"] == sum(1 for s in every if s["origin"] == origin)
    assert all(s["mode"] == "air" for s in services["items"])


def test_shipper_sees_only_its_own_shipments(live_api: LiveApi) -> None:
    """A shipper key lists only its shipper's shipments, and another's answers 404."""
    own, other = live_api.shippers[0], live_api.shippers[1]
    with live_api.client("coordinator") as client:
        every = client.get("/v1/shipments").json()["items"]
    others = [s["id"] for s in every if s["shipper"] == other]
    mine = [s["id"] for s in every if s["shipper"] == own]
    assert others and mine
    with live_api.client("shipper") as client:
        listed = client.get("/v1/shipments").json()
        assert {s["id"] for s in listed["items"]} == set(mine)
        assert client.get(f"/v1/shipments/{mine[0]}").status_code == 200
        hidden = client.get(f"/v1/shipments/{others[0]}")
        missing = client.get("/v1/shipments/NO-SUCH-SHIPMENT")
        # filtering by another shipper does not leak anything either
        leaked = client.get("/v1/shipments", params={"shipper": other}).json()
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(others[0], "X") == missing.json()["detail"].replace(
        "NO-SUCH-SHIPMENT", "X"
    )
    assert leaked["items"] == []


def test_coordinator_creates_a_batch_and_repeating_it_changes_nothing(live_api: LiveApi) -> None:
    """POST /v1/shipments stores a batch; the same batch again is all unchanged."""
    with live_api.client("coordinator") as client:
        origin = client.get("/v1/shipments").json()["items"][0]
        batch = [
            {
                "id": f"API-{n}",
                "shipper": origin["shipper"],
                "origin": origin["origin"],
                "destination": origin["destination"],
                "weight_kg": 100 + n,
                "volume_m3": 1.0,
                "pieces": 1,
                "ready_at": origin["ready_at"],
                "due_at": origin["due_at"],
                "requirements": [],
            }
            for n in range(3)
        ]
        first = client.post("/v1/shipments", json=batch)
        again = client.post("/v1/shipments", json=batch)
        fetched = client.get("/v1/shipments/API-1")
    assert first.status_code == 201 and first.json()["created"] == 3
    assert again.status_code == 201 and again.json()["unchanged"] == 3
    assert fetched.json()["weight_kg"] == 101


def test_bad_shipments_are_refused_whole_with_located_problems(live_api: LiveApi) -> None:
    """A batch with a bad row is refused whole; problems name the row and field."""
    with live_api.client("coordinator") as client:
        good = client.get("/v1/shipments").json()["items"][0]
        rows = [
            {**good, "id": "API-OK", "requirements": []},
            {**good, "id": "API-BAD", "weight_kg": -5, "origin": "NOWHERE", "requirements": []},
        ]
        response = client.post("/v1/shipments", json=rows)
        stored = client.get("/v1/shipments/API-OK")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"weight_kg", "origin"} <= fields
    assert all(":2:" in e["location"] for e in response.json()["errors"])
    assert stored.status_code == 404


def test_shipper_cannot_create_shipments(live_api: LiveApi) -> None:
    """Only coordinators (and admins) create shipments."""
    with live_api.client("shipper") as client:
        response = client.post("/v1/shipments", json=[])
    assert response.status_code == 403


def test_request_validation_names_the_field(live_api: LiveApi) -> None:
    """A malformed query parameter gives a problem naming it."""
    with live_api.client("coordinator") as client:
        response = client.get("/v1/shipments", params={"limit": "many"})
    assert response.status_code == 422
    assert any("limit" in e["field"] for e in response.json()["errors"])


def test_openapi_lists_the_endpoints(live_api: LiveApi) -> None:
    """OpenAPI is served and documents the v1 endpoints."""
    with live_api.client() as client:
        spec = client.get("/openapi.json").json()
        docs = client.get("/docs")
    assert {"/v1/health", "/v1/shipments", "/v1/locations", "/v1/services", "/v1/vehicles"} <= set(
        spec["paths"]
    )
    assert docs.status_code == 200
