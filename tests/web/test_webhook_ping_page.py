"""'Send test' on the tracking page's notifications in Chromium: a real receiver gets the signed
test notice, and the page's deliveries list shows it as a test ping about no consignment."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from logistics.tracking.webhook_signing import verify_headers
from tests.api.conftest import LiveApi
from tests.api.test_webhooks_api import (  # noqa: F401  (allow-list settings, live receiver)
    Receiver,
    fast_webhooks,
    receiver,
    subscribe,
    wait_for,
)


def test_shipper_sends_a_test_ping_from_the_page(
    live_api: LiveApi,
    page: Page,
    receiver: Receiver,  # noqa: F811
) -> None:
    """The button queues the ping; the receiver gets it signed; the list shows it delivered."""
    sub = subscribe(live_api, "shipper", receiver.url("/from-page"))
    page.goto(f"{live_api.base_url}/track?key={live_api.keys['shipper']}")
    row = page.locator(f"[data-testid=webhooks] tbody tr[data-webhook={sub['id']}]")
    row.locator("[data-action=test]").click()
    expect(page.locator("#messages")).to_contain_text("Test notice queued for")
    deliveries = page.locator("[data-testid=webhook-deliveries] tbody tr")
    expect(deliveries).to_have_count(1)
    expect(deliveries.locator("td").nth(0)).to_have_text("test ping")
    expect(deliveries.locator("td").nth(1)).to_have_text("—")

    wait_for(lambda: len(receiver.at("/from-page")) == 1)
    (request,) = receiver.at("/from-page")
    assert verify_headers(sub["secret"], request.body, request.headers)
    assert request.document["type"] == "webhook.test"
    with live_api.client("shipper") as client:
        wait_for(
            lambda: (
                client.get(f"/v1/webhooks/{sub['id']}/deliveries").json()["items"][0]["status"]
                == "delivered"
            )
        )
    toggle = row.locator("button:text('Deliveries')")
    toggle.click()  # hide
    toggle.click()  # and show again: read afresh
    expect(deliveries.locator("td").nth(2)).to_have_text("delivered")
    expect(deliveries.locator("td").nth(4)).to_have_text("HTTP 200")
