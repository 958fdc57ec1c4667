"""Messages shaped as the standards publish them, end to end over real HTTP (both databases)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.booking import FIXTURES, book_minimal


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """The feeds arrive after SH00001's flight landed (its legs are on 29-30 Nov 2026)."""
    with frozen_now("2026-11-30T10:00:00+00:00"):
        yield


def _link(live_api: LiveApi, session_factory: sessionmaker[Session], kind: str, value: str) -> None:
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        answer = client.post(
            "/v1/shipments/SH00001/references", json={"kind": kind, "value": value}
        )
    assert answer.status_code == 201, answer.text


def _timeline(live_api: LiveApi) -> list[dict[str, Any]]:
    with live_api.client("coordinator") as client:
        view = client.get("/v1/shipments/SH00001/tracking").json()
    return list(view["timeline"])


def _dcsa_discharge(updated: str, when: str, place: str) -> dict[str, Any]:
    return {
        "eventID": "5d2f1c9e-3000-4a00-9000-00000000a007",
        "eventDateTime": when,
        "eventUpdatedDateTime": updated,
        "eventClassification": {
            "eventTypeCode": "EQUIPMENT",
            "eventClassifierCode": "ACT",
            "equipmentEventTypeCode": "DISC",
        },
        "eventLocation": {"UNLocationCode": place},
        "equipmentDetails": {"equipmentReference": "TGHU7301001", "emptyIndicatorCode": "LADEN"},
    }


def test_dcsa_30_code_shape_and_a_corrected_version_supersedes(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A 3.0 event in the code spelling reaches the shipment; the same eventID updated later
    with corrected content is accepted and is the only version on the timeline; a resend of a
    version is a duplicate; a document-only status is ignored with its reason."""
    _link(live_api, session_factory, "container", "TGHU7301001")
    first = _dcsa_discharge("2026-11-30T07:10:00Z", "2026-11-30T07:00:00+01:00", "LULUX")
    fixed = _dcsa_discharge("2026-11-30T09:00:00Z", "2026-11-30T07:30:00+01:00", "BEBRU")
    document_only = {
        "eventID": "5d2f1c9e-3000-4a00-9000-00000000a009",
        "eventDateTime": "2026-11-30T08:00:00Z",
        "eventClassification": {
            "eventTypeCode": "SHIPMENT",
            "eventClassifierCode": "ACT",
            "shipmentEventTypeCode": "APPR",
        },
        "shipmentDetails": {"documentReference": {"typeCode": "SHI", "reference": "SI-1"}},
    }
    with live_api.client("feed") as client:
        one = client.post("/v1/feeds/dcsa", json={"events": [first, document_only]}).json()
        two = client.post("/v1/feeds/dcsa", json={"events": [fixed]}).json()
        again = client.post("/v1/feeds/dcsa", json={"events": [fixed]}).json()
    assert [i["status"] for i in one["items"]] == ["accepted"]
    assert any("SHI SI-1" in m and "ignored" in m for m in one["messages"])
    assert [i["status"] for i in two["items"]] == ["accepted"]
    assert [i["status"] for i in again["items"]] == ["duplicate"]
    unloaded = [e for e in _timeline(live_api) if e["milestone"] == "UNLOADED"]
    assert [(e["location"], e["event_time"][:16]) for e in unloaded] == [
        ("BEBRU", "2026-11-30T07:30")
    ]


def test_epcis_document_as_gs1_publishes_it(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """`isA`-typed events, a GLN Digital Link read point and a sensor-only event come through;
    a class-level event is refused naming its quantity list."""
    _link(live_api, session_factory, "sscc", "140123450000003014")
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "isA": "EPCISDocument",
        "schemaVersion": 2.0,
        "creationDate": "2026-11-30T06:00:00Z",
        "epcisBody": {
            "eventList": [
                {
                    "isA": "ObjectEvent",
                    "action": "OBSERVE",
                    "bizStep": "urn:epcglobal:cbv:bizstep:arriving",
                    "epcList": ["urn:epc:id:sscc:4012345.1000000301"],
                    "eventTime": "2026-11-30T06:20:00.000+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "readPoint": {"id": "https://id.gs1.org/414/4012345000443/254/DOCK3"},
                },
                {
                    "isA": "ObjectEvent",
                    "action": "OBSERVE",
                    "epcList": ["urn:epc:id:sscc:4012345.1000000301"],
                    "eventTime": "2026-11-30T06:30:00.000+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "sensorElementList": [{"sensorReport": [{"type": "gs1:Temperature"}]}],
                },
                {
                    "isA": "TransformationEvent",
                    "eventTime": "2026-11-30T06:40:00.000+01:00",
                    "eventTimeZoneOffset": "+01:00",
                    "bizStep": "commissioning",
                    "inputQuantityList": [
                        {"epcClass": "urn:epc:class:lgtin:4012345.022222.B7", "quantity": 3}
                    ],
                },
            ]
        },
    }
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/epcis",
            content=json.dumps(document),
            headers={"Content-Type": "application/ld+json"},
        ).json()
    assert Counter(i["status"] for i in answer["items"]) == {
        "accepted": 1,
        "informational": 1,
        "rejected": 1,
    }
    (refused,) = [i for i in answer["items"] if i["status"] == "rejected"]
    assert refused["record"] == "event 2" and "inputQuantityList" in refused["reason"]
    arrived = [e for e in _timeline(live_api) if e["milestone"] == "ARRIVED"]
    assert [e["location"] for e in arrived] == ["gln:4012345000443.DOCK3"]


def test_xfsu_in_the_good_practice_shape(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A `statusMessageType`-rooted XFSU with ULDs, OSI and houses: two statuses reach the
    shipment, the malformed third is refused naming its element."""
    _link(live_api, session_factory, "awb", "020-43218766")
    payload = (FIXTURES / "feeds" / "xfsu" / "published_shapes.xml").read_bytes()
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/xfsu", content=payload, headers={"Content-Type": "application/xml"}
        ).json()
    assert [i["status"] for i in answer["items"]] == ["accepted", "accepted", "rejected"]
    assert "DateTimeTypeCode 'Q'" in answer["items"][2]["reason"]
    milestones = [e["milestone"] for e in _timeline(live_api)]
    assert milestones == ["LOADED", "DELIVERED"]


def test_one_record_events_on_a_flight_reach_its_pieces_or_its_booked_shipments(
    live_api: LiveApi, session_factory: sessionmaker[Session]
) -> None:
    """A DEP on a TransportMovement whose Loading names a linked piece reaches that piece's
    shipment; one on a movement with no linked piece is the flight's (every booked shipment)."""
    piece = "https://1r.forwarder.example/logistics-objects/piece-a1"
    _link(live_api, session_factory, "logistics_object", piece)
    movement = "https://1r.carrier.example/logistics-objects/tm-cv9751"
    graph = {
        "@context": {"@vocab": "https://onerecord.iata.org/ns/cargo#"},
        "@graph": [
            {
                "@type": "Loading",
                "loadedPieces": [{"@id": piece}],
                "servedActivity": {"@id": movement},
            },
            {
                "@id": f"{movement}/logistics-events/dep-1",
                "@type": "LogisticsEvent",
                "eventCode": {"@id": "https://onerecord.iata.org/ns/coreCodeLists#StatusCode_DEP"},
                "eventDate": "2026-11-29T17:42:00Z",
                "eventFor": {"@type": "TransportMovement", "@id": movement},
                "recordedAtLocation": {"locationCode": "CGO"},
            },
        ],
    }
    flight_only = {
        "@context": {"@vocab": "https://onerecord.iata.org/ns/cargo#"},
        "@id": "https://1r.carrier.example/logistics-objects/tm-x/logistics-events/arr-1",
        "@type": "LogisticsEvent",
        "eventCode": {"@id": "https://onerecord.iata.org/ns/coreCodeLists#StatusCode_ARR"},
        "eventDate": "2026-11-30T05:10:00Z",
        "eventFor": {
            "@type": "TransportMovement",
            "@id": "https://1r.carrier.example/logistics-objects/tm-x",
            "transportIdentifier": "CV9751/30NOV2026",
        },
        "recordedAtLocation": {"locationCode": "LUX"},
    }
    with live_api.client("feed") as client:
        first = client.post("/v1/feeds/one_record", json=graph).json()
        second = client.post("/v1/feeds/one_record", json=flight_only).json()
    assert [i["status"] for i in first["items"]] == ["accepted"]
    assert any("Loading" in m for m in first["messages"])
    assert [i["status"] for i in second["items"]] == ["accepted"]
    timeline = _timeline(live_api)
    assert [e["milestone"] for e in timeline] == ["DEPARTED", "ARRIVED"]
    with live_api.client("coordinator") as client:
        other = client.get("/v1/shipments/SH00002/tracking").json()
    assert [e["milestone"] for e in other["timeline"]] == ["ARRIVED"]  # booked on the flight too
