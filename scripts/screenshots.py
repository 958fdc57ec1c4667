"""Screenshots of the web pages on the demo data, for README: docs/screenshots/*.png.

    .venv/bin/python scripts/screenshots.py [--time-limit 20]

Runs `logistics demo --no-serve` on a temporary SQLite database (the Zhengzhou reference week,
planned, accepted and replayed), serves it with `logistics serve` on a free loopback port, and
drives Debian's Chromium (/usr/bin/chromium, headless, through Playwright) over the tracking
page (as the shipper of the demo's delayed shipment), the public share page (with what its status
and ETA rest on), the plan board (a plan requested on the page) and the reports page (throughput
per day, the later days against the earlier ones: the charts show the changes). Nothing leaves
the machine: the server listens on 127.0.0.1 and Chromium runs without background networking.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
LOGISTICS = Path(sys.executable).parent / "logistics"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_logistics(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run the CLI; return its standard output (fail loudly on an error)."""
    done = subprocess.run(
        [str(LOGISTICS), *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"logistics {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    """Wait until the served API answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("logistics serve exited")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def featured_shipment(base: str, key: str, suggested: str | None) -> str:
    """The consignment to show: the demo's own pick when something was reported for it by the
    simulated clock, else one in transit with an open exception, else one running late, else any
    with a report (so the tracking and share pages have a story to tell)."""
    answer = httpx.get(
        f"{base}/v1/tracking/shipments",
        params={"limit": 1000},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    answer.raise_for_status()
    items = answer.json()["items"]
    moving = [i for i in items if i["status"] and not i["delivered_at"]]
    ranked = (
        [i for i in moving if i["id"] == suggested],
        [i for i in moving if i["open_exceptions"]],
        [i for i in moving if (i["minutes_late"] or 0) > 0],
        moving,
        [i for i in items if i["status"]],
    )
    for candidates in ranked:
        if candidates:
            return str(candidates[0]["id"])
    return suggested or str(items[0]["id"])


def shoot_tracking(page: Page, base: str, key: str, shipment: str) -> str:
    """The tracking page of one consignment as its shipper; returns its share link."""
    page.goto(f"{base}/track?shipment={shipment}&key={key}")
    expect(page.locator("[data-testid=route-map] .place-destination")).to_have_count(1)
    page.click("#share-button")
    link = page.locator("[data-testid=share-link]").get_attribute("href") or ""
    # the consignment, its legs, exceptions and share link, and the list's first rows
    height = min(2000, int(page.evaluate("document.documentElement.scrollHeight")))
    page.screenshot(
        path=str(OUT / "track.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": height},
    )
    return link


def shoot_plans(page: Page, base: str, key: str, time_limit: float) -> None:
    """The plan board with a plan requested on the page and finished."""
    page.goto(f"{base}/plans?key={key}")
    page.fill("#time-limit", str(int(time_limit)))
    page.click("#request-button")
    expect(page.locator("[data-testid=kpis] [data-kpi=planned] .v")).to_be_visible(
        timeout=int((time_limit + 120) * 1000)
    )
    expect(page.locator("[data-testid=load-bars]")).to_be_visible()
    page.screenshot(path=str(OUT / "plans.png"), full_page=True)


def compared_days(base: str, key: str) -> tuple[str, str]:
    """From and To of the later half of the demo's planned days: its previous period of the same
    length is the earlier half, so the reports page has changes to show."""
    answer = httpx.get(
        f"{base}/v1/reports/throughput",
        params={"format": "json", "granularity": "day"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    answer.raise_for_status()
    days = sorted({row["period"] for row in answer.json()["tables"]["throughput"]["rows"]})
    if len(days) < 2:
        raise SystemExit(f"the demo plan covers {len(days)} day(s): nothing to compare")
    first, middle = date.fromisoformat(days[0]), date.fromisoformat(days[len(days) // 2])
    return middle.isoformat(), (middle + (middle - first)).isoformat()


def shoot_reports(page: Page, base: str, key: str) -> None:
    """The reports page: throughput per day for the later days, compared with the earlier ones."""
    start, end = compared_days(base, key)
    page.goto(f"{base}/reports?key={key}")
    page.select_option("#report", "throughput")
    page.select_option("#granularity", "day")
    page.fill("#from", start)
    page.fill("#to", end)
    page.fill("#as_of", "2026-12-31")
    page.click("#preview-button")
    expect(page.locator("[data-testid=chart-deltas]").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(OUT / "reports.png"), full_page=True)


def main() -> int:
    """Prepare the demo data, serve it, take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per plan")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="logistics-shots-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, LOGISTICS_DATABASE_URL=f"sqlite:///{work / 'demo.db'}")
        print("preparing the demo data (logistics demo --no-serve) ...", file=sys.stderr)
        out = run_logistics(
            ["demo", "--no-serve", "--time-limit", str(options.time_limit)], env, work
        )
        keys = dict(re.findall(r"^\s+(coordinator|analyst)\s+(lgk_\S+)", out, re.MULTILINE))
        # the demo world's one clock: the server must run at it too, or the replayed week is
        # still in its future and the pages show nothing reported
        clock = re.search(r"^Simulated clock:\s+(\S+)", out, re.MULTILINE)
        if clock is None:
            raise SystemExit("logistics demo printed no simulated clock")
        env["LOGISTICS_NOW"] = clock.group(1)
        featured = re.search(r"/track\?shipment=([^&\s]+)&", out)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(LOGISTICS), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(base, server)
            headers = {"Authorization": f"Bearer {keys['coordinator']}"}
            shipment = featured_shipment(
                base, keys["coordinator"], featured.group(1) if featured else None
            )
            owner = httpx.get(f"{base}/v1/shipments/{shipment}", headers=headers).json()
            shipper_key = run_logistics(
                ["keys", "create", "--role", "shipper", "--shipper", owner["shipper"]], env, work
            ).strip()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.clock.set_fixed_time(clock.group(1))  # "checked … ago" at the demo's time
                share_link = shoot_tracking(page, base, shipper_key, shipment)
                public = browser.new_page(viewport={"width": 1280, "height": 900})
                public.clock.set_fixed_time(clock.group(1))
                public.goto(share_link)
                expect(public.locator("[data-testid=route-map]")).to_be_visible()
                expect(public.locator("[data-testid=status-basis]")).to_be_visible()
                public.screenshot(path=str(OUT / "share.png"), full_page=True)
                shoot_reports(page, base, keys["analyst"])
                shoot_plans(page, base, keys["coordinator"], options.time_limit)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name in ("track", "share", "plans", "reports"):
        print(f"wrote {OUT / (name + '.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
