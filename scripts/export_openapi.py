"""Regenerate the checked-in OpenAPI snapshot: `python scripts/export_openapi.py [OUT]`.

tests/api/test_contract_api.py compares the served document with fixtures/api/openapi.json; after
an intended API change, run this and commit the new snapshot with the change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from api.app import create_app
from logistics.persistence.database import make_engine, make_session_factory

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "openapi.json"


def current_openapi() -> dict[str, Any]:
    """The document the app serves at /openapi.json (no database is opened to build it)."""
    app = create_app(session_factory=make_session_factory(make_engine("sqlite://")))
    return app.openapi()


def render(document: dict[str, Any]) -> str:
    """The snapshot's text: sorted keys, one-space indent, ASCII, newline at the end."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def main() -> None:
    """Write the snapshot."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    out.write_text(render(current_openapi()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
