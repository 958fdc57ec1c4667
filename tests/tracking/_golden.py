"""Golden-file plumbing: which adapter reads which fixture folder, and its context.

Run `python -m tests.tracking._golden` to (re)write the `*.expected.json` files; review the diff
by hand before committing, since the test then holds the adapters to exactly that output.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from logistics.tracking.adapters.registry import REGISTRY, FeedContext, FeedFormat
from logistics.tracking.adapters.road_gps import PlannedStop
from logistics.tracking.wire import result_to_dict

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
_FIELDS = ("received_at", "reference_time", "source", "subjects", "stops")


def cases() -> list[tuple[str, Path]]:
    """Every (format, input file) pair under fixtures/feeds, formats as the registry lists them."""
    found = []
    for fmt, spec in REGISTRY.items():
        folder = FEEDS / fmt.value
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.suffix in spec.file_suffixes and not path.name.endswith(
                (".expected.json", ".context.json")
            ):
                found.append((fmt.value, path))
    return found


def context(path: Path) -> dict[str, Any]:
    """Keyword arguments for the adapter from `NAME.context.json` (times and stops converted)."""
    ctx_path = path.with_name(path.stem + ".context.json")
    ctx: dict[str, Any] = json.loads(ctx_path.read_text()) if ctx_path.exists() else {}
    for name in ("reference_time", "received_at"):
        if name in ctx:
            ctx[name] = datetime.fromisoformat(ctx[name])
    if "stops" in ctx:
        ctx["stops"] = [PlannedStop(**s) for s in ctx["stops"]]
    return ctx


def feed_context(path: Path) -> FeedContext:
    """The fixture's context as the registry's FeedContext (adapter-specific keys as options)."""
    ctx = context(path)
    known = {name: ctx.pop(name) for name in _FIELDS if name in ctx}
    return FeedContext(**known, options=ctx)


def run(fmt: str, path: Path) -> dict[str, Any]:
    """Parse one fixture (from bytes, as received) through the registry; the golden-file dict."""
    spec = REGISTRY[FeedFormat(fmt)]
    return result_to_dict(spec.parse(path.read_bytes(), feed_context(path)))


def expected_path(path: Path) -> Path:
    """Where the expected output of an input file lives."""
    return path.with_name(path.stem + ".expected.json")


if __name__ == "__main__":
    for fmt, path in cases():
        out = expected_path(path)
        out.write_text(json.dumps(run(fmt, path), indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {out.relative_to(FEEDS)}", file=sys.stderr)
