"""Places end to end over real HTTP (both databases): locations posted with a UN/LOCODE and a
GLN, then DCSA and EPCIS messages naming them (fixtures/feeds/places) land on those locations
with their own offsets; an unknown place keeps its code; a mistyped GLN is refused on import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import book_minimal

PLACES = Path(__file__).resolve().parents[2] / "fixtures" / "feeds" / "places"
LOCATION_FIELDS = (
    "id",
    "name",
    "kind",
    "lat",
    "lon",
    "timezone",
    "service_minutes",
    "handling_minutes",
)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The messages arrive after the last of their events (30 Nov 2026)."""
    with frozen_now("2026-11-30T22:00:00+00:00"):
        yield


def test_posted_location_codes_place_dcsa_and_epcis_events(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """POST /v1/locations stores `unlocode` and `gln` (a bad check digit is a 422 naming the
    cell); the feeds' UNLocationCode, SGLN and Digital Link then resolve to those locations."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        bad = client.post("/v1/locations", json=json.loads((PLACES / "bad_gln.json").read_text()))
        made = client.post(
            "/v1/locations", json=json.loads((PLACES / "locations.json").read_text())
        )
        shown = client.get("/v1/locations/PL-RTM-ECT").json()
        depot = client.get("/v1/locations/PL-DC-EAST").json()
        for kind, value in (("container", "MSKU7000007"), ("sscc", "106141412345678908")):
            linked = client.post(
                "/v1/shipments/SH00001/references", json={"kind": kind, "value": value}
            )
            assert linked.status_code == 201, linked.text
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert error["location"] == "body:1:gln" and "wrong check digit" in error["reason"]
    assert made.status_code == 201 and made.json()["created"] == 5
    assert shown["unlocode"] == "NLRTM" and shown["gln"] is None
    assert depot["gln"] == "0614141000012" and depot["unlocode"] is None

    with live_api.client("feed") as client:
        dcsa = client.post("/v1/feeds/dcsa", content=(PLACES / "dcsa_places.json").read_bytes())
        dcsa3 = client.post("/v1/feeds/dcsa", content=(PLACES / "dcsa_places_v3.json").read_bytes())
        epcis = client.post(
            "/v1/feeds/epcis",
            content=(PLACES / "epcis_places.jsonld").read_bytes(),
            headers={"content-type": "application/ld+json"},
        )
    for answer in (dcsa, dcsa3, epcis):
        assert answer.status_code in (200, 207), answer.text

    with live_api.client("coordinator") as client:
        timeline = client.get("/v1/shipments/SH00001/tracking").json()["timeline"]
    wanted = {"f1", "f2", "f3", "f4", "f5", "f7", "e1", "e2", "a1", "a2", "a3"}
    by_key = {e["event_id"].split("~")[0][-2:]: e for e in timeline}
    seen = {k: (e["location"], e["event_time_local"]) for k, e in by_key.items() if k in wanted}
    assert seen == {
        "f1": ("CNZGZ", "2026-11-18T08:00:00+08:00"),  # unknown: kept, at the carrier's offset
        "f2": ("PL-RTM-ECT", "2026-11-20T09:15:00+01:00"),
        "f3": ("PL-HAM-PORT", "2026-11-22T06:00:00+01:00"),
        "f4": ("PL-CHI-RAIL", "2026-11-28T16:40:00-06:00"),
        "f5": ("PL-MOW-DEPOT", "2026-11-29T11:00:00+03:00"),
        "f7": ("PL-HAM-PORT", "2026-11-22T05:10:00+01:00"),  # by latitude / longitude
        "e1": ("PL-RTM-ECT", "2026-11-20T09:40:00+01:00"),  # by 3.0 geoCoordinate
        "e2": ("geo:-23.96080,-46.33360", "2026-11-26T18:00:00-03:00"),
        "a1": ("PL-DC-EAST", "2026-11-30T14:05:00-05:00"),
        "a2": ("PL-DC-EAST", "2026-11-30T15:00:00-05:00"),
        "a3": ("gln:0614141000029", "2026-11-29T08:30:00+01:00"),
    }


def test_a_stored_location_gains_a_gln_over_the_api(live_api: LiveApi) -> None:
    """POST /v1/locations of a stored location with a GLN it lacked adds it (`updated`); a
    different GLN afterwards is a 409 and the first one stays."""
    with live_api.client("coordinator") as client:
        stored = client.get("/v1/locations/CGO").json()
        row = {k: stored[k] for k in LOCATION_FIELDS}
        added = client.post("/v1/locations", json={**row, "gln": "0614141000012"})
        changed = client.post("/v1/locations", json={**row, "gln": "0614141000029"})
        after = client.get("/v1/locations/CGO").json()
    assert added.status_code == 201, added.text
    assert added.json() == {"created": 0, "unchanged": 0, "updated": 1, "ids": ["CGO"]}
    assert changed.status_code == 409 and "only a UN/LOCODE or GLN it lacks" in changed.text
    assert after["gln"] == "0614141000012"
