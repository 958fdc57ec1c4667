"""Location codes: GS1 GLN check digits and UN/LOCODE spellings, and a Location holding them."""

from __future__ import annotations

import pytest

from logistics.domain import Location, LocationKind
from logistics.domain.location_codes import gs1_check_digit, normalise_gln, normalise_unlocode
from logistics.errors import DomainError


def test_gln_check_digit_is_gs1_mod_10() -> None:
    """0614141 00001 -> 2 (GS1's worked company prefix); a wrong last digit names the right one."""
    assert gs1_check_digit("061414100001") == "2"
    assert normalise_gln(" 0614141000012 ") == "0614141000012"
    with pytest.raises(DomainError, match=r"wrong check digit 3 .*gives 2"):
        normalise_gln("0614141000013")
    with pytest.raises(DomainError, match="must be 13 digits"):
        normalise_gln("061414100001")


def test_unlocode_is_written_without_the_space_and_in_capitals() -> None:
    """`de ham` and `DE HAM` are DEHAM; digits 0 and 1 are not UN/LOCODE characters."""
    assert normalise_unlocode("de ham") == "DEHAM" and normalise_unlocode("DE HAM") == "DEHAM"
    with pytest.raises(DomainError, match="not a UN/LOCODE"):
        normalise_unlocode("DEH01")


def test_location_keeps_its_codes_normalised_and_refuses_a_bad_gln() -> None:
    """Both codes are optional; given ones are stored in one spelling; a bad GLN is refused."""
    plain = Location("X1", "Site", LocationKind.DEPOT, 1.0, 2.0, "UTC")
    assert plain.unlocode is None and plain.gln is None
    coded = Location(
        "X2", "Site", LocationKind.PORT, 1.0, 2.0, "UTC", unlocode="nl rtm", gln="0614141000012"
    )
    assert coded.unlocode == "NLRTM" and coded.gln == "0614141000012"
    with pytest.raises(DomainError, match="location X3: gln"):
        Location("X3", "Site", LocationKind.DEPOT, 1.0, 2.0, "UTC", gln="0614141000019")
