"""The coordinator's inbox on /plans, on the demo's data: filters, replan, amend and cancel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.checks import console_errors, inside_viewport, no_placeholders, times_without_offset
from tests.web.demo_board import DemoBoard


def api(board: DemoBoard) -> httpx.Client:
    """The board's API as its coordinator."""
    return httpx.Client(
        base_url=board.base_url, headers={"Authorization": f"Bearer {board.key}"}, timeout=30
    )


def open_board(board: DemoBoard, page: Page) -> None:
    """Sign in on /plans and wait for the inbox."""
    page.goto(f"{board.base_url}/plans?key={board.key}")
    expect(page.locator("[data-testid=inbox-count]")).to_contain_text("shipment(s)", timeout=30_000)


@pytest.mark.parametrize("width", [1280, 390])
def test_inbox_lists_what_needs_attention_in_local_time(
    demo_board: DemoBoard, page: Page, width: int
) -> None:
    """Every open exception and every shipment needing a replan is listed, times with offsets."""
    page.set_viewport_size({"width": width, "height": 900})
    with api(demo_board) as client:
        open_items = client.get("/v1/exceptions", params={"limit": 1000}).json()["items"]
        replan = client.get("/v1/needs-replan", params={"limit": 1000}).json()["items"]
    assert open_items and replan, "the demo replay opens exceptions and breaks a connection"
    with console_errors(page) as errors:
        open_board(demo_board, page)
        rows = page.locator("[data-testid=inbox] tbody tr")
        listed = set(rows.evaluate_all("rows => rows.map(r => r.dataset.id)"))
        assert listed == {e["shipment_id"] for e in open_items} | {r["shipment_id"] for r in replan}
        flagged = page.locator("[data-testid=inbox] tr:has([data-testid=needs-replan])")
        expect(flagged).to_have_count(len(replan))
        text = page.inner_text("body")
        assert no_placeholders(text) == [] and times_without_offset(text) == []
        assert "open since" in text and ("(+08:00)" in text or "(+01:00)" in text)
        inbox = page.inner_text("#inbox-list")
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", inbox), "a machine time in the inbox"
        assert inside_viewport(page, "nav .who button")
    assert errors == []


def test_inbox_filters_by_reason_hub_mode_and_age(demo_board: DemoBoard, page: Page) -> None:
    """Each filter narrows the list to what the API says matches it."""
    with api(demo_board) as client:
        items = client.get("/v1/exceptions", params={"limit": 1000}).json()["items"]
    first = items[0]
    open_board(demo_board, page)
    rows = page.locator("[data-testid=inbox] tbody tr")

    def shown(reason: str = "", hub: str = "", mode: str = "", age: int = 0) -> set[str]:
        """Set the filters and read the rows once the list shows exactly those filters."""
        page.select_option("#f-reason", reason)
        page.select_option("#f-hub", hub)
        page.select_option("#f-mode", mode)
        page.select_option("#f-age", str(age))
        drawn = f"{reason}|{hub}|{mode}|{age}|false"
        expect(page.locator("#inbox-list")).to_have_attribute("data-shown", drawn)
        return set(rows.evaluate_all("rows => rows.map(r => r.dataset.id)"))

    assert shown(reason=first["reason"]) == {
        e["shipment_id"] for e in items if e["reason"] == first["reason"]
    }
    reasons = set(
        page.locator("[data-testid=inbox] .exception").evaluate_all(
            "nodes => nodes.map(n => n.dataset.reason)"
        )
    )
    assert reasons == {first["reason"]}
    if first["location"]:
        assert shown(hub=first["location"]) == {
            e["shipment_id"] for e in items if e["location"] == first["location"]
        }
    if first["mode"]:
        assert shown(mode=first["mode"]) == {
            e["shipment_id"] for e in items if e["mode"] == first["mode"]
        }
    three_days = {  # open for three days or more, by the browser's clock
        e["shipment_id"]
        for e in items
        if datetime.now(UTC) - datetime.fromisoformat(e["opened_at"]) >= timedelta(days=3)
    }
    assert shown(age=4320) == three_days
    if not three_days:
        expect(page.locator("[data-testid=inbox-empty]")).to_be_visible()
    assert len(shown()) >= len({e["shipment_id"] for e in items})


def test_selected_shipments_are_sent_to_a_replan(demo_board: DemoBoard, page: Page) -> None:
    """Ticking shipments and pressing Replan requests a plan of exactly those shipments."""
    open_board(demo_board, page)
    boxes = page.locator("[data-testid=inbox] tbody tr input[type=checkbox]")
    ids = page.locator("[data-testid=inbox] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"
    )[:2]
    for index in range(len(ids)):
        boxes.nth(index).check()
    expect(page.locator("#replan-selected")).to_have_text(f"Replan selected ({len(ids)})")
    page.click("#replan-selected")
    expect(page.locator("#messages .info")).to_contain_text(f"for {len(ids)} shipment(s)")
    expect(page.locator("[data-testid=job-status]")).to_be_visible()
    plan_id = page.url.split("plan=")[1]
    expect(page.locator("[data-testid=kpis] [data-kpi=shipments] .v")).to_have_text(
        str(len(ids)), timeout=120_000
    )
    with api(demo_board) as client:
        job = client.get(f"/v1/plans/{plan_id}").json()
    assert job["status"] == "done"
    assert sorted(s["id"] for s in job["plan"]["shipments"]) == sorted(ids)


def test_amend_and_cancel_from_the_page_are_recorded(demo_board: DemoBoard, page: Page) -> None:
    """The dialog amends a shipment (recorded by this key) and cancels another with a reason."""
    with api(demo_board) as client:
        stuck = client.get("/v1/needs-replan", params={"limit": 1000}).json()["items"]
        unbooked = [  # shipments the plan left out: no tracking, nothing delivered
            s["id"]
            for s in client.get(f"/v1/plans/{demo_board.plan_id}").json()["plan"]["shipments"]
            if s["status"] != "planned"
        ]
        target = client.get(f"/v1/shipments/{stuck[0]['shipment_id']}").json()
        doomed = client.get(f"/v1/shipments/{unbooked[0]}").json()
        me = client.get("/v1/me").json()["key_id"]
    open_board(demo_board, page)
    page.fill("#find-id", target["id"])
    page.click("#find-shipment button[data-action=amend]")
    dialog = page.locator("#shipment-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=pieces]").fill(str(target["pieces"] + 1))
    dialog.locator("input[name=reason]").fill("one more carton")
    dialog.locator("#dialog-submit").click()
    expect(page.locator("#messages .info")).to_contain_text(f"Shipment {target['id']} amended")
    page.fill("#find-id", doomed["id"])
    page.click("#find-shipment button[data-action=cancel]")
    dialog.locator("input[name=reason]").fill("order withdrawn")
    dialog.locator("#dialog-submit").click()
    expect(page.locator("#messages .info")).to_contain_text(f"Shipment {doomed['id']} cancelled")
    with api(demo_board) as client:
        amended = client.get(f"/v1/shipments/{target['id']}/changes").json()
        cancelled = client.get(f"/v1/shipments/{doomed['id']}/changes").json()
    assert [(c["kind"], c["changed_by"], c["reason"]) for c in amended] == [
        ("amended", me, "one more carton")
    ]
    assert amended[0]["after"] == {"pieces": target["pieces"] + 1}
    assert [(c["kind"], c["reason"]) for c in cancelled] == [("cancelled", "order withdrawn")]
    page.fill("#find-id", doomed["id"])
    page.click("#find-shipment button[data-action=cancel]")
    dialog.locator("input[name=reason]").fill("again")
    dialog.locator("#dialog-submit").click()
    expect(dialog.locator("#dialog-messages .error")).to_contain_text("was cancelled at")
