"""Conformance scoring: the adapters against the hand-written expectations of the corpus.

`fixtures/feeds/conformance/<format>.json` lists, per record of the corpus files, the unified
events a reader of the specification expects (milestone, time type, UTC time, place, subject) or
the element a rejection must name, or the warning code of a record deliberately ignored. A record
counts as mapped exactly when the adapter produced exactly those events (and no error), refused it
naming that element (and produced no event), or ignored it with that warning.
Run `python -m tests.tracking._conformance` for the README table.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from logistics.tracking.adapters.registry import REGISTRY, FeedFormat
from logistics.tracking.results import AdapterResult, Severity

from ._golden import FEEDS, feed_context

CONFORMANCE = FEEDS / "conformance"


@dataclass(frozen=True, slots=True)
class Score:
    """How one standard's corpus fared."""

    standard: str
    version: str
    records: int
    exact: int
    misses: tuple[str, ...]


def _subject(event: Any, resolved: bool) -> str:
    if not resolved:
        return "unlinked"
    if event.shipment_id:
        return str(event.shipment_id)
    return f"service:{event.service_id}" if event.service_id else f"vehicle:{event.vehicle_id}"


def _observed(result: AdapterResult) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for se in result.events:
        e = se.event
        out[e.raw_ref or ""].append(
            {
                "milestone": e.milestone.value,
                "time_type": e.time_type.value,
                "utc": e.event_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "location": e.location,
                "subject": _subject(e, se.subject_resolved),
            }
        )
    return out


def _key(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True)


def score(fmt: str) -> Score:
    """Score one format's corpus against its expectations."""
    spec = json.loads((CONFORMANCE / f"{fmt}.json").read_text())
    spec_parse = REGISTRY[FeedFormat(fmt)].parse
    results: dict[str, AdapterResult] = {}
    exact, misses = 0, []
    for rec in spec["records"]:
        path: Path = FEEDS / rec["file"]
        if rec["file"] not in results:
            results[rec["file"]] = spec_parse(path.read_bytes(), feed_context(path))
        result = results[rec["file"]]
        events = _observed(result).get(rec["record"], [])
        errors = [
            m.reason
            for m in result.messages
            if m.record == rec["record"] and m.severity is Severity.ERROR
        ]
        if "ignore" in rec:  # no event, no error, and a warning with that code saying why
            ok = (
                not events
                and not errors
                and any(
                    m.code == rec["ignore"] for m in result.messages if m.record == rec["record"]
                )
            )
        elif "reject" in rec:
            ok = not events and any(rec["reject"] in reason for reason in errors)
        else:
            ok = not errors and sorted(map(_key, events)) == sorted(map(_key, rec["expect"]))
        if ok:
            exact += 1
        else:
            misses.append(f"{rec['file']} {rec['record']}: got {events or errors}")
    return Score(spec["standard"], spec["version"], len(spec["records"]), exact, tuple(misses))


def formats() -> list[str]:
    """The formats that have a conformance file."""
    return sorted(p.stem for p in CONFORMANCE.glob("*.json"))


if __name__ == "__main__":
    for fmt in formats():
        s = score(fmt)
        print(f"| {s.standard} | {s.version} | {s.records} | {s.exact / s.records:.0%} |")
        for miss in s.misses:
            print(f"  miss: {miss}", file=sys.stderr)
