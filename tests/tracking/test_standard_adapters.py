"""ONE Record, DCSA and EPCIS adapters on malformed, hostile and large payloads."""

from __future__ import annotations

import json

import pytest

from logistics.domain.tracking import Milestone
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.epcis import cbv_word, parse_epcis
from logistics.tracking.adapters.one_record import parse_one_record

from ._golden import FEEDS

SSCC = "urn:epc:id:sscc:4012345.0000000011"
SUBJECTS = {"sscc:040123450000000115": "SH00030"}


@pytest.mark.parametrize(
    ("parse", "payload"),
    [
        (parse_one_record, b"{not json"),
        (parse_dcsa_tnt, b"\xff\xfe"),
        (parse_epcis, b"<EPCISDocument><unclosed>"),
        (parse_epcis, b'{"type": "EPCISDocument"}'),
    ],
)
def test_a_broken_payload_is_one_payload_error_with_a_code(parse: object, payload: bytes) -> None:
    """Not JSON, not UTF-8, not well-formed XML or no event list: one error naming the payload."""
    result = parse(payload)  # type: ignore[operator]
    assert result.events == ()
    assert [(m.record, m.code, m.index) for m in result.messages] == [
        ("payload", "invalid_payload", None)
    ]


def test_xml_with_a_doctype_is_refused_without_expanding_entities() -> None:
    """A billion-laughs style document is refused before parsing."""
    payload = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<EPCISDocument><EPCISBody><EventList/></EPCISBody></EPCISDocument>"
    )
    result = parse_epcis(payload)
    assert result.events == () and "DOCTYPE" in result.messages[0].reason


def test_a_large_epcis_document_gives_one_event_per_record() -> None:
    """5,000 arriving events for one linked SSCC all come through, each with its own id."""
    events = [
        {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            "eventTime": f"2025-11-21T{i % 24:02d}:{i % 60:02d}:00Z",
            "eventTimeZoneOffset": "+01:00",
            "epcList": [SSCC],
            "action": "OBSERVE",
            "bizStep": "arriving",
        }
        for i in range(5000)
    ]
    doc = {"type": "EPCISDocument", "epcisBody": {"eventList": events}}
    result = parse_epcis(json.dumps(doc).encode(), subjects=SUBJECTS)
    assert result.messages == ()
    assert len({e.event.event_id for e in result.events}) == 5000
    assert {e.event.milestone for e in result.events} == {Milestone.ARRIVED}


def test_one_epcis_event_for_two_shipments_fans_out_with_distinct_ids() -> None:
    """Handling units of two linked shipments in one event give one event per shipment."""
    other = "urn:epc:id:sscc:4012345.0000000028"
    doc = {
        "type": "ObjectEvent",
        "eventID": "urn:uuid:1",
        "eventTime": "2025-11-21T06:00:00Z",
        "eventTimeZoneOffset": "+01:00",
        "epcList": [SSCC, other],
        "bizStep": "urn:epcglobal:cbv:bizstep:loading",
    }
    subjects = {**SUBJECTS, "sscc:040123450000000283": "SH00031"}
    result = parse_epcis(json.dumps(doc), subjects=subjects)
    assert sorted((e.event.shipment_id, e.event.event_id) for e in result.events) == [
        ("SH00030", "urn:uuid:1#SH00030"),
        ("SH00031", "urn:uuid:1#SH00031"),
    ]


@pytest.mark.parametrize(
    "spelling",
    [
        "in_transit",
        "urn:epcglobal:cbv:disp:in_transit",
        "https://ref.gs1.org/cbv/Disp-in_transit",
        "cbv:Disp-in_transit",
    ],
)
def test_cbv_words_are_read_in_every_spelling(spelling: str) -> None:
    """Bare, URN, URI and compact CBV values give the same word."""
    assert cbv_word(spelling, "disposition") == "in_transit"


def test_a_dcsa_30_retraction_gets_its_own_versioned_id() -> None:
    """isRetracted with the same eventID is a retraction of that id, as of its update time."""
    event = {
        "eventID": "e-1",
        "eventDateTime": "2025-12-01T10:00:00Z",
        "eventClassification": {
            "eventType": "TRANSPORT",
            "eventClassifier": "ACTUAL",
            "transportEventType": "DEPARTED",
        },
        "shipmentDetails": {"documentReference": {"type": "BOOKING", "reference": "B-1"}},
    }
    retraction = {
        "eventID": "e-1",
        "isRetracted": True,
        "eventUpdatedDateTime": "2025-12-01T11:00:00Z",
    }
    result = parse_dcsa_tnt(json.dumps([event, retraction]), subjects={"booking:B-1": "SH1"})
    first, second = (e.event for e in result.events)
    assert (first.event_id, first.milestone) == ("e-1", Milestone.DEPARTED)
    assert (second.retracts, second.shipment_id) == ("e-1", "SH1")
    assert second.event_id == "e-1#retracted~v20251201T110000.000000Z"


def test_one_record_epoch_milliseconds_and_a_lookup_function_as_subjects() -> None:
    """1.x dateTime in epoch ms is UTC; a callable lookup resolves the logistics object."""
    event = {
        "id": "https://1r.example.com/events/1",
        "linkedObject": {"id": "https://1r.example.com/logistics-objects/a"},
        "dateTime": 1763710200000,
        "eventCode": "DEP",
    }
    found = parse_one_record(
        json.dumps(event),
        subjects=lambda kind, value: "SH9" if (kind, value)[1].endswith("/a") else None,
    )
    (only,) = found.events
    assert only.event.shipment_id == "SH9"
    assert only.event.event_time.isoformat() == "2025-11-21T07:30:00+00:00"


def test_an_epcis_event_with_only_some_handling_units_is_partial() -> None:
    """With two SSCCs linked, departing with one is informational; with both it is DEPARTED."""
    other = "urn:epc:id:sscc:4012345.0000000028"
    units = {"SH00030": {"040123450000000115", "040123450000000283"}}
    subjects = {**SUBJECTS, "sscc:040123450000000283": "SH00030"}

    def departing(*epcs: str) -> str:
        return json.dumps(
            {
                "type": "ObjectEvent",
                "eventTime": "2025-11-21T06:00:00Z",
                "eventTimeZoneOffset": "+01:00",
                "epcList": list(epcs),
                "bizStep": "departing",
            }
        )

    one = parse_epcis(departing(SSCC), subjects=subjects, handling_units=units.__getitem__)
    both = parse_epcis(departing(SSCC, other), subjects=subjects, handling_units=units.__getitem__)
    (partial,) = one.events
    assert partial.event.milestone is Milestone.INFORMATIONAL
    assert partial.references["partial"] == "true"
    assert [m.code for m in one.messages] == ["partial_event"]
    assert [e.event.milestone for e in both.events] == [Milestone.DEPARTED]


def test_coordinates_no_float_holds_are_ignored_not_a_crash() -> None:
    """A DCSA latitude or a ONE Record geolocation latitude written as a 400-digit integer (valid
    JSON, no float) leaves the event unplaced by it; every event is still produced."""
    huge = "1" + "0" * 400
    places = FEEDS / "places"
    dcsa = (places / "dcsa_places_v3.json").read_text().replace("-23.9608", huge)
    result = parse_dcsa_tnt(dcsa, subjects={"container:MSKU7000007": "SH1"})
    assert len(result.events) == 3 and result.errors == ()
    assert "geo:" not in str([e.event.location for e in result.events])
    one_record = (places / "one_record_geolocations.jsonld").read_text().replace("51.4302", huge)
    waybill = "https://1r.carrier.example/logistics-objects/wb-160-12345675"
    parsed = parse_one_record(one_record, subjects={f"logistics_object:{waybill}": "SH1"})
    assert len(parsed.events) == 7 and parsed.errors == ()
    assert parsed.events[1].event.location == "Leipzig hub apron 4"
    assert "index 1" in [m.record for m in parsed.messages if m.code == "bad_geolocation"]
