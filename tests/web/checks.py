"""What a user would notice on a page: placeholder words, times without offsets, overlapping
labels, console errors, and controls pushed out of a narrow screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import ConsoleMessage, Page

PLACEHOLDERS = re.compile(r"\b(null|undefined|NaN)\b")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
OFFSET_AFTER = re.compile(r"( \((UTC|[+-]\d{2}:\d{2})\)|Z|[+-]\d{2}:\d{2})")


def no_placeholders(text: str) -> list[str]:
    """Words a broken page shows: null, undefined, NaN (with their surroundings)."""
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in PLACEHOLDERS.finditer(text)]


def times_without_offset(text: str) -> list[str]:
    """Dates with a time of day that are not followed by their UTC offset or a UTC label."""
    bare = []
    for match in DATE_TIME.finditer(text):
        if not OFFSET_AFTER.match(text, match.end()):
            bare.append(text[max(0, match.start() - 20) : match.end() + 20])
    return bare


def overlapping(page: Page, selector: str, other: str | None = None) -> list[tuple[str, str]]:
    """Pairs of visible boxes that intersect: among `selector`, or between it and `other`."""
    boxes = page.eval_on_selector_all(
        f"{selector}{', ' + other if other else ''}",
        """(nodes, first) => nodes.map((n) => {
            const r = n.getBoundingClientRect();
            return {text: n.textContent || n.getAttribute('class') || n.tagName,
                    group: n.matches(first) ? 0 : 1,
                    x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
        }).filter((b) => b.x1 - b.x0 > 0 && b.y1 - b.y0 > 0)""",
        selector,
    )
    clashes = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if other and a["group"] == b["group"]:
                continue
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and (
                min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 0.5
            ):
                clashes.append((a["text"], b["text"]))
    return clashes


@contextmanager
def console_errors(page: Page) -> Iterator[list[str]]:
    """Collect console errors (failed loads such as a missing favicon included)."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", keep)
    try:
        yield errors
    finally:
        page.remove_listener("console", keep)


def inside_viewport(page: Page, selector: str) -> bool:
    """The element is visible and wholly within the viewport's width."""
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
