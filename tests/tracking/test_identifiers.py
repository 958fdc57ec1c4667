"""GS1 identifiers in their URN, Digital Link and digit forms reach one canonical spelling."""

from __future__ import annotations

import pytest

from logistics.tracking.identifiers import canonical, check_digit, parse_identifier


def test_sscc_urn_digital_link_and_digits_agree() -> None:
    """TDS 2.0's own SSCC example: the URN and the 18 digits are the same handling unit."""
    assert parse_identifier("urn:epc:id:sscc:0614141.1234567890") == ("sscc", "106141412345678908")
    assert parse_identifier("https://id.gs1.org/00/106141412345678908") == (
        "sscc",
        "106141412345678908",
    )
    assert canonical("sscc", "00106141412345678908") == "106141412345678908"


def test_grai_keeps_its_serial_after_the_check_digit() -> None:
    """A GRAI URN becomes AI 8003: 0, company prefix, asset type, check digit, serial."""
    kind, value = parse_identifier("urn:epc:id:grai:4012345.00225.PAL-7") or ("", "")
    assert kind == "grai" and value == "04012345002256PAL-7"
    assert check_digit("0401234500225") == "6"
    assert canonical("grai", value) == value


def test_sgtin_is_gtin_slash_serial() -> None:
    """An SGTIN URN gives the GTIN-14 (indicator digit first) and its serial."""
    assert parse_identifier("urn:epc:id:sgtin:0614141.812345.6789") == (
        "sgtin",
        "80614141123458/6789",
    )


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("sscc", "106141412345678907", "check digit"),
        ("sscc", "urn:epc:id:sscc:0614141.123", "17 digits"),
        ("grai", "urn:epc:id:sscc:0614141.1234567890", "is a SSCC, not a GRAI"),
        ("sgtin", "80614141123458", "GTIN-14/serial"),
    ],
)
def test_malformed_identifiers_say_what_is_wrong(kind: str, value: str, problem: str) -> None:
    """Wrong check digits, lengths and kinds are refused with the reason."""
    with pytest.raises(ValueError, match=problem):
        canonical(kind, value)


def test_other_uris_are_not_gs1_keys() -> None:
    """A class-level EPC or a location is not an instance identifier."""
    assert parse_identifier("urn:epc:class:lgtin:4012345.012345.998877") is None
    assert parse_identifier("urn:epc:id:sgln:4012345.00011.0") is None
