"""Reports page in Chromium: preview, percentages, sorting, the previous period (in the table and
on the charts), SVG charts, CSV.

SQLite only (see tests/web/conftest.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from logistics.persistence.database import session_scope
from logistics.persistence.repositories import booked_legs
from tests.api.conftest import LiveApi
from tests.booking import BOOKED, fixture_legs
from tests.web.page_checks import (
    WIDTHS,
    assert_fits_width,
    assert_no_overlap,
    assert_readable_text,
    console_errors,
)
from tests.web.scenario import plan_and_accept


def test_analyst_previews_and_downloads_a_report(
    live_api: LiveApi, page: Page, tmp_path: Path
) -> None:
    """The preview matches the API's JSON; the CSV download reads back equal with pandas."""
    plan_and_accept(live_api)
    page.goto(f"{live_api.base_url}/?key={live_api.keys['analyst']}")
    expect(page.locator("#nav a[data-page]")).to_have_text(["Reports"])
    page.click("#page-links a[href='/reports']")
    page.select_option("#report", "throughput")
    page.select_option("#granularity", "week")
    page.click("#preview-button")

    with live_api.client("analyst") as client:
        document = client.get(
            "/v1/reports/throughput", params={"format": "json", "granularity": "week"}
        ).json()
    rows = document["tables"]["throughput"]["rows"]
    assert rows, "the accepted plan should give throughput rows"
    expect(page.locator("[data-testid=report-table] tbody tr")).to_have_count(len(rows))
    chart = page.locator("[data-testid=chart]").first
    expect(chart).to_be_visible()
    assert chart.evaluate("svg => svg.tagName") == "svg"  # drawn in the browser

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename.startswith("throughput_throughput_")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    frame = pd.read_csv(target, dtype={"period": str})
    expected = pd.DataFrame(rows)[list(frame.columns)]  # throughput has no rate columns
    pd.testing.assert_frame_equal(  # the CSV rounds decimals to two places
        frame, expected, check_dtype=False, check_exact=False, rtol=0, atol=0.0051
    )

    page.goto(f"{live_api.base_url}/track")
    expect(page.locator("#messages .error")).to_contain_text("may not open this page")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_reports_read_right_at_desktop_and_phone(
    live_api: LiveApi, browser: Browser, width: int
) -> None:
    """Percentages, sortable columns, the previous period, SVG charts with hover values and
    labels that never overlap; nothing odd on the page and no console errors."""
    plan_and_accept(live_api)
    with live_api.client("analyst") as client:
        throughput = client.get("/v1/reports/throughput", params={"format": "json"}).json()
    days = sorted({row["period"] for row in throughput["tables"]["throughput"]["rows"]})
    assert days, "the accepted plan should give throughput rows"
    first = date.fromisoformat(days[0])
    start, end = first, first + timedelta(days=3)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        with console_errors(page) as errors:
            page.goto(f"{live_api.base_url}/reports?key={live_api.keys['analyst']}")
            page.select_option("#report", "utilization")
            page.select_option("#table", "lanes")
            page.fill("#from", start.isoformat())
            page.fill("#to", end.isoformat())
            page.click("#preview-button")
            table = page.locator("[data-testid=report-table]")
            expect(table).to_be_visible()
            header = table.locator("th[data-column=load_factor_kg]")
            expect(header).to_have_text("load_factor_kg (%)")
            cells = table.locator("tbody tr td:nth-child(10)")  # load_factor_kg
            for shown in cells.all_inner_texts():
                assert re.match(r"^(\d{1,3}\.\d %)?(\n.*)?$", shown), shown
            header.click()
            values = [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]
            assert values == sorted(values, reverse=True) and values
            expect(header).to_have_attribute("aria-sort", "descending")
            header.click()
            expect(header).to_have_attribute("aria-sort", "ascending")
            values = [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]
            assert values == sorted(values)
            before = start - (end - start)
            expect(page.locator("[data-testid=compare]")).to_contain_text(
                f"Compared with {before.isoformat()} to {start.isoformat()}"
            )
            expect(table.locator("[data-testid=delta]").first).to_be_visible()

            charts = page.locator("[data-testid=charts] svg[data-testid=chart]")
            expect(charts).to_have_count(2)
            bar = charts.first.locator("rect.hit").first
            bar.hover()
            tip = page.locator("[data-testid=chart-tip]").first
            expect(tip).to_be_visible()
            expect(tip).to_have_text(re.compile(r"^.+: \d{1,3}\.\d %$"))
            ticks = charts.first.locator(".tick-label")
            expect(ticks.first).to_have_text("0 %")  # rates: from 0, in percent
            for index in range(charts.count()):  # each bar's change beside its value
                chart = charts.nth(index)
                deltas = chart.locator("[data-testid=chart-delta]")
                expect(deltas).to_have_count(chart.locator("rect.hit").count())
                for shown in deltas.all_text_contents():
                    assert re.fullmatch(r"new|[▲▼=] [+−]\d+\.\d pts", shown), shown
            expect(page.locator("[data-testid=chart-compare]").first).to_have_text(
                re.compile(rf"changes against {before.isoformat()} to {start.isoformat()}")
            )
            for index in range(charts.count()):
                scope = f"[data-testid=charts] .chart-box:nth-child({index + 1}) svg"
                assert_no_overlap(page, f"{scope} .bar-label", 1)
                assert_no_overlap(page, f"{scope} .tick-label", 2)
                assert_no_overlap(page, f"{scope} .value-label", 1)
                assert_fits_width(page, scope)
            assert_readable_text(page)

            page.select_option("#report", "throughput")
            page.select_option("#granularity", "day")
            page.fill("#from", "")
            page.fill("#to", "")
            page.click("#preview-button")
            line = page.locator("[data-testid=charts] svg.lines")
            expect(line).to_have_count(1)
            points = {
                c.split(": ")[0].split(" · ")[1]
                for c in line.locator("circle.hit").evaluate_all("cs => cs.map(c => c.dataset.tip)")
            }
            assert points == set(days)
            ticks = line.locator(".axis line")
            assert ticks.count() == len(days)  # one tick per day of daily data
            expect(line.locator(".axis text").first).to_have_text("0")  # y from 0
            assert_no_overlap(page, "[data-testid=charts] svg.lines .tick-label", 1)
            expect(page.locator("[data-testid=compare]")).to_contain_text("Set From and To")
            assert_readable_text(page)
        assert errors == []
    finally:
        context.close()


def _book_over_two_days(session_factory: sessionmaker[Session]) -> None:
    """Book the fixture legs (truck, flight, truck: main mode air) for SH00001 on 29 November and
    for SH00002 and SH00005 a day later, and the first truck alone (road) for SH00003 that day."""
    legs = BOOKED["legs"]
    plans = {
        "SH00001": (legs, 0),
        "SH00002": (legs, 1),
        "SH00005": (legs, 1),
        "SH00003": (legs[:1], 1),
    }
    with session_scope(session_factory) as session:
        for shipment_id, (chosen, days) in plans.items():
            rows = fixture_legs(shipment_id, chosen, timedelta(days=days))
            booked_legs.replace_for_shipment(session, shipment_id, "plan-web", rows)


def _totals(document: dict[str, Any]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for row in document["tables"]["throughput"]["rows"]:
        totals[row["mode"]] = totals.get(row["mode"], 0.0) + (row["chargeable_kg"] or 0.0)
    return totals


def test_line_chart_shows_each_series_change_against_the_previous_period(
    live_api: LiveApi, session_factory: sessionmaker[Session], page: Page
) -> None:
    """Throughput per day, 30 November against the 29th: each mode's total on the chart with its
    change, arrow and percentage as the API's two documents give them (road is new)."""
    _book_over_two_days(session_factory)
    first, start, end = date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)
    with live_api.client("analyst") as client:
        documents = [
            client.get(
                "/v1/reports/throughput",
                params={"format": "json", "granularity": "day", "from": a, "to": b},
            ).json()
            for a, b in ((start.isoformat(), end.isoformat()), (first.isoformat(), start))
        ]
    now, before = _totals(documents[0]), _totals(documents[1])
    assert set(now) == {"air", "road"} and set(before) == {"air"}, (now, before)
    assert now["air"] > before["air"]
    page.goto(f"{live_api.base_url}/reports?key={live_api.keys['analyst']}")
    page.select_option("#report", "throughput")
    page.select_option("#granularity", "day")
    page.fill("#from", start.isoformat())
    page.fill("#to", end.isoformat())
    page.click("#preview-button")
    box = page.locator("[data-testid=charts] .chart-box").first
    items = box.locator("[data-testid=chart-deltas] li")
    expect(items).to_have_count(2)
    air = box.locator("[data-testid=chart-deltas] li[data-series=air]").inner_text()
    change = (now["air"] - before["air"]) / before["air"] * 100
    assert air.startswith("air total ") and " ▲ +" in air, air
    assert air.endswith(f" (+{change:.1f} %)"), (air, now, before)
    road = box.locator("[data-testid=chart-deltas] li[data-series=road]")
    expect(road).to_have_text(re.compile(r"^road total [\d,.]+ kg new$"))
    expect(box.locator("[data-testid=chart-compare]")).to_have_text(
        "▲ ▼ changes against 2026-11-29 to 2026-11-30, the same number of days just before"
    )
    bars = page.locator("[data-testid=charts] .chart-box").nth(1)  # mode split: kg per mode
    expect(bars.locator("[data-testid=chart-delta]")).to_have_count(2)
    bar_air = bars.locator("text.value-label", has_text=re.compile(r"▲ \+"))
    expect(bar_air).to_have_count(1)
    expect(bar_air.locator("[data-testid=chart-delta]")).to_have_class("chart-delta up")
    assert_no_overlap(page, "[data-testid=charts] .chart-box:nth-child(2) svg .value-label", 1)
    assert_fits_width(page, "[data-testid=charts] .chart-box:nth-child(2) svg")
    assert_readable_text(page)
