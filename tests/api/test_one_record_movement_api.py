"""A ONE Record flight event reaches every shipment on the flight, over real HTTP (both databases)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import FIXTURES, book_minimal

FANOUT = (FIXTURES / "feeds" / "one_record" / "movement_fanout.jsonld").read_bytes()
PIECE = "https://1r.forwarder.example/logistics-objects/piece-sh1-1"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The feed arrives after CV9751 landed (the booked legs are on 29-30 Nov 2026)."""
    with frozen_now("2026-11-30T10:00:00+00:00"):
        yield


def _timeline(live_api: LiveApi, shipment_id: str) -> list[dict[str, Any]]:
    with live_api.client("coordinator") as client:
        view = client.get(f"/v1/shipments/{shipment_id}/tracking").json()
    return list(view["timeline"])


def _book_and_link_the_piece(live_api: LiveApi, session_factory: sessionmaker[Session]) -> None:
    """Book the minimal shipments; link SH00001 to the piece the feed loads on the flight."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00001/references", json={"kind": "logistics_object", "value": PIECE}
        )
    assert linked.status_code == 201, linked.text


def _post_feed(live_api: LiveApi, payload: bytes) -> dict[str, Any]:
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/one_record",
            content=payload,
            headers={"Content-Type": "application/ld+json"},
        )
    return dict(answer.json())


def test_a_flight_event_reaches_the_loaded_piece_and_every_booked_shipment_once(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """DEP and ARR of CV9751 with SH00001's piece loaded: SH00001 sees each once (its own and the
    flight's copy are one fact), SH00002, booked on the flight with no piece named, sees them too."""
    _book_and_link_the_piece(live_api, session_factory)
    answer = _post_feed(live_api, FANOUT)
    assert Counter(i["status"] for i in answer["items"]) == {"accepted": 4}
    for shipment_id in ("SH00001", "SH00002"):
        timeline = _timeline(live_api, shipment_id)
        assert [e["milestone"] for e in timeline] == ["DEPARTED", "ARRIVED"], shipment_id


def test_an_event_on_a_flight_we_do_not_run_goes_to_the_loaded_piece_only(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The same feed about CV9999, no service of ours: SH00001's piece gets the events, and the
    flight is not refused as an unknown service (nothing rejected)."""
    _book_and_link_the_piece(live_api, session_factory)
    other_flight = FANOUT.replace(b"CV9751/30NOV2026", b"CV9999/30NOV2026")
    assert other_flight != FANOUT
    answer = _post_feed(live_api, other_flight)
    assert Counter(i["status"] for i in answer["items"]) == {"accepted": 2}
    timeline = _timeline(live_api, "SH00001")
    assert [e["milestone"] for e in timeline] == ["DEPARTED", "ARRIVED"]
