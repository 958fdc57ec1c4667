"""The public view says what its status and ETA rest on, over real HTTP, and nothing private."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.settings import get_settings
from tests.api.conftest import LiveApi
from tests.api.test_share_links_api import PICKED_UP
from tests.booking import BOOKED, book_minimal

PRIVATE = ("SHP-FXZ", "ZAEZ-V42-1129", "LUXD-T96-1130", "CV9751", "TRK-ARR", "PU-1", "EST-")


def _public(api: LiveApi, session_factory: sessionmaker[Session], *batches: Any) -> dict[str, Any]:
    """Book SH00001, post the event batches as the feed, and read its public view."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with api.client("feed") as client:
        for batch in batches:
            answer = client.post("/v1/events", json=batch).json()
            assert answer["rejected"] == 0, answer
    with api.client("shipper") as client:
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
    with api.client() as client:
        view = dict(client.get(f"/v1/public/tracking/{token}").json())
    text = str(view)
    for private in PRIVATE:
        assert private not in text, private
    return view


LAST_TRUCK_ESTIMATE = [
    {
        "event_id": "EST-LAST",
        "source": "haulier",
        "milestone": "ARRIVED",
        "time_type": "ESTIMATED",
        "event_time": "2026-11-30T12:40:00+00:00",
        "vehicle_id": "LUXD-T96-1130",
        "location": "LUXC",
        "mode": "road",
    }
]
PLANT = "Electronics plant in the airport zone"
CGO = "Zhengzhou Xinzheng International Airport cargo terminal"


def test_own_pickup_and_the_booked_schedule(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Picked up (the consignment's own report): the status rests on it; the ETA is planned."""
    view = _public(live_api, session_factory, PICKED_UP)
    assert view["status_basis"] == {
        "milestone": "PICKED_UP",
        "time": "2026-11-29T10:35:00+08:00",
        "place": PLANT,
        "source": "driver",
        "evidence": "own",
        "detail": "reported for this consignment itself",
    }
    assert view["eta_basis"] == {
        "kind": "planned",
        "detail": "the booked schedule of its last leg (truck); no report has shifted it so far",
        "source": None,
        "reported_at": None,
    }


def test_a_truck_report_is_inferred_until_the_consignment_is_seen_on_it(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Only the truck reports arriving: inferred; no ETA (missed connection), so no ETA basis."""
    view = _public(live_api, session_factory, BOOKED["late_truck"])
    basis = view["status_basis"]
    assert (basis["milestone"], basis["source"], basis["evidence"]) == (
        "ARRIVED",
        "telematics",
        "inferred",
    )
    assert (basis["time"], basis["place"]) == ("2026-11-29T21:30:00+08:00", CGO)
    assert basis["detail"].startswith("inferred from its truck")
    assert view["eta"] is None and view["eta_basis"] is None and view["eta_unknown_reason"]


def test_a_truck_report_after_the_own_pickup_is_confirmed(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The consignment's own pickup on that leg confirms it is on the truck that reports."""
    view = _public(live_api, session_factory, PICKED_UP, BOOKED["late_truck"])
    basis = view["status_basis"]
    assert (basis["milestone"], basis["evidence"]) == ("ARRIVED", "confirmed")
    assert basis["detail"] == "reported for its truck, which the consignment is confirmed on"


def test_an_eta_computed_from_a_late_flight(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """The flight's estimated departure moves the ETA: computed from it."""
    view = _public(live_api, session_factory, PICKED_UP, BOOKED["late_flight"])
    assert view["eta"] == "2026-12-03T01:30:00+01:00"
    assert view["eta_basis"] == {
        "kind": "computed",
        "detail": "from the estimated departure of its flight plus the planned travel "
        "and handling times after it",
        "source": None,
        "reported_at": None,
    }


def test_an_estimate_reported_for_the_last_leg(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """An estimated arrival of the last truck is the ETA: a reported estimate, with its feed."""
    view = _public(live_api, session_factory, PICKED_UP, LAST_TRUCK_ESTIMATE)
    assert view["eta"] == "2026-11-30T13:40:00+01:00"
    eta = view["eta_basis"]
    assert (eta["kind"], eta["source"]) == ("carrier_estimate", "haulier")
    assert eta["detail"] == "the estimated arrival reported for the truck of its last leg"
    assert eta["reported_at"].endswith("+01:00")  # when it was received, at the destination


@pytest.fixture
def next_day() -> Iterator[None]:
    """The clock on 30 November 14:00 UTC, after the last truck was due at LUXC (12:00)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOGISTICS_NOW", "2026-11-30T14:00:00+00:00")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def _leg_reports(*rows: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    return [
        {
            "event_id": f"OWN-{i}",
            "source": "ops",
            "shipment_id": "SH00001",
            "milestone": milestone,
            "time_type": "ACTUAL",
            "event_time": time,
            "location": place,
            "mode": mode,
        }
        for i, (milestone, time, place, mode) in enumerate(rows)
    ]


def test_an_overdue_last_leg_and_an_actual_arrival(
    next_day: None, live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """Departed on the last truck but no arrival by now: computed, overdue; then it arrives."""
    departed = _leg_reports(
        ("DEPARTED", "2026-11-29T17:40:00+00:00", "CGO", "air"),
        ("ARRIVED", "2026-11-30T05:10:00+00:00", "LUX", "air"),
        ("DEPARTED", "2026-11-30T11:35:00+00:00", "LUX", "road"),
    )
    view = _public(live_api, session_factory, PICKED_UP, departed)
    assert view["eta"] == "2026-11-30T15:00:00+01:00"  # now, at the earliest
    assert view["eta_basis"]["kind"] == "computed"
    assert view["eta_basis"]["detail"].startswith("the truck of its last leg is overdue")
    arrived = [
        dict(e, event_id="OWN-ARR", milestone="ARRIVED", event_time="2026-11-30T13:10:00+00:00")
        | {"location": "LUXC"}
        for e in departed[-1:]
    ]
    with live_api.client("feed") as client:
        assert client.post("/v1/events", json=arrived).json()["accepted"] == 1
    with live_api.client("shipper") as client:
        token = client.post("/v1/shipments/SH00001/share").json()["token"]
    with live_api.client() as client:
        view = client.get(f"/v1/public/tracking/{token}").json()
    assert view["status_basis"]["milestone"] == "ARRIVED" and view["delivered_at"] is None
    assert view["eta_basis"]["kind"] == "actual"
    assert view["eta_basis"]["detail"].startswith("the truck of its last leg has arrived at ")
