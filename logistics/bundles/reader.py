"""Read and validate a scenario bundle (DESIGN 3.1): all or nothing, every problem listed."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.bundles import columns as cols
from logistics.bundles.fields import FieldError, number
from logistics.bundles.table import (
    Column,
    ProblemLog,
    Row,
    build,
    check_unique,
    parse_row,
    read_rows,
)
from logistics.domain import (
    Location,
    LocationKind,
    Mode,
    RoadLink,
    Scenario,
    Service,
    Shipment,
    Vehicle,
)
from logistics.domain.tags import closest
from logistics.errors import DomainError, Problem, ValidationFailed

REQUIRED_FILES = ("locations.csv", "services.csv", "vehicles.csv", "shipments.csv")
OPTIONAL_FILES = ("distances.csv",)


FILE_HINT = "add it to locations.csv or fix the id"
STORED_HINT = "it is neither in locations.csv nor stored in the database; add it or fix the id"


@dataclass(frozen=True, slots=True)
class Known:
    """The location ids references may name (None: unknown, so references are not checked)."""

    ids: Collection[str] | None
    hint: str = FILE_HINT


def _known(log: ProblemLog, row: Row, column: str, value: str | None, known: Known) -> bool:
    if value is None:
        return False
    if known.ids is None or value in known.ids:
        return True
    guess = closest(value, known.ids) if len(known.ids) <= 5000 else None
    maybe = f" (did you mean {guess!r}?)" if guess else ""
    log.add(row.line, column, f"unknown location {value!r}{maybe}; {known.hint}")
    return False


def _not_after(log: ProblemLog, row: Row, v: dict[str, Any], late: str, early: str) -> bool:
    """Log `late` not after `early` (with both values); True when the order is right."""
    if late in v and early in v and v[late] <= v[early]:
        log.add(
            row.line,
            late,
            f"{late} {v[late].isoformat()} is not after {early} {v[early].isoformat()}",
        )
        return False
    return True


def _locations(rows: list[Row], log: ProblemLog) -> list[Location]:
    out: list[Location] = []
    check_unique([(r, r.cells.get("id", "").strip()) for r in rows], log)
    seen: set[str] = set()
    for row in rows:
        v, ok = parse_row(row, cols.LOCATIONS, log)
        if not ok or v["id"] in seen:
            continue
        try:
            ZoneInfo(v["timezone"])
        except (ZoneInfoNotFoundError, ValueError, OSError):
            log.add(
                row.line,
                "timezone",
                f"unknown time zone {v['timezone']!r}; use an IANA name like Asia/Shanghai",
            )
            continue
        loc = build(
            row,
            log,
            Location,
            **{**v, "kind": LocationKind(v["kind"])},
        )
        if loc is not None:
            seen.add(loc.id)
            out.append(loc)
    return out


def _services(rows: list[Row], log: ProblemLog, known: Known) -> list[Service]:
    out: list[Service] = []
    dupes = check_unique([(r, r.cells.get("id", "").strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.SERVICES, log)
        ok = _known(log, row, "origin", v.get("origin"), known) and ok
        ok = _known(log, row, "destination", v.get("destination"), known) and ok
        ok = _not_after(log, row, v, "arrival", "departure") and ok
        if not ok or v["id"] in dupes:
            continue
        svc = build(
            row,
            log,
            Service,
            **{**v, "mode": Mode(v["mode"])},
        )
        if svc is not None:
            out.append(svc)
    return out


def _vehicles(rows: list[Row], log: ProblemLog, known: Known) -> list[Vehicle]:
    out: list[Vehicle] = []
    dupes = check_unique([(r, r.cells.get("id", "").strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.VEHICLES, log)
        ok = _known(log, row, "depot", v.get("depot"), known) and ok
        ok = _not_after(log, row, v, "available_until", "available_from") and ok
        if not ok or v["id"] in dupes:
            continue
        veh = build(
            row,
            log,
            Vehicle,
            **v,
        )
        if veh is not None:
            out.append(veh)
    return out


def _shipments(rows: list[Row], log: ProblemLog, known: Known) -> list[Shipment]:
    out: list[Shipment] = []
    dupes = check_unique([(r, str(r.cells.get("id", "")).strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.SHIPMENTS, log)
        ok = _known(log, row, "origin", v.get("origin"), known) and ok
        ok = _known(log, row, "destination", v.get("destination"), known) and ok
        ok = _not_after(log, row, v, "due_at", "ready_at") and ok
        if "origin" in v and v.get("origin") == v.get("destination"):
            log.add(row.line, "destination", "destination is the same as origin")
            ok = False
        if not ok or v["id"] in dupes:
            continue
        sh = build(
            row,
            log,
            Shipment,
            **v,
        )
        if sh is not None:
            out.append(sh)
    return out


def _road_links(rows: list[Row], log: ProblemLog, known: Known) -> list[RoadLink]:
    out: list[RoadLink] = []
    pairs = [
        (r, f"{r.cells.get('origin', '').strip()}->{r.cells.get('destination', '').strip()}")
        for r in rows
    ]
    dupes = check_unique(pairs, log, column="origin")
    for row, pair in pairs:
        v, ok = parse_row(row, cols.DISTANCES, log)
        ok = _known(log, row, "origin", v.get("origin"), known) and ok
        ok = _known(log, row, "destination", v.get("destination"), known) and ok
        duration = None
        if v["duration_minutes"]:
            try:
                duration = number(v["duration_minutes"])
                if duration < 0:
                    raise FieldError("must not be negative")
            except FieldError as exc:
                log.add(row.line, "duration_minutes", f"duration_minutes {exc}")
                ok = False
        if not ok or pair in dupes:
            continue
        link = build(
            row,
            log,
            RoadLink,
            **{**v, "duration_minutes": duration},
        )
        if link is not None:
            out.append(link)
    return out


def validate_bundle(path: Path) -> list[Problem]:
    """Every problem of the bundle at `path` (empty when it is valid)."""
    try:
        read_bundle(path)
    except ValidationFailed as exc:
        return exc.problems
    return []


@dataclass(frozen=True, slots=True)
class PartialBundle:
    """A folder holding some of the bundle files, read against the stored locations."""

    scenario: Scenario  # its records, with the stored locations they refer to
    files: tuple[str, ...]  # the bundle files the folder holds


def read_bundle(path: Path) -> Scenario:
    """Read the bundle folder at `path`; raise ValidationFailed listing every problem."""
    return _read(Path(path), None).scenario


def read_partial_bundle(path: Path, stored: Mapping[str, Location]) -> PartialBundle:
    """Read a folder holding any of the bundle files, references checked against `stored` too."""
    return _read(Path(path), stored)


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {name: n for n, name in enumerate((*REQUIRED_FILES, *OPTIONAL_FILES))}
    return sorted(problems, key=lambda p: (order.get(p.file, -1), p.file, p.line))


def _present(path: Path, stored: Mapping[str, Location] | None) -> tuple[str, ...]:
    if not path.is_dir():
        raise ValidationFailed(
            [Problem(str(path), 0, "*", "is not a folder")], summary="bundle refused"
        )
    files = tuple(n for n in (*REQUIRED_FILES, *OPTIONAL_FILES) if (path / n).is_file())
    if stored is None:
        problems = [
            Problem(name, 0, "*", f"required file {name} is missing from {path}")
            for name in REQUIRED_FILES
            if name not in files
        ]
    elif not files:
        problems = [
            Problem(
                str(path), 0, "*", f"holds none of {', '.join((*REQUIRED_FILES, *OPTIONAL_FILES))}"
            )
        ]
    else:
        problems = []
    if problems:
        raise ValidationFailed(problems, summary="bundle refused")
    return files


def _read(path: Path, stored: Mapping[str, Location] | None) -> PartialBundle:
    files = _present(path, stored)
    logs = {name: ProblemLog(name) for name in (*REQUIRED_FILES, *OPTIONAL_FILES)}

    def rows(name: str, columns: Sequence[Column]) -> list[Row]:
        return read_rows(path / name, columns, logs[name]) if name in files else []

    loc_rows = rows("locations.csv", cols.LOCATIONS)
    locations = _locations(loc_rows, logs["locations.csv"])
    in_file = {loc.id for loc in locations} | {r.cells.get("id", "").strip() for r in loc_rows}
    unreadable = "locations.csv" in files and any(
        p.line <= 1 for p in logs["locations.csv"].problems
    )
    if unreadable:  # its ids are unknown: other files' references would only cascade
        known = Known(None)
    elif stored is None:
        known = Known(in_file)
    else:
        known = Known(in_file | set(stored), STORED_HINT)
    services = _services(rows("services.csv", cols.SERVICES), logs["services.csv"], known)
    vehicles = _vehicles(rows("vehicles.csv", cols.VEHICLES), logs["vehicles.csv"], known)
    shipments = _shipments(rows("shipments.csv", cols.SHIPMENTS), logs["shipments.csv"], known)
    links = _road_links(rows("distances.csv", cols.DISTANCES), logs["distances.csv"], known)
    problems = _sorted([p for log in logs.values() for p in log.problems])
    if problems:
        raise ValidationFailed(problems, summary=f"bundle {path} refused")
    named = {s.origin for s in services} | {s.destination for s in services}
    named |= {v.depot for v in vehicles} | {s.origin for s in shipments}
    named |= {s.destination for s in shipments} | {x.origin for x in links}
    named |= {x.destination for x in links}
    borrowed = [stored[i] for i in sorted(named - in_file)] if stored is not None else []
    try:
        scenario = Scenario(
            (*locations, *borrowed),
            tuple(services),
            tuple(vehicles),
            tuple(shipments),
            tuple(links),
        )
    except DomainError as exc:  # a cross-record invariant the row checks did not catch
        raise ValidationFailed(
            [Problem(str(path), 0, "*", str(exc))], summary="bundle refused"
        ) from exc
    return PartialBundle(scenario, files)


def parse_shipment_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    known_locations: Collection[str],
    source: str = "shipments",
    first_line: int = 2,
    location_hint: str = FILE_HINT,
) -> tuple[list[Shipment], list[Problem]]:
    """Validate shipment rows given as dicts keyed by the shipments.csv columns.

    By default line numbers count as in a CSV file (the first row is line 2, after the header);
    pass `first_line=1` to number the items of a JSON batch from 1.
    """
    log = ProblemLog(source)
    table = [
        Row(n + first_line, {k: "" if v is None else str(v) for k, v in row.items()})
        for n, row in enumerate(rows)
    ]
    missing = [c.name for c in cols.SHIPMENTS if c.required]
    for row in table:
        for name in missing:
            if name not in row.cells:
                log.add(row.line, name, f"{name} is missing")
    if log.problems:
        return [], log.problems
    shipments = _shipments(table, log, Known(known_locations, location_hint))
    return shipments, _sorted(log.problems)


def parse_location_rows(
    rows: Sequence[Mapping[str, object]], *, source: str = "locations", first_line: int = 2
) -> tuple[list[Location], list[Problem]]:
    """Validate location rows given as dicts keyed by the locations.csv columns."""
    log = ProblemLog(source)
    table = [
        Row(n + first_line, {k: "" if v is None else str(v) for k, v in row.items()})
        for n, row in enumerate(rows)
    ]
    for row in table:
        for column in cols.LOCATIONS:
            if column.required and column.name not in row.cells:
                log.add(row.line, column.name, f"{column.name} is missing")
    if log.problems:
        return [], log.problems
    return _locations(table, log), _sorted(log.problems)
