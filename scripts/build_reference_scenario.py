"""Regenerate the Zhengzhou reference bundle: `python scripts/build_reference_scenario.py [OUT_DIR]`."""

from __future__ import annotations

import sys
from pathlib import Path

from logistics.bundles.writer import write_bundle
from logistics.scenarios.reference import reference_scenario

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "fixtures" / "zhengzhou"


def main() -> None:
    """Write the reference scenario (fixed seed) as a CSV bundle."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    scenario = reference_scenario()
    write_bundle(scenario, out)
    print(
        f"wrote {out}: {len(scenario.locations)} locations, {len(scenario.services)} services, "
        f"{len(scenario.vehicles)} vehicles, {len(scenario.shipments)} shipments"
    )


if __name__ == "__main__":
    main()
