"""The emission factor table is read as data with its source and verified flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.bundles.emission_factors import read_emission_factors
from logistics.errors import ValidationFailed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_fixture_factors_cover_every_mode() -> None:
    """fixtures/emission_factors.csv has air, rail and road factors with sources."""
    factors = read_emission_factors(FIXTURES / "emission_factors.csv")
    assert {f.mode.value for f in factors} == {"air", "rail", "road"}
    assert all(f.source and f.scope in ("WTW", "TTW") for f in factors)
    by_id = {f.factor_id: f for f in factors}
    assert by_id["air_freighter_long"].g_per_tkm == 610


def test_bad_factor_rows_are_located(tmp_path: Path) -> None:
    """A negative factor and a bad flag are reported with line and column."""
    path = tmp_path / "factors.csv"
    path.write_text(
        "factor_id,mode,vehicle_class,scope,g_per_tkm,source,version,region,verified\n"
        "a,air,freighter,WTW,-1,src,v1,global,false\n"
        "b,rail,train,WTW,20,src,v1,CN,maybe\n"
    )
    with pytest.raises(ValidationFailed) as err:
        read_emission_factors(path)
    located = {f"{p.line}:{p.column}" for p in err.value.problems}
    assert located == {"2:g_per_tkm", "3:verified"}
