"""The public page of a share link in Chromium: a plain status line, why there is no ETA, pieces,
reference and last update, what the status and the ETA rest on, and a map whose long place names
never pile up, at any width."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from tests.api.conftest import LiveApi, frozen_now
from tests.api.test_fsu_split_api import REST, SPLIT
from tests.api.test_public_evidence_api import LAST_TRUCK_ESTIMATE, PICKED_UP
from tests.booking import book_minimal
from tests.web.page_checks import (
    WIDTHS,
    assert_fits_width,
    assert_no_overlap,
    assert_readable_text,
    console_errors,
)
from tests.web.scenario import book_and_miss


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_public_page_explains_itself_at_desktop_and_phone(
    live_api: LiveApi, session_factory: sessionmaker[Session], browser: Browser, width: int
) -> None:
    """A consignee without a key reads where it is, why no ETA, and the route's names apart."""
    book_and_miss(live_api, session_factory)
    with live_api.client("coordinator") as client:
        linked = client.post(
            "/v1/shipments/SH00001/references", json={"kind": "booking", "value": "BKG-7731"}
        )
        assert linked.status_code == 201, linked.text
    with live_api.client("shipper") as client:
        url = client.post("/v1/shipments/SH00001/share").json()["url"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        with console_errors(page) as errors:
            page.goto(url)
            expect(page.locator("[data-testid=status]")).to_have_text("ARRIVED")
            expect(page.locator("[data-testid=status-line]")).to_have_text(
                re.compile(
                    r"^Your consignment has arrived at a stop on its route \(Zhengzhou .*\)\. "
                    r"No arrival estimate yet: it will miss its planned connection at Zhengzhou"
                )
            )
            expect(page.locator("[data-testid=eta]")).to_have_text("not known yet")
            expect(page.locator("[data-testid=eta-unknown-reason]")).to_contain_text(
                "a new ETA follows when it is rebooked"
            )
            expect(page.locator("[data-testid=pieces]")).to_have_text(re.compile(r"^\d+$"))
            expect(page.locator("[data-testid=reference]")).to_have_text("booking BKG-7731")
            expect(page.locator("[data-testid=last-update]")).to_have_text(
                "2026-11-29 21:30 (+08:00)"  # the truck's arrival at CGO, 13:30 UTC
            )
            expect(page.locator("[data-testid=status-basis]")).to_have_text(
                "ARRIVED at Zhengzhou Xinzheng International Airport cargo terminal, "
                "2026-11-29 21:30 (+08:00) · from telematics · inferred from its truck: "
                "the consignment is booked on it, but has not been reported on it itself"
            )
            expect(page.locator("[data-testid=eta-basis]")).to_have_count(0)  # no ETA
            expect(page.locator("#notices")).to_be_attached()  # the slot for disruption news
            labels = page.locator("[data-testid=route-map] [data-testid=map-label]")
            expect(labels).to_have_count(4)
            assert_readable_text(page)
            assert_no_overlap(page, "[data-testid=route-map] [data-testid=map-label] text", 4)
            assert_fits_width(page, "[data-testid=route-map]")
            assert_fits_width(page, "main .card")
            longest = max(len(t) for t in labels.locator("tspan").all_text_contents())
            assert longest <= 26, "long place names wrap onto a second line"
            text = page.locator("main").inner_text()
            assert "SHP-FXZ" not in text and "ZAEZ-V42" not in text  # no shipper, no truck
        assert errors == []
    finally:
        context.close()


def test_public_page_says_what_status_and_eta_rest_on(
    live_api: LiveApi, session_factory: sessionmaker[Session], browser: Browser
) -> None:
    """Picked up (its own report) with an estimate reported for the last truck: a phone-width
    visitor reads the report behind the status and that the ETA is the haulier's estimate."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("feed") as client:
        for batch in (PICKED_UP, LAST_TRUCK_ESTIMATE):
            assert client.post("/v1/events", json=batch).json()["accepted"] == 1
    with live_api.client("shipper") as client:
        url = client.post("/v1/shipments/SH00001/share").json()["url"]
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 900})
    try:
        page = context.new_page()
        with console_errors(page) as errors:
            page.goto(url)
            expect(page.locator("[data-testid=eta]")).to_have_text("2026-11-30 13:40 (+01:00)")
            expect(page.locator("[data-testid=status-basis]")).to_have_text(
                "PICKED_UP at Electronics plant in the airport zone, 2026-11-29 10:35 (+08:00) · "
                "from driver · reported for this consignment itself"
            )
            expect(page.locator("[data-evidence=own] [data-testid=status-basis]")).to_have_count(1)
            expect(page.locator("[data-testid=eta-basis]")).to_have_text(
                re.compile(
                    r"^Reported estimate: the estimated arrival reported for the truck of its "
                    r"last leg \(from haulier, received \d{4}-\d\d-\d\d \d\d:\d\d \(\+01:00\)\)$"
                )
            )
            assert_fits_width(page, "main .card")
            assert_readable_text(page)
            text = page.locator("main").inner_text()
            for private in ("SHP-FXZ", "LUXD-T96", "EST-LAST", "PU-1"):
                assert private not in text, private
        assert errors == []
    finally:
        context.close()


@pytest.fixture
def cv9751_in_the_air() -> Iterator[None]:
    """The clock while CV9751 flies (the FSU split fixtures' moment); set before the server."""
    with frozen_now("2026-11-30T03:00:00+00:00"):
        yield


def test_public_status_line_names_the_part_of_the_pieces_a_split_status_is_about(
    cv9751_in_the_air: None,
    live_api: LiveApi,
    session_factory: sessionmaker[Session],
    browser: Browser,
) -> None:
    """A split FSU (DEP, 5 of 10 pieces on CV9751): the share page's status line says which part
    departed, in the words of the tracking view's sentence; once all 10 departed, it does not."""
    with session_scope(session_factory) as session:
        book_minimal(session)
    with live_api.client("coordinator") as client:
        awb = {"kind": "awb", "value": "160-12345675"}
        assert client.post("/v1/shipments/SH00001/references", json=awb).status_code == 201
        url = client.post("/v1/shipments/SH00001/share").json()["url"]
    with live_api.client("feed") as client:
        assert client.post("/v1/feeds/fsu", content=SPLIT).status_code == 200
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 900})
    try:
        page = context.new_page()
        with console_errors(page) as errors:
            page.goto(url)
            expect(page.locator("[data-testid=status]")).to_have_text("DEPARTED")
            expect(page.locator("[data-testid=status-line]")).to_have_text(
                re.compile(r"^Your consignment is on its way \(.+\) — 5 of 10 pieces\. ")
            )
            with live_api.client("feed") as client:
                assert client.post("/v1/feeds/fsu", content=REST).status_code == 200
            page.reload()
            expect(page.locator("[data-testid=status-line]")).to_have_text(
                re.compile(r"^Your consignment is on its way \(.+\)\. Expected ")
            )
            expect(page.locator("[data-testid=status-line]")).not_to_contain_text("pieces")
        assert errors == []
    finally:
        context.close()
