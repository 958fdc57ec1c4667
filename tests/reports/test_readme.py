"""README documents every report, every column, the command and the endpoints."""

from __future__ import annotations

from pathlib import Path

from logistics.reports.catalog import REPORTS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_defines_every_column() -> None:
    """Each report and each of its columns appears in the README's Reports section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Reports") :]
    section = section[: section.index("\n## ", 1)]
    for spec in REPORTS.values():
        assert f"**`{spec.name}`**" in section
        for table in spec.tables:
            for column in table.columns:
                assert f"| `{column.name}` | {column.kind.value} | {column.definition}" in section
    assert "`logistics report NAME" in text and "GET /v1/reports/{name}" in text
