"""Tracking pages in Chromium: a shipper's list, one consignment, notifications, and sharing.

SQLite only (see tests/web/conftest.py); the served app is real (uvicorn on loopback).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.api.test_fsu_split_api import REST, SPLIT
from tests.booking import book_minimal
from tests.web.page_checks import (
    WIDTHS,
    assert_fits_width,
    assert_no_overlap,
    assert_readable_text,
    console_errors,
)
from tests.web.scenario import book_and_miss, ingest_first_leg, plan_and_accept


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
    expect(page.locator("#list-title")).to_have_text("Your consignments (SHP-FXZ)")
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
        expect(public.locator("[data-testid=current-place]")).to_contain_text("(+08:00)")
        text = public.locator("main").inner_text()
        assert "SHP-FXZ" not in text and "ZAEZ" not in text
    finally:
        anonymous.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_tracking_reads_right_at_desktop_and_phone(
    live_api: LiveApi, session_factory: sessionmaker[Session], browser: Browser, width: int
) -> None:
    """A missed connection: the list, status line, banner and map read cleanly at any width."""
    book_and_miss(live_api, session_factory)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        with console_errors(page) as errors:
            page.goto(f"{live_api.base_url}/track?key={live_api.keys['shipper']}")
            rows = page.locator("[data-testid=shipment-list] tbody tr")
            expect(rows).to_have_count(3)
            expect(page.locator("[data-testid=list-count]")).to_have_text(
                "3 of 3 consignments · 2 late or at risk"
            )
            page.fill("#list-search", "sh00002")
            expect(rows).to_have_count(1)
            page.fill("#list-search", "")
            page.check("#list-late")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("MISSED_CONNECTION")
            expect(rows.first).to_contain_text("ETA unknown · needs a replan")
            page.uncheck("#list-late")
            page.select_option("#list-status", "ARRIVED")  # their truck reached CGO
            expect(rows).to_have_count(2)
            page.select_option("#list-status", "not started")
            expect(rows).to_have_count(1)  # SH00005 is not booked
            page.select_option("#list-status", "")

            page.click("[data-testid=shipment-list] a:text('SH00001')")
            expect(page.locator("[data-testid=status-line]")).to_contain_text(
                "No arrival estimate yet: it will miss its connection at CGO"
            )
            banner = page.locator("[data-testid=missed-connection]")
            expect(banner).to_have_text(  # the hub's local times, as everywhere on the page
                re.compile(
                    r"expected at CGO 2026-11-29 \d\d:\d\d \(\+08:00\), \d+ min after the "
                    r"cutoff 2026-11-29 \d\d:\d\d \(\+08:00\) of CV9751-20261130"
                )
            )
            expect(page.locator("[data-testid=exceptions] tbody tr")).to_have_count(1)
            expect(page.locator("[data-testid=exceptions] tbody td").nth(1)).to_have_text(
                re.compile(r"^2026-11-\d\d \d\d:\d\d \(\+08:00\)$")
            )
            labels = page.locator("[data-testid=route-map] [data-testid=map-label]")
            expect(labels).to_have_count(4)  # FXZ by CGO, LUX by LUXC: close pairs laid out apart
            text = assert_readable_text(page)
            assert "null" not in text
            assert_no_overlap(page, "[data-testid=route-map] [data-testid=map-label] text", 4)
            assert_fits_width(page, "[data-testid=route-map]")
            font = labels.first.locator("text").evaluate("t => t.getBoundingClientRect().height")
            assert font >= 11, f"map labels {font} px high: unreadable"
        assert errors == []
    finally:
        context.close()


def test_coordinator_sees_every_consignment_titled_for_a_coordinator(
    live_api: LiveApi, session_factory: sessionmaker[Session], page: Page
) -> None:
    """All five consignments with their shipper, under a coordinator's title."""
    book_and_miss(live_api, session_factory)
    page.goto(f"{live_api.base_url}/track?key={live_api.keys['coordinator']}")
    expect(page.locator("[data-testid=shipment-list] tbody tr")).to_have_count(5)
    expect(page.locator("#list-title")).to_have_text("All consignments")
    expect(page.locator("[data-testid=shipment-list] thead")).to_contain_text("shipper")
    unbooked = page.locator("[data-testid=shipment-list] tr[data-id=SH00003]")
    expect(unbooked).to_contain_text("ETA unknown · not started")
    assert_readable_text(page)


def test_shipper_manages_notifications_on_the_page(live_api: LiveApi, page: Page) -> None:
    """Create a webhook (secret shown once), see it listed, delete it; the API agrees."""
    page.goto(f"{live_api.base_url}/track?key={live_api.keys['shipper']}")
    expect(page.locator("[data-testid=no-webhooks]")).to_be_visible()
    page.fill("#webhook-url", "https://hooks.example.com/tracking")
    page.select_option("#webhook-kind", "exception.opened")
    page.select_option("#webhook-scope", "SH00001")
    page.click("#webhook-create")
    secret = page.locator("[data-testid=webhook-secret]")
    expect(secret).not_to_be_empty()
    listed = page.locator("[data-testid=webhooks] tbody tr[data-webhook]")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("exceptions opened · SH00001")
    with live_api.client("shipper") as client:
        subs = client.get("/v1/webhooks").json()["items"]
    assert [(s["url"], s["kinds"], s["shipment_ids"]) for s in subs] == [
        ("https://hooks.example.com/tracking", ["exception.opened"], ["SH00001"])
    ]
    listed.locator("button:text('Deliveries')").click()
    expect(page.locator("td.deliveries")).to_contain_text("Nothing sent yet.")

    page.fill("#webhook-url", "ftp://nowhere")
    page.click("#webhook-create")  # the browser refuses nothing here: the API explains
    expect(page.locator("#webhook-secret .error")).to_contain_text("http")

    page.once("dialog", lambda dialog: dialog.accept())
    listed.locator("[data-action=delete]").click()
    expect(page.locator("[data-testid=no-webhooks]")).to_be_visible()
    with live_api.client("shipper") as client:
        assert client.get("/v1/webhooks").json()["items"] == []


@pytest.fixture
def cv9751_in_the_air() -> Iterator[None]:
    """The clock while CV9751 flies (the FSU split fixtures' moment); set before the server."""
    with frozen_now("2026-11-30T03:00:00+00:00"):
        yield


def test_status_line_names_the_part_of_the_pieces_a_split_status_is_about(
    cv9751_in_the_air: None,
    live_api: LiveApi,
    session_factory: sessionmaker[Session],
    page: Page,
) -> None:
    """A split FSU (DEP, 5 of 10 pieces on CV9751): the shipper's /track status line says which
    part departed, in the words of the tracking view's sentence (as the share page does); once
    all 10 departed, it does not."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        awb = {"kind": "awb", "value": "160-12345675"}
        assert client.post("/v1/shipments/SH00001/references", json=awb).status_code == 201
    with live_api.client("feed") as client:
        assert client.post("/v1/feeds/fsu", content=SPLIT).status_code == 200
    line = page.locator("[data-testid=status-line]")
    with console_errors(page) as errors:
        page.goto(f"{live_api.base_url}/track?key={live_api.keys['shipper']}&shipment=SH00001")
        expect(page.locator("[data-testid=status]")).to_have_text("DEPARTED")
        expect(line).to_have_text(
            re.compile(r"^Your consignment is on its way \(.+\) — 5 of 10 pieces\. ")
        )
        expect(page.locator("[data-testid=status-sentence]")).to_contain_text(
            "(departed, 5 of 10 pieces)"
        )
        with live_api.client("feed") as client:
            assert client.post("/v1/feeds/fsu", content=REST).status_code == 200
        page.reload()
        expect(page.locator("[data-testid=status-sentence]")).to_contain_text("(departed)")
        expect(line).to_have_text(re.compile(r"^Your consignment is on its way \(.+\)\. "))
        expect(line).not_to_contain_text("pieces")
    assert errors == []
