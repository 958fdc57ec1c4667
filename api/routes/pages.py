"""The web pages: static HTML, JavaScript and CSS served by the app (no CDN, nothing fetched online).

The pages are clients of the JSON API: they sign in with an API key kept in the browser's
sessionStorage, ask `/v1/me` what the key's role may see, and call the same endpoints as any other
client. The public share page (`/s/{token}`) needs no key.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parents[1] / "web" / "static"
NO_CACHE = {"Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html", headers=NO_CACHE)


@router.get("/")
def home() -> FileResponse:
    """Sign-in with an API key, and links to the pages the key's role may open."""
    return _page("index.html")


@router.get("/track")
def track() -> FileResponse:
    """Shipment tracking for shippers and coordinators (`?shipment=ID` opens one)."""
    return _page("track.html")


@router.get("/plans")
def plans() -> FileResponse:
    """The coordinator's plan board."""
    return _page("plans.html")


@router.get("/disruptions")
def disruptions() -> FileResponse:
    """The coordinator's disruption desk: report, see what breaks, recover, accept."""
    return _page("disruptions.html")


@router.get("/reports")
def reports() -> FileResponse:
    """The analyst's reports: pick, filter, preview, download."""
    return _page("reports.html")


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The site icon (an SVG; browsers ask for /favicon.ico on every page)."""
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "max-age=86400"},
    )


@router.get("/s/{token}")
def shared(token: str) -> FileResponse:
    """The public tracking page of a share link (the page reads the token from its URL)."""
    return _page("share.html")


def install_pages(app: FastAPI) -> None:
    """Serve the pages and their assets (`/static/...`) from the package."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
