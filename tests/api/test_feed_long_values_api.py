"""Over-long ids and references in every feed format, over real HTTP on both databases.

Every identifier-like value of one published-shape fixture per format is made 300 characters
longer (more than any id column holds, fewer than a reference may be), with the fixture's
references linked to a shipment (so events reach storage) and unlinked (so they are answered
"not linked"): each answer is 200 with per-record rejections or acceptances, never a 5xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from logistics.tracking.adapters.registry import FeedFormat
from tests.api.conftest import LiveApi

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
LONG = "9" * 300
# One fixture per registered format, with the content type it is posted as.
SAMPLES = {
    FeedFormat.UNIFIED: ("unified/events.json", "application/json"),
    FeedFormat.FSU: ("fsu/status_codes.txt", "text/plain"),
    FeedFormat.XFSU: ("xfsu/statuses.xml", "application/xml"),
    FeedFormat.ONE_RECORD: ("one_record/events.jsonld", "application/ld+json"),
    FeedFormat.DCSA: ("dcsa/v3.json", "application/json"),
    FeedFormat.RAIL_CSV: ("rail_csv/x8202.csv", "text/csv"),
    FeedFormat.GPS: ("gps/tr0001.jsonl", "application/x-ndjson"),
    FeedFormat.EPCIS: ("epcis/document.jsonld", "application/ld+json"),
}
# Values worth lengthening in the text formats: tokens of letters, digits and id punctuation.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-:/._]{2,}")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _variants(text: str) -> Iterator[tuple[str, str]]:
    """(value, payload with every occurrence of that value made 300 characters longer)."""
    try:
        values = sorted({v for v in _strings(json.loads(text)) if len(v) >= 3})
    except json.JSONDecodeError:
        values = sorted(set(TOKEN.findall(text)))
    for value in values:
        quoted = json.dumps(value)
        if quoted in text:  # JSON: replace whole string values only
            yield value, text.replace(quoted, json.dumps(value + LONG))
        else:
            yield value, text.replace(value, value + LONG)


def _link_fixture_references(api: LiveApi) -> None:
    """Link every reference the fixtures' contexts name to SH00001 (the minimal bundle's)."""
    with api.client("coordinator") as client:
        for path, _ in SAMPLES.values():
            context = FEEDS / re.sub(r"\.\w+$", ".context.json", path)
            for key in json.loads(context.read_text()).get("subjects", {}):
                kind, _, value = key.partition(":")
                answer = client.post(
                    "/v1/shipments/SH00001/references", json={"kind": kind, "value": value}
                )
                assert answer.status_code in (201, 409), answer.text


def _post_every_variant(api: LiveApi) -> tuple[dict[str, str], int]:
    failures: dict[str, str] = {}
    rejected = 0
    headers = {"Authorization": f"Bearer {api.keys['feed']}"}
    with httpx.Client(base_url=api.base_url, headers=headers, timeout=60) as client:
        for feed_format, (path, content_type) in SAMPLES.items():
            for value, payload in _variants((FEEDS / path).read_text()):
                answer = client.post(
                    f"/v1/feeds/{feed_format.value}",
                    content=payload.encode(),
                    headers={"Content-Type": content_type},
                )
                if answer.status_code != 200:
                    failures[f"{feed_format.value} {value[:60]}"] = answer.text[:300]
                    continue
                rejected += answer.json()["rejected"]
    return failures, rejected


@pytest.mark.parametrize("linked", [False, True], ids=["unlinked", "linked"])
def test_over_long_values_in_every_feed_format_are_answered_per_record(
    live_api: LiveApi, linked: bool
) -> None:
    """No over-long id, reference or IRI of any format makes a 5xx or a database error."""
    assert set(SAMPLES) == set(FeedFormat)
    if linked:
        _link_fixture_references(live_api)
    failures, rejected = _post_every_variant(live_api)
    assert failures == {}
    assert rejected > 0
    with live_api.client("coordinator") as client:
        assert client.get("/v1/health").json()["status"] == "ok"


def test_an_unlinked_iri_longer_than_a_shipment_id_is_rejected_with_its_reason(
    live_api: LiveApi,
) -> None:
    """A 300-character ONE Record IRI nobody linked: rejected, named, and nothing stored."""
    iri = "https://1r.example.com/logistics-objects/" + "a" * 258
    document = json.loads((FEEDS / "one_record/events.jsonld").read_text())
    text = json.dumps(document).replace("https://1r.example.com/logistics-objects/shp-5a1c", iri)
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/one_record",
            content=text.encode(),
            headers={"Content-Type": "application/ld+json"},
        )
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert items and {i["status"] for i in items} == {"rejected"}
    named = [i for i in items if f"logistics_object {iri} is not linked" in i["reason"]]
    assert named and {i["code"] for i in named} == {"unlinked_reference"}
    with live_api.client("coordinator") as client:
        assert client.get("/v1/events").json()["items"] == []


def test_a_gps_vehicle_id_longer_than_its_column_is_refused_per_line(live_api: LiveApi) -> None:
    """GPS fixes are stored as positions: an over-long vehicle or a time out of range is a line
    rejected with its reason (PostgreSQL refused the whole request before), the rest is kept."""
    fix = {"lat": 34.7, "lon": 113.6, "speed_kmh": 0.0}
    lines = [
        {**fix, "vehicle": "V" * 65, "time": "2026-11-29T10:00:00+08:00"},
        {**fix, "vehicle": "TR0001", "time": "0001-01-01T00:00:00+01:00"},
        {**fix, "vehicle": "TR0001", "time": "2026-11-29T10:00:00+08:00", "speed_kmh": 1e400},
        {**fix, "vehicle": "TR0001", "time": "2026-11-29T10:01:00+08:00"},
    ]
    payload = "\n".join(json.dumps(line) for line in lines).replace("Infinity", "1e400")
    with live_api.client("feed") as client:
        answer = client.post(
            "/v1/feeds/gps",
            content=payload.encode(),
            headers={"Content-Type": "application/x-ndjson"},
        )
    assert answer.status_code == 200, answer.text
    said = " | ".join(answer.json()["messages"])
    for reason in (
        "line 1: error: vehicle is 65 characters long; at most 64 are stored",
        "line 2: error: time 0001-01-01T00:00:00+01:00 is out of range",
        "line 3: error: speed inf is not a finite number",
    ):
        assert reason in said, said
    assert "line 4" not in said


def _first_event_with(document: Any, name: str) -> dict[str, Any]:
    """The first JSON object in `document` holding the key `name`."""
    if isinstance(document, dict):
        if name in document:
            return document
        children = list(document.values())
    elif isinstance(document, list):
        children = document
    else:
        return {}
    for child in children:
        found = _first_event_with(child, name)
        if found:
            return found
    return {}


@pytest.mark.parametrize(
    ("feed_format", "path", "field", "value", "reason"),
    [
        (FeedFormat.DCSA, "dcsa/v3.json", "eventUpdatedDateTime", "0001-01-01T00:00:00+14:00",
         "out of range"),
        (FeedFormat.DCSA, "dcsa/v3.json", "eventUpdatedDateTime", "9999-12-31T23:59:59-12:00",
         "out of range"),
        (FeedFormat.EPCIS, "epcis/document.jsonld", "eventTime", "9999-12-31T23:59:59-12:00",
         "out of range"),
        (FeedFormat.EPCIS, "epcis/document.jsonld", "eventTime", "0001-01-01T00:00:00+14:00",
         "out of range"),
        (FeedFormat.UNIFIED, "unified/events.json", "source", [1], "source must be a string"),
        (FeedFormat.UNIFIED, "unified/events.json", "source", 10**30, "source must be a string"),
    ],
)  # fmt: skip
def test_a_time_without_a_utc_year_or_a_source_that_is_no_text_is_one_record_refused(
    live_api: LiveApi, feed_format: FeedFormat, path: str, field: str, value: Any, reason: str
) -> None:
    """Times that overflow on their way to UTC, or a non-text source, were a 500 for the payload."""
    document = json.loads((FEEDS / path).read_text())
    _first_event_with(document, field)[field] = value
    content_type = SAMPLES[feed_format][1]
    with live_api.client("feed") as client:
        answer = client.post(
            f"/v1/feeds/{feed_format.value}",
            content=json.dumps(document).encode(),
            headers={"Content-Type": content_type},
        )
    assert answer.status_code == 200, answer.text
    said = json.dumps(answer.json())
    assert reason in said and answer.json()["rejected"] >= 1, said[:500]
