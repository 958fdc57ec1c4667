"""Golden-file plumbing: which adapter reads which fixture folder, and its context.

Run `python -m tests.tracking._golden` to (re)write the `*.expected.json` files; review the diff
by hand before committing, since the test then holds the adapters to exactly that output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from logistics.tracking.adapters.cargo_imp_fsu import parse_fsu
from logistics.tracking.adapters.dcsa_tnt import parse_dcsa_tnt
from logistics.tracking.adapters.epcis import parse_epcis
from logistics.tracking.adapters.one_record import parse_one_record
from logistics.tracking.adapters.rail_csv import parse_rail_csv
from logistics.tracking.adapters.road_gps import PlannedStop, parse_road_gps
from logistics.tracking.adapters.unified_json import parse_unified_json
from logistics.tracking.results import AdapterResult
from logistics.tracking.wire import result_to_dict

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
Parser = Callable[..., AdapterResult]
ADAPTERS: dict[str, tuple[Parser, tuple[str, ...]]] = {
    "unified": (parse_unified_json, (".json", ".jsonl")),
    "fsu": (parse_fsu, (".txt",)),
    "one_record": (parse_one_record, (".jsonld",)),
    "dcsa": (parse_dcsa_tnt, (".json",)),
    "rail_csv": (parse_rail_csv, (".csv",)),
    "gps": (parse_road_gps, (".jsonl",)),
    "epcis": (parse_epcis, (".jsonld", ".xml")),
}
_TIMES = ("reference_time", "received_at")


def cases() -> list[tuple[str, Path]]:
    """Every (format, input file) pair under fixtures/feeds."""
    found = []
    for fmt, (_, suffixes) in ADAPTERS.items():
        for path in sorted((FEEDS / fmt).iterdir()):
            if path.suffix in suffixes and not path.name.endswith(
                (".expected.json", ".context.json")
            ):
                found.append((fmt, path))
    return found


def context(path: Path) -> dict[str, Any]:
    """Keyword arguments for the adapter from `NAME.context.json` (times and stops converted)."""
    ctx_path = path.with_name(path.stem + ".context.json")
    ctx: dict[str, Any] = json.loads(ctx_path.read_text()) if ctx_path.exists() else {}
    for name in _TIMES:
        if name in ctx:
            ctx[name] = datetime.fromisoformat(ctx[name])
    if "stops" in ctx:
        ctx["stops"] = [PlannedStop(**s) for s in ctx["stops"]]
    return ctx


def run(fmt: str, path: Path) -> dict[str, Any]:
    """Parse one fixture (from bytes, as received) and return the golden-file dict."""
    parser, _ = ADAPTERS[fmt]
    return result_to_dict(parser(path.read_bytes(), **context(path)))


def expected_path(path: Path) -> Path:
    """Where the expected output of an input file lives."""
    return path.with_name(path.stem + ".expected.json")


if __name__ == "__main__":
    for fmt, path in cases():
        out = expected_path(path)
        out.write_text(json.dumps(run(fmt, path), indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {out.relative_to(FEEDS)}", file=sys.stderr)
