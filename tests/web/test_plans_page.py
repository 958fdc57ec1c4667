"""Plan board in Chromium: a coordinator requests a plan, watches it finish, inspects and accepts it.

SQLite only (see tests/web/conftest.py); the plan runs in the app's worker processes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.api.conftest import LiveApi
from tests.web.checks import (
    console_errors,
    inside_viewport,
    no_placeholders,
    overlapping,
    times_without_offset,
)
from tests.web.demo_board import DemoBoard


def test_coordinator_requests_inspects_and_accepts_a_plan(live_api: LiveApi, page: Page) -> None:
    """KPIs, load bars, the Gantt chart and the shipment table appear; accepting books the plan."""
    page.goto(f"{live_api.base_url}/plans?key={live_api.keys['coordinator']}")
    assert "key=" not in page.url  # the sign-in link's key leaves the address bar
    expect(page.locator("#nav a[data-page]")).to_have_text(
        ["Tracking", "Plan board", "Disruptions", "Reports"]
    )
    page.select_option("#objective", "cheapest")
    page.fill("#time-limit", "10")  # a loaded machine routes the trucks too late at 3 s
    page.click("#request-button")
    expect(page.locator("[data-testid=job-status]")).to_contain_text("plan")

    kpis = page.locator("[data-testid=kpis]")
    expect(kpis.locator("[data-kpi=shipments] .v")).to_have_text("5", timeout=90_000)
    plan_id = page.url.split("plan=")[1]
    with live_api.client("coordinator") as client:
        document = client.get(f"/v1/plans/{plan_id}").json()["plan"]
    assert document["objective"] == "cheapest"
    expect(kpis.locator("[data-kpi=planned] .v")).to_have_text(str(document["kpis"]["planned"]))
    expect(page.locator("[data-testid=load-bars] .load-row")).to_have_count(
        len(document["services"])
    )
    expect(page.locator("[data-testid=gantt] .vehicle-row").first).to_be_visible()
    drawn: dict[str, int] = {}  # the Gantt chart shows one day of departures at a time
    day_buttons = page.locator("#gantt button[data-day]")
    for index in range(max(1, day_buttons.count())):
        if day_buttons.count():
            day_buttons.nth(index).click()
        for row in page.locator("[data-testid=gantt] .vehicle-row").all():
            drawn[row.get_attribute("data-vehicle") or ""] = row.locator("rect.stop").count()
    assert drawn == {v["id"]: len(v["stops"]) for v in document["vehicles"]}
    rows = page.locator("[data-testid=plan-shipments] tbody tr")
    expect(rows).to_have_count(5)
    explained = [s for s in document["shipments"] if s.get("alternative")]
    if explained:
        row = page.locator(f"[data-testid=plan-shipments] tr[data-id={explained[0]['id']}]")
        expect(row).to_contain_text("Best rejected")

    page.click("#accept-button")
    expect(page.locator("#messages .info")).to_contain_text(
        f"{document['kpis']['planned']} shipment(s) booked"
    )
    expect(page.locator("[data-testid=accepted]")).to_be_visible()
    expect(page.locator("#accept-button")).to_be_disabled()
    with live_api.client("coordinator") as client:
        assert client.get(f"/v1/plans/{plan_id}").json()["accepted_at"] is not None
    expect(page.locator("[data-testid=inbox-empty]")).to_be_visible()


def board_reads_cleanly(page: Page) -> None:
    """No placeholder words, every date-time with its offset, no label over another."""
    text = page.inner_text("body")
    assert no_placeholders(text) == []
    assert times_without_offset(text) == []
    assert overlapping(page, "[data-testid=load-bars] text") == []
    assert overlapping(page, "[data-testid=load-bars] text.bar-label", "rect.track") == []
    assert overlapping(page, "[data-testid=gantt] text") == []


@pytest.mark.parametrize("width", [1280, 390])
def test_demo_plan_board_reads_cleanly(demo_board: DemoBoard, page: Page, width: int) -> None:
    """The demo's accepted plan on /plans, at desktop width and on a phone: every Gantt day."""
    page.set_viewport_size({"width": width, "height": 900})
    with console_errors(page) as errors:
        page.goto(f"{demo_board.base_url}/plans?plan={demo_board.plan_id}&key={demo_board.key}")
        expect(page.locator("[data-testid=accepted]")).to_be_visible(timeout=30_000)
        expect(page.locator("[data-testid=load-bars] .load-row").first).to_be_visible()
        expect(page.locator("[data-testid=inbox-count]")).to_contain_text("shipment(s)")
        assert page.locator("nav .who button").inner_text() == "Sign out"
        assert inside_viewport(page, "nav .who button")
        tabs = page.locator("#gantt button[data-day]")
        assert tabs.count() >= 2  # a week of shifts: one tab per local day at the depots
        for index in range(tabs.count()):
            tabs.nth(index).click()
            day = tabs.nth(index).get_attribute("data-day") or ""
            zone = day.split(" ")[1]  # "2026-11-30 UTC+08:00": the depots' day and zone
            caption = page.locator("[data-testid=gantt] .axis-caption")
            expect(caption).to_have_text(f"times: local time at the depots ({zone})")
            starts = page.eval_on_selector_all(
                "[data-testid=gantt] .vehicle-row", "rows => rows.map(r => r.dataset.vehicle)"
            )
            assert starts, day
            board_reads_cleanly(page)
    assert errors == []
