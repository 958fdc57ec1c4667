"""Reports over real HTTP: files with the right type and name, charts, and role scoping."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from logistics.domain import Role
from logistics.persistence.database import session_scope
from logistics.services.api_keys import create_api_key
from tests.api.conftest import LiveApi
from tests.api.live_server import serve_in_thread
from tests.reports import expected as x
from tests.reports.compare import assert_table
from tests.reports.history import load_history

AS_OF = {"as_of": "2026-12-20T00:00:00Z"}


@pytest.fixture
def reports_api(session_factory: sessionmaker[Session]) -> Iterator[LiveApi]:
    """The fixture history served over HTTP, with one key per role."""
    keys: dict[str, str] = {}
    with session_scope(session_factory) as session:
        load_history(session)
        for role in Role:
            shipper = "SHP-FXZ" if role is Role.SHIPPER else None
            keys[role.value], _ = create_api_key(
                session, role=role, shipper_id=shipper, name=role.value
            )
    with serve_in_thread(create_app(session_factory=session_factory)) as base_url:
        yield LiveApi(base_url=base_url, keys=keys, shippers=["SHP-FXZ"])


def test_csv_download_with_filters(reports_api: LiveApi) -> None:
    """An analyst gets the filtered table as a CSV attachment with its file name."""
    params = {"format": "csv", "table": "by_lane", "shipper": "SHP-FXZ", **AS_OF}
    with reports_api.client("analyst") as client:
        response = client.get("/v1/reports/on-time", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="on-time_by_lane_20261220T0000Z.csv"'
    frame = pd.read_csv(io.BytesIO(response.content))
    assert_table(frame, ["lane"], x.on_time(x.History(), x.Criteria(shipper="SHP-FXZ"), "lane"))


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("parquet", "application/vnd.apache.parquet"),
        ("json", "application/json"),
    ],
)
def test_formats_have_their_media_type(reports_api: LiveApi, fmt: str, media_type: str) -> None:
    """XLSX, Parquet and JSON come with their content types and readable bodies."""
    with reports_api.client("coordinator") as client:
        response = client.get("/v1/reports/emissions", params={"format": fmt, **AS_OF})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"].endswith(f'.{fmt}"')
    if fmt == "json":
        assert set(json.loads(response.content)["tables"]) == {"emissions", "factors"}
    elif fmt == "parquet":
        assert not pd.read_parquet(io.BytesIO(response.content)).empty


def test_chart_png(reports_api: LiveApi) -> None:
    """The chart endpoint answers a non-empty PNG."""
    with reports_api.client("analyst") as client:
        response = client.get("/v1/reports/throughput/chart.png", params={"granularity": "week"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and len(response.content) > 10_000


def test_roles(reports_api: LiveApi) -> None:
    """Analyst, coordinator and admin may read reports; shipper and feed get 403; no key 401."""
    for role, status in (
        ("analyst", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("shipper", 403),
        ("feed", 403),
    ):
        with reports_api.client(role) as client:
            assert client.get("/v1/reports/exceptions", params=AS_OF).status_code == status, role
            assert client.get("/v1/reports/exceptions/chart.png").status_code == status, role
    with reports_api.client() as client:
        assert client.get("/v1/reports/exceptions").status_code == 401


def test_bad_requests_are_problems(reports_api: LiveApi) -> None:
    """Unknown report 404; bad format, mode or date 422; all as problem+json."""
    with reports_api.client("analyst") as client:
        cases = [
            ("/v1/reports/tonnage", {}, 404),
            ("/v1/reports/throughput", {"format": "docx"}, 422),
            ("/v1/reports/throughput", {"mode": "sea"}, 422),
            ("/v1/reports/throughput", {"from": "yesterday"}, 422),
            ("/v1/reports/throughput", {"format": "csv", "table": "nope"}, 422),
            ("/v1/reports/throughput", {"hub": "NOWHERE"}, 422),
            ("/v1/reports/on-time", {"lane": "CGO-NOWHERE"}, 422),
            ("/v1/reports/throughput", {"from": "2026-12-02", "to": "2026-12-01"}, 422),
        ]
        for path, params, status in cases:
            response = client.get(path, params=params)
            assert response.status_code == status, (path, params, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert "--" not in response.json()["detail"], "API errors name API parameters"
