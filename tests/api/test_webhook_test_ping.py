"""A subscriber's test ping over real HTTP: POST /v1/webhooks/{id}/test queues one signed
`webhook.test` notice through the outbox, the live server's sender delivers it (retries, address
checks and the delivery log as for real notices)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.webhook_dispatcher import WebhookDispatcher
from logistics.persistence.database import session_scope
from logistics.services import webhooks
from logistics.tracking.webhook_signing import ID_HEADER, NOTICE_ID_HEADER, verify_headers
from logistics.tracking.webhook_url_policy import UrlPolicy
from tests.api.conftest import LiveApi
from tests.api.test_webhook_ssrf import _subscriber
from tests.api.test_webhooks_api import (  # noqa: F401
    Receiver,
    fast_webhooks,
    receiver,
    subscribe,
    wait_for,
)


def test_a_test_ping_is_signed_delivered_and_logged(
    live_api: LiveApi,
    receiver: Receiver,  # noqa: F811
) -> None:
    """202 with the pending delivery; the receiver gets one signed webhook.test notice about no
    shipment, whatever the subscription's filters; the deliveries list shows it delivered."""
    sub = subscribe(
        live_api,
        "shipper",
        receiver.url("/ping"),
        kinds=["exception.opened"],
        shipment_ids=["SH00002"],
    )
    with live_api.client("shipper") as client:
        answer = client.post(f"/v1/webhooks/{sub['id']}/test")
        assert answer.status_code == 202, answer.text
        assert answer.headers["location"] == f"/v1/webhooks/{sub['id']}/deliveries"
        queued = answer.json()
        assert (queued["kind"], queued["shipment_id"], queued["status"]) == (
            "webhook.test",
            None,
            "pending",
        )
        wait_for(lambda: len(receiver.at("/ping")) == 1)
        (request,) = receiver.at("/ping")
        assert verify_headers(sub["secret"], request.body, request.headers)
        assert not verify_headers("whsec_wrong", request.body, request.headers)
        assert request.headers[ID_HEADER] == queued["id"] == request.document["id"]
        assert request.headers[NOTICE_ID_HEADER] == queued["notice_id"]
        document = request.document
        assert document["type"] == "webhook.test" and document["shipment_id"] is None
        assert document["subscription_id"] == sub["id"] and document["shipper"] == "SHP-FXZ"

        def deliveries() -> list[dict[str, object]]:
            return list(client.get(f"/v1/webhooks/{sub['id']}/deliveries").json()["items"])

        wait_for(lambda: [d["status"] for d in deliveries()] == ["delivered"])
        (logged,) = deliveries()
        assert (logged["id"], logged["kind"], logged["shipment_id"]) == (
            queued["id"],
            "webhook.test",
            None,
        )
        assert (logged["attempts"], logged["last_status_code"]) == (1, 200)

        again = client.post(f"/v1/webhooks/{sub['id']}/test").json()  # a new notice each time
        assert again["notice_id"] != queued["notice_id"] and again["id"] != queued["id"]
        wait_for(lambda: len(receiver.at("/ping")) == 2)
    with live_api.client("other_shipper") as client:
        refused = client.post(f"/v1/webhooks/{sub['id']}/test")
        assert refused.status_code == 404
        assert refused.headers["content-type"].startswith("application/problem+json")
    with live_api.client("shipper") as client:
        assert client.delete(f"/v1/webhooks/{sub['id']}").status_code == 204
        assert client.post(f"/v1/webhooks/{sub['id']}/test").status_code == 404


def test_a_failing_endpoint_gets_the_test_ping_again(
    live_api: LiveApi,
    receiver: Receiver,  # noqa: F811
) -> None:
    """An endpoint answering 500 once gets the same test delivery again, then it is delivered."""
    receiver.failures_left["/flaky"] = 1
    sub = subscribe(live_api, "coordinator", receiver.url("/flaky"))
    with live_api.client("coordinator") as client:
        queued = client.post(f"/v1/webhooks/{sub['id']}/test").json()
        wait_for(
            lambda: (
                [
                    (d["status"], d["attempts"])
                    for d in client.get(f"/v1/webhooks/{sub['id']}/deliveries").json()["items"]
                ]
                == [("delivered", 2)]
            )
        )
    requests = receiver.at("/flaky")
    assert [r.headers[ID_HEADER] for r in requests] == [queued["id"]] * 2
    assert len({r.body for r in requests}) == 1


def test_a_test_ping_to_a_now_refused_address_is_not_sent(
    session_factory: sessionmaker[Session],
    receiver: Receiver,  # noqa: F811
) -> None:
    """The address check at connect time applies to a test ping as to every notice."""
    principal = _subscriber(session_factory)
    with session_scope(session_factory) as session:
        _, sub = webhooks.subscribe(session, principal, url=receiver.url("/strict"))
    with session_scope(session_factory) as session:
        queued = webhooks.send_test(session, principal, sub.id)
    strict = WebhookDispatcher(
        session_factory, poll_s=0.05, timeout_s=5, policy=webhooks.retry_policy(),
        url_policy=UrlPolicy(allow_http=True),  # no allow-list: loopback is refused
    )  # fmt: skip
    report = strict.deliver_once()
    assert (report.attempted, report.delivered) == (1, 0)
    assert receiver.requests == []
    with session_scope(session_factory) as session:
        (delivery,) = webhooks.list_deliveries(session, principal, sub.id)
    assert (delivery.id, delivery.kind, delivery.status) == (queued.id, "webhook.test", "pending")
    assert "loopback" in (delivery.last_error or "")
