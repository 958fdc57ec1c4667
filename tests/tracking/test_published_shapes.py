"""Shapes the standards' own published examples use, parsed as those examples write them."""

from __future__ import annotations

import json

import pytest

from logistics.domain.tracking import Milestone, TimeType
from logistics.tracking.adapters.cargo_xml_xfsu import parse_xfsu
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.epcis import parse_epcis
from logistics.tracking.adapters.gs1_locations import Gln, parse_gln
from logistics.tracking.adapters.one_record import parse_one_record
from logistics.tracking.results import Severity

from ._golden import FEEDS, context

SSCC = "urn:epc:id:sscc:4012345.1000000301"
SUBJECTS = {"sscc:140123450000003014": "SH00040"}


def _epcis_event(**fields: object) -> bytes:
    event = {
        "isA": "ObjectEvent",
        "action": "OBSERVE",
        "epcList": [SSCC],
        "eventTime": "2026-11-29T01:40:00.000Z",
        "eventTimeZoneOffset": "+08:00",
        **fields,
    }
    return json.dumps({"isA": "EPCISDocument", "epcisBody": {"eventList": [event]}}).encode()


def test_epcis_events_typed_with_isa_are_read() -> None:
    """GS1's examples write the event type as `isA`: the event is read like one with `type`."""
    result = parse_epcis(_epcis_event(bizStep="departing"), subjects=SUBJECTS)
    assert [e.event.milestone for e in result.events] == [Milestone.DEPARTED]
    assert result.messages == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urn:epc:id:sgln:4012345.00044.0", Gln("4012345000443", None)),
        ("urn:epc:id:sgln:4012345.00044.DOCK3", Gln("4012345000443", "DOCK3")),
        ("https://id.gs1.org/414/4012345000443", Gln("4012345000443", None)),
        ("https://id.gs1.org/414/4012345000443/254/DOCK3", Gln("4012345000443", "DOCK3")),
        ("4012345000443", Gln("4012345000443", None)),
        ("LULUX", None),
    ],
)
def test_every_spelling_of_a_gln_reads_as_the_same_place(text: str, expected: Gln | None) -> None:
    """SGLN URN, Digital Link and bare GLN name one GLN; the check digit is computed from the URN."""
    assert parse_gln(text) == expected


@pytest.mark.parametrize(
    "text", ["urn:epc:id:sgln:4012345.0044.0", "https://id.gs1.org/414/4012345000444"]
)
def test_a_malformed_gln_is_refused_naming_the_fault(text: str) -> None:
    """A wrong length or check digit is a ValueError saying which."""
    with pytest.raises(ValueError, match=r"12 digits|check digit"):
        parse_gln(text)


def test_an_unknown_sgln_is_kept_as_its_gln_and_a_known_one_is_placed() -> None:
    """Read point and business location in any GLN spelling land on the location known by it."""
    unknown = parse_epcis(
        _epcis_event(bizStep="departing", readPoint={"id": "urn:epc:id:sgln:4012345.00044.7"}),
        subjects=SUBJECTS,
    )
    assert unknown.events[0].event.location == "gln:4012345000443.7"
    known = parse_epcis(
        _epcis_event(
            bizStep="departing", bizLocation={"id": "https://id.gs1.org/414/4012345000443"}
        ),
        subjects=SUBJECTS,
        locations={"gln:4012345000443": "CGO"},
    )
    assert known.events[0].event.location == "CGO"


def test_a_sensor_only_event_is_informational_and_says_why() -> None:
    """Readings without a business step are stored as informational with code sensor_only."""
    sensors = [{"sensorReport": [{"type": "gs1:Temperature", "value": 4.5, "uom": "CEL"}]}]
    result = parse_epcis(_epcis_event(sensorElementList=sensors), subjects=SUBJECTS)
    assert [e.event.milestone for e in result.events] == [Milestone.INFORMATIONAL]
    assert [m.code for m in result.messages] == ["sensor_only"]


def test_a_class_level_event_is_refused_naming_its_quantity_list() -> None:
    """Only product classes and quantities: one error that names the list and how to link."""
    payload = _epcis_event(
        epcList=[],
        bizStep="shipping",
        quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.011111.L1", "quantity": 5}],
    )
    result = parse_epcis(payload, subjects=SUBJECTS)
    assert result.events == ()
    assert "quantityList" in result.messages[0].reason
    assert "SSCC" in result.messages[0].reason


def test_an_xml_document_with_a_bare_doctype_is_read() -> None:
    """GS1's XML examples start with `<!DOCTYPE project>`: accepted, nothing to expand."""
    payload = (
        '<?xml version="1.0"?>\n<!DOCTYPE project>\n'
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        "<ObjectEvent><eventTime>2026-11-29T01:40:00Z</eventTime>"
        "<eventTimeZoneOffset>+08:00</eventTimeZoneOffset>"
        f"<epcList><epc>{SSCC}</epc></epcList><action>OBSERVE</action>"
        "<bizStep>urn:epcglobal:cbv:bizstep:departing</bizStep></ObjectEvent>"
        "</EventList></EPCISBody></epcis:EPCISDocument>"
    )
    result = parse_epcis(payload, subjects=SUBJECTS)
    assert [e.event.milestone for e in result.events] == [Milestone.DEPARTED]


def test_an_xfsu_rooted_in_its_schema_type_keeps_ulds_osi_and_house_waybills() -> None:
    """The good-practice XFSU root `statusMessageType`; ULD, OSI, manifest and houses kept."""
    payload = (FEEDS / "xfsu" / "published_shapes.xml").read_bytes()
    result = parse_xfsu(payload, subjects={"awb:020-43218766": "SH00060"})
    errors = [(m.record, m.code) for m in result.messages if m.severity is Severity.ERROR]
    assert errors == [("ReportedStatus 3", "bad_element")]  # the fixture's malformed record
    manifested = result.events[0]
    assert manifested.event.milestone is Milestone.LOADED
    assert manifested.details["uld"] == "PMC31507CV,AKE77120CV"  # as the FSU adapter writes it
    assert manifested.details["osi"] == "KEEP AWAY FROM HEAT, TEMP CONTROL 2-8C"
    assert manifested.details["house_waybills"] == "HZZ0091, HZZ0092"
    assert manifested.details["manifest"] == "MAN-CV9751-30NOV"
    assert result.events[1].details["customs_note"] == "EXP T1 TRANSIT CLOSED"


def test_an_xfsu_with_an_entity_declaration_is_refused() -> None:
    """An internal DTD subset is refused before parsing; another root is named in the error."""
    entity = '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "x">]><StatusMessage/>'
    assert parse_xfsu(entity).messages[0].code == "not_xml"
    other = parse_xfsu("<BookingMessage/>").messages[0]
    assert other.code == "not_xfsu" and "BookingMessage" in other.reason


def test_a_bill_of_lading_in_the_business_transactions_links_a_class_level_event() -> None:
    """A `bol` business transaction (JSON-LD or XML) names the air waybill: the event links."""
    payload = _epcis_event(
        epcList=[],
        bizStep="departing",
        quantityList=[{"epcClass": "urn:epc:class:lgtin:4012345.011111.L1", "quantity": 5}],
        bizTransactionList=[
            {
                "type": "urn:epcglobal:cbv:btt:bol",
                "bizTransaction": "urn:epcglobal:cbv:bt:4012345000016:16012345675",
            }
        ],
    )
    result = parse_epcis(payload, subjects={"awb:160-12345675": "SH00041"})
    assert [(e.event.shipment_id, e.event.milestone) for e in result.events] == [
        ("SH00041", Milestone.DEPARTED)
    ]
    xml = (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        "<ObjectEvent><eventTime>2026-11-29T01:40:00Z</eventTime>"
        "<eventTimeZoneOffset>+08:00</eventTimeZoneOffset><action>OBSERVE</action>"
        "<bizStep>departing</bizStep><bizTransactionList>"
        '<bizTransaction type="bol">TD-99001</bizTransaction></bizTransactionList>'
        "</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"
    )
    linked = parse_epcis(xml, subjects={"transport_document:TD-99001": "SH00042"})
    assert [e.event.shipment_id for e in linked.events] == ["SH00042"]


@pytest.mark.parametrize("spelling", ["epcis:ObjectEvent", "https://ref.gs1.org/epcis/ObjectEvent"])
def test_an_epcis_type_written_with_its_vocabulary_prefix_is_read(spelling: str) -> None:
    """A compacted or expanded type name is the same event type."""
    result = parse_epcis(_epcis_event(isA=spelling, bizStep="departing"), subjects=SUBJECTS)
    assert [e.event.milestone for e in result.events] == [Milestone.DEPARTED]


def test_a_dcsa_30_event_without_time_or_classifier_is_dated_at_its_update() -> None:
    """Both are optional in 3.0: dated at eventUpdatedDateTime, actual, each with a warning."""
    event = {
        "eventID": "5d2f1c9e-3000-4a00-9000-0000000000f1",
        "eventUpdatedDateTime": "2026-11-24T14:21:00+01:00",
        "eventClassification": {"eventTypeCode": "EQUIPMENT", "equipmentEventTypeCode": "GTIN"},
        "equipmentDetails": {"equipmentReference": "TGHU7301001"},
    }
    result = parse_dcsa_tnt(
        json.dumps({"events": [event]}), subjects={"container:TGHU7301001": "SH00050"}
    )
    (only,) = result.events
    assert only.event.time_type is TimeType.ACTUAL and only.event.milestone is Milestone.RECEIVED
    assert only.event.event_time.isoformat() == "2026-11-24T14:21:00+01:00"
    assert [m.code for m in result.messages] == ["no_event_time", "no_classifier"]


@pytest.mark.parametrize(
    ("event_location", "place"),
    [
        ({"UNLocationCode": "NLRTM", "facilityCode": "WHD"}, "NLRTM"),
        ({"locationName": "Waalhaven depot", "facilityCode": "WHD"}, "BEANR"),
        (None, "BEANR"),
    ],
)
def test_a_dcsa_22_place_is_the_events_own_unlocode_then_its_calls(
    event_location: dict[str, str] | None, place: str
) -> None:
    """The event's UN/LOCODE, else its transport call's (which our locations can match), before
    any facility code or name."""
    event = {
        "eventID": "9a7e0c11-2200-4b00-8000-0000000001f0",
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2026-11-24T14:20:00+01:00",
        "eventCreatedDateTime": "2026-11-24T14:21:00+01:00",
        "equipmentEventTypeCode": "GTIN",
        "equipmentReference": "TGHU7302002",
        "emptyIndicatorCode": "LADEN",
        "transportCall": {"UNLocationCode": "BEANR", "modeOfTransport": "VESSEL"},
        **({"eventLocation": event_location} if event_location else {}),
    }
    result = parse_dcsa_tnt(json.dumps([event]), subjects={"container:TGHU7302002": "SH1"})
    assert [e.event.location for e in result.events] == [place]


FANOUT = FEEDS / "one_record" / "movement_fanout.jsonld"


def test_a_one_record_flight_event_reaches_its_loaded_pieces_and_the_flight() -> None:
    """DEP and ARR of a TransportMovement: the shipment of its loaded piece and the flight as
    our service (every shipment booked on it); a flight given as not ours: the pieces only."""
    result = parse_one_record(FANOUT.read_bytes(), **context(FANOUT))
    subjects = [(e.event.milestone, e.event.shipment_id, e.event.service_id) for e in result.events]
    assert subjects == [
        (Milestone.DEPARTED, "SH00001", None),
        (Milestone.DEPARTED, None, "CV9751-20261130"),
        (Milestone.ARRIVED, "SH00001", None),
        (Milestone.ARRIVED, None, "CV9751-20261130"),
    ]
    ours = parse_one_record(FANOUT.read_bytes(), **context(FANOUT), services={"CV9751-20261130"})
    assert len(ours.events) == 4
    other = parse_one_record(FANOUT.read_bytes(), **context(FANOUT), services=lambda s: False)
    assert [e.event.shipment_id for e in other.events] == ["SH00001", "SH00001"]
