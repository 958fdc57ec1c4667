"""Browser tests: the pages served by the app on loopback, driven in headless Chromium.

They run on SQLite only (the pages are clients of the JSON API, whose dialect coverage is in
tests/api). One browser is started for the session; each test gets a fresh context (no shared
sessionStorage). Without /usr/bin/chromium they fail under CI (CI set) and skip otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.api.conftest import live_api, minimal_clock  # noqa: F401  (served app, its clock)
from tests.web.browser import CHROMIUM_ARGS, require_chromium
from tests.web.demo_board import demo_board  # noqa: F401  (the demo's data, served per module)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Browser tests use a fresh SQLite file (overrides the dialect-parametrised fixture); a
    copy of the session's migrated one when the test uses `engine`, as tests/conftest.py does."""
    path = tmp_path / "web.db"
    if "engine" in request.fixturenames:
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium for the whole session."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (cookies, sessionStorage) with downloads allowed."""
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page whose JavaScript errors fail the test."""
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    assert errors == [], f"JavaScript errors on the page: {errors}"
