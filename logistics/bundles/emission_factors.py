"""Read the emission factor table (fixtures/emission_factors.csv)."""

from __future__ import annotations

from pathlib import Path

from logistics.bundles import columns as cols
from logistics.bundles.table import ProblemLog, build, check_unique, parse_row, read_rows
from logistics.domain import EmissionFactor, Mode
from logistics.errors import Problem, ValidationFailed


def read_emission_factors(path: Path) -> tuple[EmissionFactor, ...]:
    """Read factors (g CO2e per tonne-km, with source and verified flag); refuse bad rows."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed([Problem(path.name, 0, "*", f"file {path} is missing")])
    log = ProblemLog(path.name)
    rows = read_rows(path, cols.EMISSION_FACTORS, log)
    check_unique([(r, r.cells.get("factor_id", "").strip()) for r in rows], log, "factor_id")
    factors: list[EmissionFactor] = []
    for row in rows:
        v, ok = parse_row(row, cols.EMISSION_FACTORS, log)
        if not ok:
            continue
        factor = build(
            row, log, EmissionFactor, **{**v, "mode": Mode(v["mode"]), "scope": v["scope"].upper()}
        )
        if factor is not None:
            factors.append(factor)
    if log.problems:
        raise ValidationFailed(log.problems, summary=f"{path} refused")
    return tuple(factors)
