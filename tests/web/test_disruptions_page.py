"""The disruption desk in Chromium: a coordinator reports a cancelled freighter, requests the
recovery, reads the proposal as a difference and accepts it; the shipper then reads why on the
tracking page. At desktop width and at 390 px, with no 'null', 'undefined' or 'NaN' and no
console errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import LiveApi
from tests.api.test_plans_api import wait_done

FLIGHT = "CV9751-20261130"
JUNK = re.compile(r"\b(null|undefined|NaN)\b")


@pytest.mark.parametrize("width", [1280, 390])
def test_report_recover_accept_and_the_shipper_reads_why(
    live_api: LiveApi, page: Page, width: int
) -> None:
    """Report, recover, accept; the shipper's page gives the plain sentence."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.set_viewport_size({"width": width, "height": 900})
    with live_api.client("coordinator") as client:
        job = wait_done(client, client.post("/v1/plans", json={"time_limit_s": 20}).json()["id"])
        assert client.post(f"/v1/plans/{job['id']}/accept").status_code == 200
    page.goto(f"{live_api.base_url}/disruptions?key={live_api.keys['coordinator']}")
    expect(page.locator("#nav a[data-page=disruptions]")).to_have_text("Disruptions")
    page.select_option("#kind", "service_cancelled")
    expect(page.locator("#vehicle_id")).to_be_hidden()
    page.fill("#service_id", FLIGHT)
    page.click("#report-button")
    expect(page.locator("#messages")).to_contain_text(f"{FLIGHT} cancelled")
    expect(page.locator("#messages")).to_contain_text("need a replan")
    row = page.locator("[data-testid=disruptions] tbody tr").first
    expect(row).to_contain_text(f"{FLIGHT} cancelled")
    row.locator("[data-testid=recover]").click()
    expect(page.locator("[data-testid=diff]")).to_be_visible(timeout=120_000)
    expect(page.locator("[data-testid=diff-counts]")).not_to_be_empty()
    changes = page.locator("[data-testid=diff] tbody tr")
    assert changes.count() >= 1
    for i in range(changes.count()):
        expect(changes.nth(i).locator("td").last).not_to_be_empty()  # every change says why
    assert not JUNK.search(page.locator("main").inner_text())
    page.click("#accept-button")
    expect(page.locator("#messages")).to_contain_text("Accepted")
    assert not JUNK.search(page.locator("main").inner_text())

    page.goto(f"{live_api.base_url}/track?shipment=SH00001&key={live_api.keys['shipper']}")
    sentence = page.locator("[data-testid=status-sentence]")
    expect(sentence).to_contain_text(FLIGHT)
    assert re.match(r"^(disrupted|delayed): ", sentence.inner_text())
    assert not JUNK.search(page.locator("main").inner_text())
    assert failed == [] and errors == []
