"""Read and validate a scenario bundle (DESIGN 3.1): all or nothing, every problem listed."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.bundles import columns as cols
from logistics.bundles.fields import FieldError, number
from logistics.bundles.table import (
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
from logistics.errors import DomainError, Problem, ValidationFailed

REQUIRED_FILES = ("locations.csv", "services.csv", "vehicles.csv", "shipments.csv")
OPTIONAL_FILES = ("distances.csv",)


def _known(
    log: ProblemLog, row: Row, column: str, value: str | None, known: Collection[str]
) -> bool:
    if value is None:
        return False
    if value in known:
        return True
    log.add(row.line, column, f"unknown location {value!r}; add it to locations.csv or fix the id")
    return False


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
        except (ZoneInfoNotFoundError, ValueError):
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


def _services(rows: list[Row], log: ProblemLog, known: Collection[str]) -> list[Service]:
    out: list[Service] = []
    dupes = check_unique([(r, r.cells.get("id", "").strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.SERVICES, log)
        ok = _known(log, row, "origin", v.get("origin"), known) and ok
        ok = _known(log, row, "destination", v.get("destination"), known) and ok
        if "arrival" in v and "departure" in v and v["arrival"] <= v["departure"]:
            log.add(row.line, "arrival", "arrival is not after departure")
            ok = False
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


def _vehicles(rows: list[Row], log: ProblemLog, known: Collection[str]) -> list[Vehicle]:
    out: list[Vehicle] = []
    dupes = check_unique([(r, r.cells.get("id", "").strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.VEHICLES, log)
        ok = _known(log, row, "depot", v.get("depot"), known) and ok
        if (
            "available_until" in v
            and "available_from" in v
            and v["available_until"] <= v["available_from"]
        ):
            log.add(row.line, "available_until", "available_until is not after available_from")
            ok = False
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


def _shipments(rows: list[Row], log: ProblemLog, known: Collection[str]) -> list[Shipment]:
    out: list[Shipment] = []
    dupes = check_unique([(r, str(r.cells.get("id", "")).strip()) for r in rows], log)
    for row in rows:
        v, ok = parse_row(row, cols.SHIPMENTS, log)
        ok = _known(log, row, "origin", v.get("origin"), known) and ok
        ok = _known(log, row, "destination", v.get("destination"), known) and ok
        if "due_at" in v and "ready_at" in v and v["due_at"] <= v["ready_at"]:
            log.add(row.line, "due_at", "due_at is not after ready_at")
            ok = False
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


def _road_links(rows: list[Row], log: ProblemLog, known: Collection[str]) -> list[RoadLink]:
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


def read_bundle(path: Path) -> Scenario:
    """Read the bundle folder at `path`; raise ValidationFailed listing every problem."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_dir():
        raise ValidationFailed(
            [Problem(str(path), 0, "*", "is not a folder")], summary="bundle refused"
        )
    for name in REQUIRED_FILES:
        if not (path / name).is_file():
            problems.append(Problem(name, 0, "*", f"required file {name} is missing from {path}"))
    if problems:
        raise ValidationFailed(problems, summary="bundle refused")

    logs = {name: ProblemLog(name) for name in (*REQUIRED_FILES, *OPTIONAL_FILES)}
    loc_rows = read_rows(path / "locations.csv", cols.LOCATIONS, logs["locations.csv"])
    locations = _locations(loc_rows, logs["locations.csv"])
    known = {loc.id for loc in locations} | {r.cells.get("id", "").strip() for r in loc_rows}
    services = _services(
        read_rows(path / "services.csv", cols.SERVICES, logs["services.csv"]),
        logs["services.csv"],
        known,
    )
    vehicles = _vehicles(
        read_rows(path / "vehicles.csv", cols.VEHICLES, logs["vehicles.csv"]),
        logs["vehicles.csv"],
        known,
    )
    shipments = _shipments(
        read_rows(path / "shipments.csv", cols.SHIPMENTS, logs["shipments.csv"]),
        logs["shipments.csv"],
        known,
    )
    links: list[RoadLink] = []
    if (path / "distances.csv").is_file():
        log = logs["distances.csv"]
        links = _road_links(read_rows(path / "distances.csv", cols.DISTANCES, log), log, known)
    for log in logs.values():
        problems.extend(log.problems)
    if problems:
        raise ValidationFailed(problems, summary=f"bundle {path} refused")
    try:
        return Scenario(
            tuple(locations), tuple(services), tuple(vehicles), tuple(shipments), tuple(links)
        )
    except DomainError as exc:  # a cross-record invariant the row checks did not catch
        raise ValidationFailed(
            [Problem(str(path), 0, "*", str(exc))], summary="bundle refused"
        ) from exc


def parse_shipment_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    known_locations: Collection[str],
    source: str = "shipments",
    first_line: int = 2,
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
    shipments = _shipments(table, log, known_locations)
    return shipments, log.problems
