"""Cargo-XML XFSU adapter: the verified StatusMessage layout through the FSU code table."""

from __future__ import annotations

from datetime import UTC, datetime

from logistics.domain.enums import Mode
from logistics.domain.tracking import Milestone, TimeType
from logistics.tracking.adapters.cargo_xml_xfsu import parse_xfsu

from ._golden import FEEDS, context

STATUSES = FEEDS / "xfsu" / "statuses.xml"

_ONE = """<StatusMessage><MasterConsignment>
<TransportContractDocument><ID>02012345675</ID></TransportContractDocument>
<ReportedStatus><ReasonCode>{code}</ReasonCode><AssociatedStatusConsignment>
<PieceQuantity>1</PieceQuantity><TransportSplitDescription>T</TransportSplitDescription>
<SpecifiedLogisticsTransportMovement><SpecifiedLocation><ID>NCE</ID></SpecifiedLocation>
<SpecifiedEvent><OccurrenceDateTime>2026-10-27T13:00:00</OccurrenceDateTime>
<DateTimeTypeCode>{kind}</DateTimeTypeCode></SpecifiedEvent>
</SpecifiedLogisticsTransportMovement></AssociatedStatusConsignment></ReportedStatus>
</MasterConsignment></StatusMessage>"""


def test_reason_codes_map_through_the_fsu_table_and_local_times_use_the_place() -> None:
    """DLV at NCE 13:00 local (UTC+1 in late October) is DELIVERED at 12:00 UTC; E is estimated."""
    (event,) = parse_xfsu(_ONE.format(code="DLV", kind="A")).events
    assert (
        event.event.milestone is Milestone.DELIVERED and event.references["awb"] == "020-12345675"
    )
    assert event.event.event_time.astimezone(UTC) == datetime(2026, 10, 27, 12, tzinfo=UTC)
    (estimate,) = parse_xfsu(_ONE.format(code="ARR", kind="E")).events
    assert estimate.event.time_type is TimeType.ESTIMATED


def test_corpus_statuses_answer_per_reported_status() -> None:
    """Eight statuses give events, three are refused naming the element, ZZZ is listed."""
    result = parse_xfsu(STATUSES.read_bytes(), **context(STATUSES))
    assert len(result.events) == 8 and [m.index for m in result.errors] == [8, 9, 10]
    assert any(m.code == "unknown_status_code" for m in result.messages)
    assert all(e.event.shipment_id == "SH00001" for e in result.events)


def test_doctype_and_non_xml_are_refused_as_payload_errors() -> None:
    """No entity expansion: a DOCTYPE is refused; broken XML is one payload message."""
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><StatusMessage/>'
    assert parse_xfsu(doctype).errors[0].code == "not_xml"
    assert parse_xfsu("<StatusMessage>").errors[0].record == "payload"
    assert parse_xfsu("<Waybill/>").errors[0].code == "not_xfsu"


SPLIT = FEEDS / "xfsu" / "split_parts.xml"


def test_a_split_keeps_uld_osi_houses_and_says_how_many_pieces() -> None:
    """Two departures of 5 of the waybill's 10 pieces, each with its ULD (written as the FSU
    adapter writes it), OSI and house waybills; `pieces` = `5 of 10` is stored with the event."""
    result = parse_xfsu(SPLIT.read_bytes(), **context(SPLIT))
    first, second = result.events
    assert [e.event.milestone for e in (first, second)] == [Milestone.DEPARTED] * 2
    assert [e.references["pieces"] for e in (first, second)] == ["5 of 10", "5 of 10"]
    assert [e.references["flight"] for e in (first, second)] == ["CV9751", "CV9753"]
    assert first.details["uld"] == "PMC10001CV" and second.details["uld"] == "AKE20417CV"
    assert first.details["osi"] == "5 PCS SPLIT TO CV9753 01DEC"
    assert first.details["house_waybills"] == "HCGO7001"
    assert first.details["awb_pieces"] == "10" and first.details["awb_quantity_type"] == "total"
    (refused,) = result.errors
    assert refused.record == "ReportedStatus 3" and "SpecifiedLogisticsTransportMovement" in (
        refused.reason
    )


def test_a_status_about_every_piece_claims_no_part() -> None:
    """PieceQuantity equal to the total (or no total known) adds no `pieces` reference."""
    (event,) = parse_xfsu(_ONE.format(code="DEP", kind="A")).events
    assert "pieces" not in event.references


def test_the_specified_location_is_placed_through_the_lookup_and_kept_when_unknown() -> None:
    """SpecifiedLocation/ID NCE becomes our location when `locations` names it (the time stays
    local to NCE); without a location of ours the code stays as written."""
    placed = parse_xfsu(_ONE.format(code="DLV", kind="A"), locations={"NCE": "AP-NICE"})
    (event,) = placed.events
    assert event.event.location == "AP-NICE"
    assert event.event.event_time.astimezone(UTC) == datetime(2026, 10, 27, 12, tzinfo=UTC)

    def nowhere(code: str, mode: Mode | None) -> str | None:
        assert (code, mode) == ("NCE", Mode.AIR)
        return None

    (kept,) = parse_xfsu(_ONE.format(code="DLV", kind="A"), locations=nowhere).events
    assert kept.event.location == "NCE"
