"""Cargo-IMP FSU end to end over real HTTP: linked AWB, per-record answers, timeline and ETA."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import FIXTURES, book_minimal

DEPARTED = (FIXTURES / "tracking" / "fsu_sh00001_departed.txt").read_bytes()
DELIVERED = (FIXTURES / "tracking" / "fsu_sh00001_delivered.txt").read_bytes()


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The feed arrives while CV9751 is in the air (its booked legs are on 29-30 Nov 2026)."""
    with frozen_now("2026-11-30T03:00:00+00:00"):
        yield


def test_fsu_reaches_the_linked_shipment_with_answers_per_record(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Statuses in a Type-B envelope reach SH00001's timeline, legs and status; each record
    is answered, a bad element is named, an unknown code is stored as informational."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00001/references", json={"kind": "awb", "value": "160-12345675"}
        )
    assert linked.status_code == 201
    with live_api.client("feed") as client:
        first = client.post(
            "/v1/feeds/fsu", content=DEPARTED, headers={"Content-Type": "text/plain"}
        ).json()
        again = client.post("/v1/feeds/fsu", content=DEPARTED).json()
    statuses = Counter(item["status"] for item in first["items"])
    # RCS; BOOKED + planned departure and arrival; DEPARTED + estimated arrival: 6 accepted;
    # the unknown FIW informational; DEP with A0190 (no such minute) rejected
    assert statuses == {"accepted": 6, "informational": 1, "rejected": 1}
    (refused,) = [i for i in first["items"] if i["status"] == "rejected"]
    assert refused["record"] == "line 16" and refused["code"] == "bad_element"
    assert "Time of Departure Information 'A0190'" in refused["reason"]
    assert any("FIW" in m for m in first["messages"])
    assert Counter(i["status"] for i in again["items"]) == {"duplicate": 7, "rejected": 1}
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    air = view["legs"][1]
    assert air["actual_depart"] == "2026-11-30T01:42:00+08:00"  # A0142 at CGO, local time
    assert air["estimated_arrive"] == "2026-11-30T06:18:00+01:00"  # E0618 at LUX
    assert view["status"] == "DEPARTED"
    fiw = next(e for e in view["timeline"] if e["source_code"] == "FIW")
    assert fiw["milestone"] == "INFORMATIONAL" and fiw["place"]["timezone"] == "Asia/Shanghai"
    assert fiw["event_time_local"] == "2026-11-30T00:50:00+08:00"  # PVG is not a platform place
    with live_api.client("feed") as client:
        done = client.post("/v1/feeds/fsu", content=DELIVERED).json()
    assert Counter(i["status"] for i in done["items"]) == {"accepted": 2, "informational": 1}
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert view["status"] == "DELIVERED"
    assert view["legs"][1]["actual_arrive"] == "2026-11-30T06:25:00+01:00"
    milestones = [e["milestone"] for e in view["timeline"]]
    assert milestones.index("RECEIVED") < milestones.index("DEPARTED") < milestones.index("ARRIVED")
    assert milestones[-1] == "DELIVERED"


def test_an_unlinked_air_waybill_is_refused_per_record_naming_it(live_api: LiveApi) -> None:
    """Without a linked shipment every status is refused as not linked, nothing is stored."""
    with live_api.client("feed") as client:
        answer = client.post("/v1/feeds/fsu", content=DELIVERED).json()
    assert answer["accepted"] == 0 and answer["rejected"] == 3
    assert all(i["code"] == "unlinked_reference" for i in answer["items"])
    assert "160-12345675 is not linked" in answer["items"][0]["reason"]
    assert answer["items"][0]["record"] == "line 3"


def test_openapi_lists_the_feed_formats_and_content_types(live_api: LiveApi) -> None:
    """The path parameter is the registry's enum and the body lists each format's content type."""
    with live_api.client() as client:
        spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/feeds/{feed_format}"]["post"]
    (param,) = [p for p in post["parameters"] if p["name"] == "feed_format"]
    schema = param["schema"]
    enum = (
        schema.get("enum") or spec["components"]["schemas"][schema["$ref"].split("/")[-1]]["enum"]
    )
    assert {"fsu", "dcsa", "epcis", "one_record", "unified"} <= set(enum)
    assert "text/plain" in post["requestBody"]["content"]


def test_xfsu_reaches_the_linked_shipment_through_the_same_code_table(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """An XFSU StatusMessage with ARR and DLV delivers SH00001, arrival at LUX's local time."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        client.post(
            "/v1/shipments/SH00001/references", json={"kind": "awb", "value": "16012345675"}
        )
    xfsu = (FIXTURES / "tracking" / "xfsu_sh00001_delivered.xml").read_bytes()
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/xfsu", content=xfsu, headers={"Content-Type": "application/xml"}
        ).json()
    assert [i["status"] for i in answer["items"]] == ["accepted", "accepted"]
    assert [i["record"] for i in answer["items"]] == ["ReportedStatus 1", "ReportedStatus 2"]
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert view["status"] == "DELIVERED"
    assert view["legs"][1]["actual_arrive"] == "2026-11-30T06:25:00+01:00"
