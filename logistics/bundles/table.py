"""Reading one CSV table of a bundle into rows that remember their line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from logistics.bundles.fields import FieldError
from logistics.bundles.header import header_ok
from logistics.errors import DomainError, Problem

Parser = Callable[[str], Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a bundle file: its name, parser, and default when the column is absent."""

    name: str
    parse: Parser
    required: bool = True
    default: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line number in the file and its cells by column name."""

    line: int
    cells: Mapping[str, str]


class ProblemLog:
    """Collects problems for one file so that every problem is reported, not only the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, column: str, reason: str) -> None:
        """Record a problem at a line and column."""
        self.problems.append(Problem(self.file, line, column, reason))


def read_rows(path: Path, columns: Sequence[Column], log: ProblemLog) -> list[Row]:
    """Read a CSV file; refuse non-UTF-8, empty files and missing required columns."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        log.add(1, "*", f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8")
        return []
    return rows_from_text(text, columns, log)


def rows_from_text(text: str, columns: Sequence[Column], log: ProblemLog) -> list[Row]:
    """Parse CSV text into rows (header = line 1)."""
    if not text.strip():
        log.add(1, "*", "the file is empty; it needs a header row")
        return []
    reader = csv.reader(io.StringIO(text))
    try:
        return _rows(reader, columns, log, text.splitlines()[0])
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit(): a problem, not a crash
        line = max(reader.line_num, 1)
        log.add(line, _column_of(text, line), f"cannot be read as CSV: {exc}")
        return []


def _column_of(text: str, line: int) -> str:
    """The header name of the longest field on a line (the one the csv module refused), or `*`."""
    lines = text.splitlines()
    if line > len(lines):
        return "*"
    header = next(csv.reader([lines[0]]), [])
    fields = lines[line - 1].split(",")
    longest = max(range(len(fields)), key=lambda i: len(fields[i]))
    return header[longest].strip() if line > 1 and longest < len(header) else "*"


def _rows(reader: Any, columns: Sequence[Column], log: ProblemLog, first_line: str) -> list[Row]:
    header = [h.strip() for h in next(reader)]
    if not header_ok(first_line, header, columns, log):
        return []
    rows: list[Row] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            log.add(line, "*", f"has {len(values)} fields but the header has {len(header)}")
            continue
        rows.append(Row(line, dict(zip(header, values, strict=True))))
    return rows


def parse_row(row: Row, columns: Iterable[Column], log: ProblemLog) -> tuple[dict[str, Any], bool]:
    """Parse every cell of a row, logging each bad cell; return the good values and whether all were."""
    values: dict[str, Any] = {}
    ok = True
    for column in columns:
        raw = row.cells.get(column.name)
        raw = column.default if raw is None else raw
        try:
            values[column.name] = column.parse(raw)
        except FieldError as exc:
            log.add(row.line, column.name, f"{column.name} {exc}")
            ok = False
    return values, ok


def build(row: Row, log: ProblemLog, factory: Callable[..., T], **values: Any) -> T | None:
    """Construct a domain value; an invariant it still breaks becomes a problem on that row."""
    try:
        return factory(**values)
    except DomainError as exc:
        log.add(row.line, "*", str(exc))
        return None


def check_unique(rows: Sequence[tuple[Row, str]], log: ProblemLog, column: str = "id") -> set[str]:
    """Log duplicate ids (naming the first line); return the ids seen more than once."""
    first: dict[str, int] = {}
    dupes: set[str] = set()
    for row, key in rows:
        if key in first:
            log.add(row.line, column, f"duplicate {column} {key!r} (first on line {first[key]})")
            dupes.add(key)
        else:
            first[key] = row.line
    return dupes
