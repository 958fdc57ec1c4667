"""What a person must never meet on a page: null/undefined/NaN, overlapping labels, console
errors, and times without their offset. Shared by the page tests at desktop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import ConsoleMessage, Page

WIDTHS = {"desktop": 1280, "phone": 390}
JUNK = re.compile(r"\b(null|undefined|NaN)\b")
RAW_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CLOCK = re.compile(r"(?<![\d:+\-])(\d{2}:\d{2})(?![\d:])")
OFFSET_AFTER = re.compile(r"\d{2}:\d{2} \((UTC|[+-]\d{2}:\d{2})\)")
# Shown text of the elements a page lays out side by side (their boxes must not intersect).
OVERLAP_JS = """
(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length)
  .map((e) => { const r = e.getBoundingClientRect();
    return {text: e.textContent.trim(), x: r.x, y: r.y, w: r.width, h: r.height}; })
"""


def assert_readable_text(page: Page) -> str:
    """No null/undefined/NaN and no raw ISO time; every clock time carries its offset or UTC."""
    text = page.locator("main").inner_text()
    junk = JUNK.findall(text)
    assert not junk, f"page shows {junk}: {text[:2000]}"
    raw = [text[max(0, m.start() - 80) : m.end() + 20] for m in RAW_INSTANT.finditer(text)]
    assert not raw, f"raw ISO times on the page: {raw}"
    for match in CLOCK.finditer(text):
        shown = text[match.start() : match.start() + 20]
        assert OFFSET_AFTER.match(shown), f"time without its offset: {shown!r}"
    return text


def boxes(page: Page, selector: str) -> list[dict[str, float | str]]:
    """Bounding boxes (CSS pixels) and text of the visible elements matching `selector`."""
    found: list[dict[str, float | str]] = page.evaluate(OVERLAP_JS, selector)
    return found


def assert_no_overlap(page: Page, selector: str, minimum: int = 1) -> int:
    """At least `minimum` elements match, and no two of their boxes intersect."""
    found = boxes(page, selector)
    assert len(found) >= minimum, f"{selector}: {len(found)} shown, expected ≥ {minimum}"
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"] + 0.5  # type: ignore[operator]
                or b["x"] + b["w"] <= a["x"] + 0.5  # type: ignore[operator]
                or a["y"] + a["h"] <= b["y"] + 0.5  # type: ignore[operator]
                or b["y"] + b["h"] <= a["y"] + 0.5  # type: ignore[operator]
            )
            assert apart, f"{selector}: {a['text']!r} overlaps {b['text']!r} ({a}, {b})"
    return len(found)


def assert_fits_width(page: Page, selector: str) -> None:
    """The element does not run past the right edge of the viewport (no sideways page scroll)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    right = page.evaluate(
        "(s) => Math.max(...[...document.querySelectorAll(s)].map(e => e.getBoundingClientRect().right))",
        selector,
    )
    assert right <= width + 0.5, f"{selector} reaches {right} px on a {width} px screen"


@contextmanager
def console_errors(page: Page) -> Iterator[list[str]]:
    """Collect console errors; a test asserts the list is empty when it is done."""
    errors: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        url = (message.location or {}).get("url", "")
        # /favicon.ico is the browser's own request (a separate item of the issue), not the page's
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"{message.text} ({url})")

    page.on("console", seen)
    yield errors
    page.remove_listener("console", seen)
