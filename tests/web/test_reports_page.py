"""Reports page in Chromium: an analyst previews a report and downloads a CSV that pandas reads back.

SQLite only (see tests/web/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

from tests.api.conftest import LiveApi
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
    chart = page.locator("[data-testid=chart]")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")

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
