"""A split FSU (DEP with 5 of 10 pieces) over real HTTP: the status sentence says so."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import FIXTURES, book_minimal

SPLIT = (FIXTURES / "tracking" / "fsu_sh00001_split_departed.txt").read_bytes()
REST = (FIXTURES / "tracking" / "fsu_sh00001_second_part_departed.txt").read_bytes()


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The feed arrives while CV9751 is in the air (its booked legs are on 29-30 Nov 2026)."""
    with frozen_now("2026-11-30T03:00:00+00:00"):
        yield


def test_a_part_departure_reads_as_part_of_the_pieces_until_all_departed(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """DEP P5 of T10: DEPARTED, "departed, 5 of 10 pieces" (and `status_pieces`, which the
    /track page's status line shows); the other 5 departing on another flight make all 10: the
    sentence no longer names a part, and `status_pieces` is null."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00001/references", json={"kind": "awb", "value": "160-12345675"}
        )
    assert linked.status_code == 201
    with live_api.client("feed") as client:
        answer = client.post("/v1/feeds/fsu", content=SPLIT).json()
    assert Counter(i["status"] for i in answer["items"]) == {"accepted": 2}
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert view["status"] == "DEPARTED" and view["status_pieces"] == "5 of 10 pieces"
    assert f"(departed, {view['status_pieces']})" in view["status_sentence"]
    with live_api.client("feed") as client:
        rest = client.post("/v1/feeds/fsu", content=REST).json()
    assert Counter(i["status"] for i in rest["items"]) == {"accepted": 1}
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    assert "(departed)" in view["status_sentence"] and "pieces" not in view["status_sentence"]
    assert view["status_pieces"] is None


def test_the_share_link_view_says_which_part_of_the_pieces_the_status_is_about(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The keyless view of a share link carries the part the tracking view's sentence names
    (`5 of 10 pieces`, the same words) while only part has departed, and null once all have."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        client.post(
            "/v1/shipments/SH00001/references", json={"kind": "awb", "value": "160-12345675"}
        )
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
    with live_api.client("feed") as client:
        assert Counter(
            i["status"] for i in client.post("/v1/feeds/fsu", content=SPLIT).json()["items"]
        ) == {"accepted": 2}
    with live_api.client() as public, live_api.client("coordinator") as client:
        part = public.get(f"/v1/public/tracking/{token}").json()
        sentence = client.get("/v1/shipments/SH00001/tracking").json()["status_sentence"]
    assert part["status"] == "DEPARTED" and part["status_pieces"] == "5 of 10 pieces"
    assert f"(departed, {part['status_pieces']})" in sentence
    with live_api.client("feed") as client:
        client.post("/v1/feeds/fsu", content=REST)
    with live_api.client() as public:
        whole = public.get(f"/v1/public/tracking/{token}").json()
    assert whole["status"] == "DEPARTED" and whole["status_pieces"] is None
