"""Cargo-IMP FSU adapter: the manual's layouts, times with day changes, envelopes and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from logistics.domain.enums import Mode
from logistics.domain.tracking import ExceptionReason, Milestone, TimeType
from logistics.tracking.adapters.cargo_imp_fsu import parse_fsu
from logistics.tracking.adapters.fsu_codes import FSU_STATUS_CODES
from logistics.tracking.adapters.fsu_grammar import LAYOUTS
from logistics.tracking.results import Severity

from ._golden import FEEDS, context

CODES = FEEDS / "fsu" / "status_codes.txt"
ENVELOPE = FEEDS / "fsu" / "envelope_transfers.txt"
MALFORMED = FEEDS / "fsu" / "malformed.txt"
REFERENCE = datetime(2026, 3, 20, tzinfo=UTC)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _one(text: str, **kwargs: object) -> list[tuple[str, str, str, str]]:
    result = parse_fsu(text, reference_time=REFERENCE, **kwargs)  # type: ignore[arg-type]
    assert not result.errors, result.errors
    return [
        (
            e.event.milestone.value,
            e.event.time_type.value,
            e.event.event_time.astimezone(UTC).strftime("%d%H%M"),
            e.event.location or "",
        )
        for e in result.events
    ]


def test_every_listed_status_code_has_a_layout_and_a_mapping() -> None:
    """Every code of the manual's list (1.18) is mapped; all but DOC have an FSA layout."""
    manual = "FOH RCS RCT BKD MAN PRE DEP TFD TRM ARR RCF NFD AWD CCD TGC DLV DDL DIS CRC AWR DOC"
    assert set(manual.split()) == set(FSU_STATUS_CODES) == set(LAYOUTS) | {"DOC"}


def test_quantity_without_weight_and_receiving_party_name() -> None:
    """`T10` alone is a quantity, and a name after it is the receiving party, not an error."""
    text = "FSU/15\n020-12345675FRANCE/T10\nDLV/19MAR1615/NCE/T10/MI CLARK\n"
    result = parse_fsu(text, reference_time=REFERENCE)
    (event,) = result.events
    assert event.details["pieces"] == "10" and event.details["name"] == "MI CLARK"
    assert event.event.event_time == _utc("2026-03-19T15:15:00")


def test_flight_line_times_with_day_change_become_departure_and_arrival_events() -> None:
    """DEP A2340 at DXB is actual; E1105-N is an estimated arrival the next day at HKG."""
    text = "FSU/14\n176-40081226DXBHKG/T10\nDEP/EK9384/17MAR/DXBHKG/T10/A2340/E1105-N\n"
    assert _one(text) == [
        ("DEPARTED", "ACTUAL", "171940", "DXB"),
        ("ARRIVED", "ESTIMATED", "180305", "HKG"),
    ]


def test_booking_gives_a_booked_event_and_the_planned_flight_times() -> None:
    """BKD is BOOKED when received but not after the flight leaves, plus planned S times."""
    text = "FSU/14\n020-12345675FRAORD/T2\nBKD/LH430/18MAR/FRAORD/T2/S1330/S1555\n"
    assert _one(text) == [
        ("BOOKED", "ACTUAL", "181230", "FRA"),
        ("DEPARTED", "PLANNED", "181230", "FRA"),
        ("ARRIVED", "PLANNED", "182055", "ORD"),
    ]


def test_weight_in_pounds_is_converted_and_part_totals_kept() -> None:
    """`P4L100T10` is 4 of 10 pieces weighing 100 lb (45.4 kg)."""
    text = "FSU/14\n020-12345675FRAORD/P4L100T10\nRCS/16MAR1145/FRA/P4L100T10\n"
    (event,) = parse_fsu(text, reference_time=REFERENCE).events
    assert event.details["weight_kg"] == "45.4" and event.details["total_pieces"] == "10"
    assert event.details["quantity_type"] == "part"


def test_type_b_envelope_is_skipped_and_its_origin_kept() -> None:
    """SOH/STX/ETX, the address and origin lines are not data; the origin is kept as detail."""
    result = parse_fsu(ENVELOPE.read_bytes(), **context(ENVELOPE))
    first = result.events[0]
    assert first.event.source_code == "RCT" and first.details["type_b_origin"] == "HDQFMQR"
    assert first.details["type_b_message_id"] == "MSG0042"
    assert first.event.shipment_id == "SH00002" and first.subject_resolved


def test_codes_without_milestone_and_unknown_codes_are_informational_and_listed() -> None:
    """AWR, AWD, CRC, PRE, TRM and an unknown FIW are stored as informational, FIW is listed."""
    codes = parse_fsu(CODES.read_bytes(), **context(CODES))
    info = {
        e.event.source_code for e in codes.events if e.event.milestone is Milestone.INFORMATIONAL
    }
    assert info == {"AWR", "AWD", "CRC", "PRE", "POD", "DOC"}
    envelope = parse_fsu(ENVELOPE.read_bytes(), **context(ENVELOPE))
    fiw = [e for e in envelope.events if e.event.source_code == "FIW"]
    assert fiw[0].event.milestone is Milestone.INFORMATIONAL
    assert any(m.code == "unknown_status_code" and m.index == 38 for m in envelope.messages)


def test_discrepancies_uld_and_osi_are_carried() -> None:
    """DIS codes map to reasons; ULD ids attach to the line before; OSI text to the message."""
    envelope = parse_fsu(ENVELOPE.read_bytes(), **context(ENVELOPE))
    reasons = [e.event.reason for e in envelope.events if e.event.source_code == "DIS"]
    assert reasons == [
        ExceptionReason.DISCREPANCY,
        ExceptionReason.OFFLOADED,
        ExceptionReason.OTHER,
    ]
    codes = parse_fsu(CODES.read_bytes(), **context(CODES))
    man = next(e for e in codes.events if e.event.source_code == "MAN")
    assert man.details["uld"] == "PMC12345LH,AKE54321LH"
    dlv = next(e for e in codes.events if e.event.source_code == "DLV")
    assert dlv.details["osi"].endswith("SIGNED FOR BY J SMITH")


def test_refusals_name_the_line_and_element_and_other_records_go_through() -> None:
    """Each malformed record is one error with its line as data; the good DEP still parses."""
    result = parse_fsu(MALFORMED.read_bytes(), **context(MALFORMED))
    errors = {m.index: m for m in result.messages if m.severity is Severity.ERROR}
    assert "Day, Month and Actual Time" in errors[9].reason and errors[9].code == "bad_element"
    assert "Airport Code 'ZZZ'" in errors[15].reason
    assert "'X1300'" in errors[18].reason
    assert [e.event.time_type for e in result.events] == [TimeType.ACTUAL]
    assert any(m.index == 24 and m.code == "bad_time" for m in result.messages)


def test_airports_outside_the_platform_resolve_through_the_places_package() -> None:
    """No platform zones given: NCE and BOG still get their zones, no refusal."""
    text = "FSU/15\n077-12345675BOGNCE/T3\nRCS/27OCT1300/BOG/T3\nDLV/27OCT1300/NCE/T3\n"
    result = parse_fsu(text, reference_time=datetime(2026, 10, 28, tzinfo=UTC))
    assert [e.event.event_time.astimezone(UTC).hour for e in result.events] == [18, 12]


def test_year_is_the_one_nearest_the_reference_time() -> None:
    """A December status received in January belongs to the previous year."""
    text = "FSU/14\n020-12345675FRAORD/T1\nRCS/30DEC1000/FRA/T1\n"
    (event,) = parse_fsu(text, reference_time=datetime(2027, 1, 3, tzinfo=UTC)).events
    assert event.event.event_time.year == 2026


def test_a_time_written_into_the_flight_date_is_read_with_a_warning() -> None:
    """`DEP/CV9751/30NOV0145/...` (not the manual's layout) departs at 01:45 local, warned."""
    text = "FSU/14\n172-12345675CGOLUX/T2\nDEP/CV9751/30NOV0145/CGOLUX/T2\n"
    result = parse_fsu(text, reference_time=datetime(2026, 11, 30, 12, tzinfo=UTC))
    (event,) = result.events
    assert event.event.event_time == _utc("2026-11-29T17:45:00")
    assert [m.code for m in result.messages] == ["nonstandard_time"]


def test_a_second_consignment_line_starts_a_new_part_of_the_message() -> None:
    """An FSA reporting two parts of a split shipment: each status belongs to its own part."""
    text = (
        "FSA/15\n085-22240002LHRZRH/P20T30\nRCF/SR803/26MAR0700/ZRH/T20\n"
        "085-22240002LHRZRH/P10T30\nTFD/BA/25MAR1100/LHR/T10\n"
    )
    result = parse_fsu(text, reference_time=REFERENCE)
    assert not result.messages
    assert [(e.event.source_code, e.details["awb_pieces"]) for e in result.events] == [
        ("RCF", "20"),
        ("TFD", "10"),
    ]


def test_a_message_quoted_on_one_line_is_read_as_its_lines() -> None:
    """`FSU/14 <AWB> <status>` on one line (as documentation quotes messages) gives the event."""
    text = "FSU/14 020-12345675FRAJFK/T1K100 RCS/16OCT1317/FRA/Acme Cargo\n"
    result = parse_fsu(text, reference_time=datetime(2026, 10, 20, tzinfo=UTC))
    (event,) = result.events
    assert event.details["name"] == "Acme Cargo" and event.event.raw_ref == "line 1"
    assert event.event.event_time == _utc("2026-10-16T11:17:00")


def test_an_unreadable_consignment_quantity_does_not_lose_the_statuses() -> None:
    """The AWB is still known when its quantity is not the manual's: a warning, events kept."""
    text = "FSU/14\n020-12345675FRAJFK/T1K100MC1.2\nRCS/16OCT1320/FRA/T1\n"
    result = parse_fsu(text, reference_time=datetime(2026, 10, 20, tzinfo=UTC))
    assert len(result.events) == 1 and [m.code for m in result.messages] == ["bad_element"]
    assert result.messages[0].severity.value == "warning"


SPLIT = FEEDS / "fsu" / "split_parts.txt"


def test_a_split_status_keeps_its_milestone_and_says_how_many_pieces() -> None:
    """DEP with P5 of a T10 consignment: DEPARTED, with `pieces` = `5 of 10` in its references
    (stored with the event); the total may come from the consignment line (`P5K125.5T10`) too.
    A status about every piece, or about more than the total, claims no part."""
    result = parse_fsu(SPLIT.read_bytes(), **context(SPLIT))
    assert not result.errors
    pieces = [
        (e.event.source_code, e.references.get("flight"), e.references.get("pieces"))
        for e in result.events
        if e.event.time_type is TimeType.ACTUAL
    ]
    assert pieces == [
        ("RCS", None, None),
        ("DEP", "CV9751", "5 of 10"),
        ("DEP", "CV9753", "5 of 10"),
        ("RCF", "CV9751", "5 of 10"),
        ("DEP", "CV9751", None),  # P11 of 10: no part claimed
    ]
    first = next(e for e in result.events if e.references.get("flight") == "CV9751")
    assert first.event.milestone is Milestone.DEPARTED
    assert first.details["uld"] == "PMC10001CV" and first.details["osi"].startswith("5 PCS SPLIT")


def test_stations_are_placed_through_the_lookup_for_air_and_unknown_ones_kept() -> None:
    """Each station (the departure's and the arrival's) is asked of `locations` as an air
    place; one it places becomes our location id, one it does not stays as written, and the
    times stay local to the station."""
    asked: list[tuple[str, Mode | None]] = []

    def find(code: str, mode: Mode | None) -> str | None:
        asked.append((code, mode))
        return {"CGO": "AP-ZZ-CARGO"}.get(code)

    text = "FSU/14\n160-12345675CGOLUX/T2\nDEP/CV9751/30NOV/CGOLUX/T2/A0142/E0618\n"
    reference = datetime(2026, 11, 30, 12, tzinfo=UTC)
    result = parse_fsu(text, reference_time=reference, locations=find)
    assert [(e.event.location, e.event.event_time) for e in result.events] == [
        ("AP-ZZ-CARGO", _utc("2026-11-29T17:42:00")),
        ("LUX", _utc("2026-11-30T05:18:00")),
    ]
    assert sorted(set(asked)) == [("CGO", Mode.AIR), ("LUX", Mode.AIR)]
    (plain,) = parse_fsu(
        "FSU/14\n160-12345675CGOLUX/T2\nRCS/29NOV2130/CGO/T2\n",
        reference_time=reference,
        locations={"CGO": "AP-ZZ-CARGO"},
    ).events
    assert plain.event.location == "AP-ZZ-CARGO"
