"""Share links, the public tracking view, route places and /v1/me over real HTTP."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi
from tests.booking import BOOKED, book_minimal

PICKED_UP = [
    {
        "event_id": "PU-1",
        "source": "driver",
        "shipment_id": "SH00001",
        "milestone": "PICKED_UP",
        "time_type": "ACTUAL",
        "event_time": "2026-11-29T02:35:00+00:00",
        "location": "FXZ",
        "mode": "road",
    }
]


def _booked(api: LiveApi, session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        book_minimal(session)
    with api.client("feed") as client:
        assert client.post("/v1/events", json=PICKED_UP).json()["accepted"] == 1


def test_me_names_role_shipper_and_pages(live_api: LiveApi) -> None:
    """Every valid key learns its role and pages; no key is 401."""
    with live_api.client("shipper") as client:
        shipper = client.get("/v1/me").json()
    with live_api.client("analyst") as client:
        analyst = client.get("/v1/me").json()
    with live_api.client() as client:
        anonymous = client.get("/v1/me")
    assert shipper["role"] == "shipper" and shipper["shipper_id"] == live_api.shippers[0]
    assert shipper["pages"] == ["track"] and shipper["key_id"].startswith("key_")
    assert analyst["pages"] == ["reports"] and analyst["shipper_id"] is None
    assert anonymous.status_code == 401


def test_shipper_shares_its_shipment_and_the_public_view_needs_no_key(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The public view has milestones, ETA, due and city-level places, and nothing private."""
    _booked(live_api, session_factory)
    with live_api.client("shipper") as client:
        link = client.post("/v1/shipments/SH00001/share")
        again = client.post("/v1/shipments/SH00001/share").json()
    assert link.status_code == 201
    token = link.json()["token"]
    assert len(token) >= 32 and again["token"] == token
    assert link.json()["url"] == f"{live_api.base_url}/s/{token}"
    with live_api.client() as client:
        view = client.get(f"/v1/public/tracking/{token}").json()
        page = client.get(f"/s/{token}")
    assert view["status"] == "PICKED_UP" and view["shipment_id"] == "SH00001"
    assert [m["milestone"] for m in view["milestones"]] == ["PICKED_UP"]
    assert view["milestones"][0]["time"] == "2026-11-29T10:35:00+08:00"
    assert view["due_at"].endswith("+01:00") and view["eta"] is not None
    assert [p["role"] for p in view["places"]] == ["origin", "hub", "hub", "destination"]
    assert view["current"]["name"] == "Electronics plant in the airport zone"
    text = str(view)
    for private in ("SHP-FXZ", "ZAEZ-V42-1129", "CV9751", "cost", "vehicle", "34.395"):
        assert private not in text, private
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_gps_position_becomes_the_nearest_known_place(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A truck's GPS fix is shown publicly as the nearest location's name, never as coordinates."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    late_leg = [
        {
            "event_id": f"LEG-{i}",
            "source": "ops",
            "shipment_id": "SH00001",
            "milestone": milestone,
            "time_type": "ACTUAL",
            "event_time": time,
            "location": place,
            "mode": mode,
        }
        for i, (milestone, time, place, mode) in enumerate(
            [
                ("DEPARTED", "2026-11-29T17:40:00+00:00", "CGO", "air"),
                ("ARRIVED", "2026-11-30T05:10:00+00:00", "LUX", "air"),
                ("DEPARTED", "2026-11-30T11:35:00+00:00", "LUX", "road"),
            ]
        )
    ]
    with live_api.client("feed") as client:
        assert client.post("/v1/events", json=late_leg).json()["accepted"] == 3
        assert client.post("/v1/feeds/gps", content=BOOKED["gps"].encode()).status_code == 200
    with live_api.client("coordinator") as client:
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
        route = client.get("/v1/shipments/SH00001/route").json()
    with live_api.client() as client:
        view = client.get(f"/v1/public/tracking/{token}").json()
    assert route["current"]["near"] == "LUX" and route["current"]["lat"] == 49.63
    assert view["current"]["name"] == "Luxembourg Findel cargo centre"
    assert view["current"]["lat"] == 49.6 and "near" not in view["current"]


def test_sharing_is_scoped_and_revocable(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Another shipper gets 404, analysts 403; a revoked or unknown token is 404."""
    _booked(live_api, session_factory)
    with live_api.client("other_shipper") as client:
        foreign = client.post("/v1/shipments/SH00001/share")
        foreign_route = client.get("/v1/shipments/SH00001/route")
    with live_api.client("analyst") as client:
        analyst = client.post("/v1/shipments/SH00001/share")
    with live_api.client("shipper") as client:
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
        route = client.get("/v1/shipments/SH00001/route").json()
    with live_api.client("other_shipper") as client:
        foreign_revoke = client.delete(f"/v1/share-links/{token}")
    with live_api.client("coordinator") as client:
        revoked = client.delete(f"/v1/share-links/{token}")
    with live_api.client() as client:
        gone = client.get(f"/v1/public/tracking/{token}")
        unknown = client.get("/v1/public/tracking/not-a-token")
    assert foreign.status_code == 404 and foreign_route.status_code == 404
    assert analyst.status_code == 403
    assert [p["id"] for p in route["places"]] == ["FXZ", "CGO", "LUX", "LUXC"]
    assert foreign_revoke.status_code == 404 and revoked.status_code == 204
    assert gone.status_code == 404 and unknown.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")


def test_report_catalogue_and_pages_are_served(live_api: LiveApi) -> None:
    """GET /v1/reports lists every report; the pages and their assets come from the app."""
    with live_api.client("analyst") as client:
        catalogue = client.get("/v1/reports").json()
    with live_api.client("shipper") as client:
        refused = client.get("/v1/reports")
    with live_api.client() as client:
        pages = [client.get(path) for path in ("/", "/track", "/plans", "/reports")]
        outlines = client.get("/static/data/world-110m.json")
        script = client.get("/static/app.js")
    assert [r["name"] for r in catalogue["items"]][:2] == ["throughput", "on-time"]
    assert refused.status_code == 403
    assert all(p.status_code == 200 and "<html" in p.text for p in pages)
    assert outlines.status_code == 200 and len(outlines.json()["countries"]) > 150
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
