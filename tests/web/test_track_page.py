"""Tracking pages in Chromium: a shipper tracks its own consignment only, and shares it publicly.

SQLite only (see tests/web/conftest.py); the served app is real (uvicorn on loopback).
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.api.conftest import LiveApi
from tests.web.scenario import ingest_first_leg, plan_and_accept


def sign_in(page: Page, base_url: str, key: str) -> None:
    """Sign in on the home page with an API key."""
    page.goto(f"{base_url}/")
    page.fill("#key", key)
    page.click("#signin-button")
    expect(page.locator("#welcome")).to_contain_text("Signed in as")


def test_shipper_tracks_its_consignment_and_cannot_open_another(
    live_api: LiveApi, page: Page, browser: Browser
) -> None:
    """Milestones, ETA against due and the route map for its own; 'not found' for another's."""
    plan_and_accept(live_api)
    milestones = ingest_first_leg(live_api, "SH00001")
    sign_in(page, live_api.base_url, live_api.keys["shipper"])
    expect(page.locator("#nav a[data-page]")).to_have_text(["Tracking"])
    page.click("#page-links a[href='/track']")

    listed = page.locator("[data-testid=shipment-list] tbody tr")
    expect(listed).to_have_count(3)  # SHP-FXZ owns SH00001, SH00002, SH00005
    expect(page.locator("[data-testid=shipment-list]")).not_to_contain_text("SH00003")
    page.click("[data-testid=shipment-list] a:text('SH00001')")

    expect(page.locator("[data-testid=status]")).to_have_text("DEPARTED")
    timeline = page.locator("[data-testid=timeline] li[data-milestone]")
    expect(timeline).to_have_count(len(milestones))
    expect(timeline.first).to_contain_text("(+08:00)")  # local time at the origin
    expect(page.locator("[data-testid=eta]")).to_have_text(re.compile(r"\(\+01:00\)$"))
    expect(page.locator("[data-testid=due]")).to_have_text("2026-12-02 18:00 (+01:00)")
    expect(page.locator("[data-testid=eta-badge]")).to_be_visible()
    expect(page.locator("[data-testid=legs] tbody tr")).not_to_have_count(0)
    route_map = page.locator("[data-testid=route-map]")
    expect(route_map.locator(".place-origin")).to_have_count(1)
    expect(route_map.locator(".place-destination")).to_have_count(1)
    expect(route_map.locator("[data-testid=current-position]")).to_have_count(1)
    assert route_map.locator("path").count() > 10  # country outlines around the route

    page.click("#share-button")
    share_url = page.locator("[data-testid=share-link]").get_attribute("href")
    assert share_url and share_url.startswith(f"{live_api.base_url}/s/")

    page.goto(f"{live_api.base_url}/track?shipment=SH00003")  # SHP-XUC's consignment
    expect(page.locator("#messages .error")).to_contain_text("Not found")
    expect(page.locator("#view")).to_be_hidden()
    page.goto(f"{live_api.base_url}/plans")
    expect(page.locator("#messages .error")).to_contain_text("may not open this page")

    anonymous = browser.new_context()
    try:
        public = anonymous.new_page()
        public.goto(share_url)
        expect(public.locator("[data-testid=status]")).to_have_text("DEPARTED")
        expect(public.locator("[data-testid=timeline] li")).to_have_count(len(milestones))
        expect(public.locator("[data-testid=route-map] .place-destination")).to_have_count(1)
        expect(public.locator("[data-testid=current-place]")).to_contain_text("Now near")
        text = public.locator("main").inner_text()
        assert "SHP-FXZ" not in text and "ZAEZ" not in text
    finally:
        anonymous.close()
