"""The bad-input corpus over real HTTP: every item is a 4xx problem+json naming the field, never a 5xx."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from logistics.settings import get_settings
from tests.api.conftest import LiveApi

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "api" / "bad_inputs.json"
ITEMS: list[dict[str, Any]] = json.loads(CORPUS.read_text())["items"]
EVENT = {
    "milestone": "PICKED_UP",
    "event_time": "2026-11-29T10:05:00+08:00",
    "shipment_id": "SH00001",
}


def _deep(depth: int, closed: bool) -> bytes:
    return b"[" * depth + (b"]" * depth if closed else b"")


def _body(item: dict[str, Any]) -> bytes | None:
    generate = item.get("generate", {})
    kind = generate.get("kind")
    if kind == "deep_json":
        return _deep(generate["depth"], generate.get("closed", True))
    if kind == "big_body":
        return b"x" * (get_settings().max_body_bytes + generate["over_limit_bytes"])
    if kind == "many_events":
        count = get_settings().max_batch_events + generate["over_limit"]
        return json.dumps([{**EVENT, "event_id": f"MANY-{n}"} for n in range(count)]).encode()
    if "content_hex" in item:
        return bytes.fromhex(item["content_hex"])
    if "content" in item:
        return str(item["content"]).encode("utf-8")
    if "json" in item:
        return json.dumps(item["json"]).encode()
    return None


def _raw_exchange(base_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes over a socket; read the whole answer (the server closes after it)."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _send(api: LiveApi, item: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    headers = dict(item.get("headers", {}))
    if item.get("role"):
        headers["Authorization"] = f"Bearer {api.keys[item['role']]}"
    if item.get("generate", {}).get("kind") == "huge_header":
        filler = "a" * item["generate"]["bytes"]
        request = (
            f"{item['method']} {item['path']} HTTP/1.1\r\nHost: x\r\nX-Filler: {filler}\r\n\r\n"
        )
        return _raw_exchange(api.base_url, request.encode())
    body = _body(item)
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    with httpx.Client(base_url=api.base_url, timeout=60) as client:
        response = client.request(item["method"], item["path"], content=body, headers=headers)
    return response.status_code, dict(response.headers), response.content


def _mismatch(api: LiveApi, item: dict[str, Any]) -> str | None:
    """What is wrong with the answer to one corpus item, or None when it is as expected."""
    status, headers, content = _send(api, item)
    if status != item["status"]:
        return f"status {status}, expected {item['status']}: {content[:300]!r}"
    if not headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {headers.get('content-type')!r}"
    problem = json.loads(content)
    if problem.get("status") != status or not problem.get("title") or not problem.get("detail"):
        return f"not a complete problem document: {problem}"
    said = json.dumps(problem)
    fields = [e.get("field", "") for e in problem.get("errors", [])]
    if item.get("field") and not (any(item["field"] in f for f in fields) or item["field"] in said):
        return f"field {item['field']!r} not named: {problem}"
    if item.get("reason") and item["reason"] not in said:
        return f"reason {item['reason']!r} not said: {problem}"
    if item.get("allow") and item["allow"] not in headers.get("allow", ""):
        return f"Allow header {headers.get('allow')!r}"
    return None


def test_every_bad_input_is_a_4xx_problem(live_api: LiveApi) -> None:
    """Each item gets its expected 4xx status as problem+json naming the field and the reason."""
    assert len(ITEMS) >= 70 and all(400 <= item["status"] < 500 for item in ITEMS)
    failures = {item["name"]: _mismatch(live_api, item) for item in ITEMS}
    assert {name: why for name, why in failures.items() if why} == {}


def test_the_server_still_answers_after_the_corpus(live_api: LiveApi) -> None:
    """After deep JSON, huge bodies and huge headers the same server answers health at once."""
    for item in ITEMS:
        if "generate" in item:
            assert 400 <= _send(live_api, item)[0] < 500
    with live_api.client() as client:
        assert client.get("/v1/health").json()["status"] == "ok"


def test_a_feed_record_the_database_cannot_hold_is_rejected_not_a_5xx(live_api: LiveApi) -> None:
    """Raw feed records with over-long values or times out of range are refused one by one."""
    base = {**EVENT, "source": "feed-x"}
    records = [
        {**base, "event_id": "E" * 200},
        {**base, "event_id": "LOC", "location": "L" * 100},
        {**base, "event_id": "OLD", "event_time": "0001-01-01T00:00:00+01:00"},
        {**base, "event_id": "REF", "references": {"awb": "1" * 600}},
        {**base, "event_id": "GOOD-1"},
    ]
    with live_api.client("feed") as client:
        answer = client.post("/v1/feeds/unified", json=records)
    assert answer.status_code == 200, answer.text
    items = {i["record"] or i["event_id"]: i for i in answer.json()["items"]}
    assert [items[f"index {n}"]["status"] for n in range(4)] == ["rejected"] * 4
    reasons = " | ".join(items[f"index {n}"]["reason"] for n in range(4))
    for said in ("event_id is 200 characters", "location is 100", "out of range", "reference"):
        assert said in reasons, reasons
    assert items["GOOD-1"]["status"] == "accepted"
