"""Webhooks never reach internal addresses: refused at subscription, and again at connect time."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.webhook_dispatcher import WebhookDispatcher
from logistics.bundles.reader import read_bundle
from logistics.domain import Principal, Role
from logistics.persistence.database import session_scope
from logistics.services import webhooks
from logistics.services.api_keys import create_api_key
from logistics.services.import_scenario import import_scenario
from logistics.settings import get_settings
from logistics.tracking.webhook_url_policy import UrlPolicy, parse_allow_list
from logistics.workers.webhook_connections import resolve
from tests.api.conftest import FIXTURE_BUNDLE, LiveApi
from tests.api.test_webhooks_api import Receiver, enqueue, notice, receiver  # noqa: F401

UNSAFE = [
    "http://127.0.0.1:8000/hook",
    "https://127.0.0.1:8000/hook",
    "https://localhost/hook",
    "https://[::1]/hook",
    "https://0.0.0.0/hook",
    "https://2130706433/hook",
    "https://127.1/hook",
    "https://0x7f.1/hook",
    "https://10.0.0.1/hook",
    "https://192.168.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fe80::1]/hook",
    "https://224.0.0.1/hook",
    "https://user:pass@127.0.0.1:5432/",
    "https://user:pass@example.com/hook",
    "http://example.com/hook",
]


@pytest.fixture
def strict_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The defaults: https only, no allow-list; deliveries retried 0.2 s later."""
    monkeypatch.delenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", raising=False)
    monkeypatch.delenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", raising=False)
    monkeypatch.setenv("LOGISTICS_WEBHOOK_RETRY_BASE_SECONDS", "0.2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_every_unsafe_url_is_refused_at_subscription(
    live_api: LiveApi, strict_settings: None
) -> None:
    """422 problem+json naming the `url` field, for each form; a public https URL is accepted."""
    with live_api.client("shipper") as client:
        for url in UNSAFE:
            response = client.post("/v1/webhooks", json={"url": url})
            assert response.status_code == 422, url
            assert response.headers["content-type"] == "application/problem+json"
            assert [e["field"] for e in response.json()["errors"]] == ["url"], url
        assert client.get("/v1/webhooks").json()["items"] == []
        ok = client.post("/v1/webhooks", json={"url": "https://hooks.example.com/freight"})
        assert ok.status_code == 201


def _subscriber(factory: sessionmaker[Session]) -> Principal:
    with session_scope(factory) as session:
        import_scenario(session, read_bundle(FIXTURE_BUNDLE))
        _, principal = create_api_key(session, role=Role.COORDINATOR, name="hooks")
    return principal


def test_a_name_that_resolves_to_loopback_is_refused_at_connect(
    session_factory: sessionmaker[Session],
    receiver: Receiver,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    strict_settings: None,
) -> None:
    """DNS rebinding: the name passed at subscription, its address is checked when connecting."""
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    get_settings.cache_clear()
    principal = _subscriber(session_factory)
    port = receiver.server.server_address[1]
    url = f"http://rebind.test:{port}/hook"
    with session_scope(session_factory) as session:
        _, sub = webhooks.subscribe(session, principal, url=url)  # a name: accepted
    enqueue(session_factory, notice("SH00001", "SHP-FXZ"))

    def rebinding(host: str, port: int) -> list[str]:  # DNS now answers with loopback
        return ["127.0.0.1"] if host == "rebind.test" else resolve(host, port)

    def dispatcher(policy: UrlPolicy) -> WebhookDispatcher:
        return WebhookDispatcher(
            session_factory,
            poll_s=0.05,
            timeout_s=5,
            policy=webhooks.retry_policy(),
            url_policy=policy,
            resolver=rebinding,
        )

    strict = dispatcher(webhooks.url_policy())
    report = strict.deliver_once()
    assert (report.attempted, report.delivered) == (1, 0)
    assert receiver.requests == []  # nothing was sent to the loopback receiver
    with session_scope(session_factory) as session:
        (delivery,) = webhooks.list_deliveries(session, principal, sub.id)
    assert delivery.status == "pending" and "loopback" in (delivery.last_error or "")

    time.sleep(0.3)  # the retry is due
    allowed = UrlPolicy(allow_http=True, allowed=parse_allow_list("127.0.0.1"))
    assert dispatcher(allowed).deliver_once().delivered == 1
    (request,) = receiver.at("/hook")
    assert request.headers["Host"] == f"rebind.test:{port}"  # connected to the checked address


def test_a_stored_url_is_checked_again_before_each_attempt(
    session_factory: sessionmaker[Session],
    receiver: Receiver,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    strict_settings: None,
) -> None:
    """A subscription stored while loopback was allowed is refused once the policy is strict."""
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HTTP", "true")
    monkeypatch.setenv("LOGISTICS_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    principal = _subscriber(session_factory)
    with session_scope(session_factory) as session:
        webhooks.subscribe(session, principal, url=receiver.url("/old"))
    enqueue(session_factory, notice("SH00001", "SHP-FXZ"))
    strict = WebhookDispatcher(
        session_factory, poll_s=0.05, timeout_s=5, policy=webhooks.retry_policy(),
        url_policy=UrlPolicy(),
    )  # fmt: skip
    assert strict.deliver_once().delivered == 0
    assert receiver.requests == []
