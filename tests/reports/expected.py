"""Every report figure recomputed in plain Python from the fixture files (independent of the code)."""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from logistics.tracking.versions import base_id, split_version
from tests.reports.history import AS_OF, FACTORS, rows

F = {"air": 166.67, "rail": 333.33, "road": 333.33}
Key = tuple[Any, ...]


def utc(text: str) -> datetime | None:
    """Aware UTC datetime of an ISO text, None for empty."""
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def km(a: dict[str, str], b: dict[str, str]) -> float:
    """Great-circle km (haversine, R = 6371.0088)."""
    p1, p2 = math.radians(float(a["lat"])), math.radians(float(b["lat"]))
    dl = math.radians(float(b["lon"]) - float(a["lon"]))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@dataclass
class Criteria:
    """A report filter, applied the way the README defines it for shipment-level reports."""

    start: datetime | None = None
    end: datetime | None = None
    hub: str | None = None
    mode: str | None = None
    lane: str | None = None
    shipper: str | None = None
    carrier: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def in_period(self, at: datetime) -> bool:
        """start <= at < end."""
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)


class History:
    """The fixture rows, indexed."""

    def __init__(self) -> None:
        self.shipments = {r["id"]: r for r in rows("shipments")}
        self.services = {r["id"]: r for r in rows("services")}
        self.vehicles = {r["id"]: r for r in rows("vehicles")}
        self.locations = {r["id"]: r for r in rows("locations")}
        self.links = {
            (r["origin"], r["destination"]): float(r["distance_km"]) for r in rows("distances")
        }
        self.legs: dict[str, list[dict[str, str]]] = defaultdict(list)
        for leg in rows("booked_legs"):
            self.legs[leg["shipment_id"]].append(leg)
        for legs in self.legs.values():
            legs.sort(key=lambda g: int(g["leg_index"]))
        self.events = rows("events")
        self.effective = _effective(self.events)
        self.states = {r["shipment_id"]: r for r in rows("tracking_state")}
        self.exceptions = rows("exceptions")
        self.factors = {r["factor_id"]: r for r in rows_of(FACTORS)}

    def profile(self, sid: str) -> dict[str, str]:
        """Main mode, lane and carrier of a booked shipment."""
        legs = self.legs[sid]
        haul = [g for g in legs if g["mode"] != "road"] or legs
        modes = {g["mode"] for g in legs}
        mode = "air" if "air" in modes else "rail" if "rail" in modes else "road"
        start = haul[0]
        carrier = (
            self.services[start["service_id"]]["carrier"]
            if start["service_id"]
            else self.vehicles[start["vehicle_id"]]["carrier"]
        )
        return {
            "mode": mode,
            "lane": f"{start['from_location']}-{haul[-1]['to_location']}",
            "carrier": carrier,
        }

    def selected(self, sid: str, c: Criteria) -> bool:
        """Hub, main mode, lane, shipper and carrier criteria of a shipment."""
        p = self.profile(sid)
        hubs = {g["from_location"] for g in self.legs[sid]} | {
            g["to_location"] for g in self.legs[sid]
        }
        return (
            (c.hub is None or c.hub in hubs)
            and (c.mode is None or p["mode"] == c.mode)
            and (c.lane is None or p["lane"] == c.lane)
            and (c.shipper is None or self.shipments[sid]["shipper"] == c.shipper)
            and (c.carrier is None or p["carrier"] == c.carrier)
        )


def rows_of(path: Any) -> list[dict[str, str]]:
    """Rows of any CSV file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def throughput(h: History, c: Criteria) -> dict[Key, dict[str, float]]:
    """(day, mode, lane) -> shipments, pieces, weight_kg, chargeable_kg."""
    out: dict[Key, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sid, legs in h.legs.items():
        first = utc(legs[0]["planned_depart"])
        assert first is not None
        if not (h.selected(sid, c) and c.in_period(first)):
            continue
        s, p = h.shipments[sid], h.profile(sid)
        w, v = float(s["weight_kg"]), float(s["volume_m3"])
        acc = out[(first.date().isoformat(), p["mode"], p["lane"])]
        acc["shipments"] += 1
        acc["pieces"] += int(s["pieces"])
        acc["weight_kg"] += w
        acc["chargeable_kg"] += max(w, v * F[p["mode"]])
    return out


def deliveries(h: History, c: Criteria) -> list[dict[str, Any]]:
    """Per delivered booked shipment: keys, basis and lateness in minutes."""
    out = []
    for sid, legs in h.legs.items():
        actual = utc(h.states.get(sid, {}).get("delivered_at", ""))
        delivered = actual or utc(legs[-1]["planned_arrive"])
        assert delivered is not None
        if delivered > AS_OF or not (h.selected(sid, c) and c.in_period(delivered)):
            continue
        due = utc(h.shipments[sid]["due_at"])
        assert due is not None
        late = (delivered - due).total_seconds() / 60
        out.append(
            {
                **h.profile(sid),
                "shipper": h.shipments[sid]["shipper"],
                "period": delivered.date().isoformat(),
                "actual": actual is not None,
                "late": max(0.0, late),
                "on_time": late <= 0,
            }
        )
    return out


def on_time(h: History, c: Criteria, key: str) -> dict[Key, dict[str, float]]:
    """key value -> delivered, delivered_actual, on_time, rate, mean and p95 lateness."""
    groups: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for d in deliveries(h, c):
        groups[(d[key],)].append(d)
    return {
        k: {
            "delivered": len(ds),
            "delivered_actual": sum(d["actual"] for d in ds),
            "delivered_planned": sum(not d["actual"] for d in ds),
            "on_time": sum(d["on_time"] for d in ds),
            "on_time_rate": sum(d["on_time"] for d in ds) / len(ds),
            "late_mean_min": sum(d["late"] for d in ds) / len(ds),
            "late_p95_min": quantile([d["late"] for d in ds], 0.95),
        }
        for k, ds in groups.items()
    }


def _effective(events: list[dict[str, str]]) -> list[dict[str, str]]:
    """Events neither retracted nor superseded by a later version of the same source event."""
    latest: dict[tuple[str, str], str] = {}
    upto: dict[str, str] = {}
    for e in events:
        split = split_version(e["event_id"])
        if e["retracts"]:  # a retraction reaches the versions up to its own (all without one)
            reach = split[1] if split else "~"
            upto[e["retracts"]] = max(upto.get(e["retracts"], ""), reach)
        elif split:
            key = (e["source"], split[0])
            latest[key] = max(latest.get(key, ""), e["event_id"])
    kept = []
    for e in events:
        split, base = split_version(e["event_id"]), base_id(e["event_id"])
        if e["retracts"] or e["event_id"] in upto:
            continue
        if latest.get((e["source"], base), e["event_id"]) != e["event_id"]:
            continue  # a later version of this event supersedes it (DCSA 3.0)
        if base in upto and not (split and split[1] > upto[base]):
            continue  # a 3.0 retraction names its eventID
        kept.append(e)
    return kept


def _actual(
    h: History, leg: dict[str, str], location: str, milestones: set[str]
) -> datetime | None:
    usable = [
        e
        for e in h.effective
        if e["time_type"] == "ACTUAL" and e["milestone"] in milestones and e["location"] == location
    ]
    for subject in ("shipment_id", "service_id", "vehicle_id"):
        if not leg[subject]:
            continue
        times = [utc(e["event_time"]) for e in usable if e[subject] == leg[subject]]
        found = [t for t in times if t is not None]
        if found:
            return min(found)
    return None


def hub_dwell(h: History, c: Criteria) -> dict[Key, dict[str, float]]:
    """(hub, direction) -> stops, stops_actual, p50, p95, max, mean (hours); plus direction all."""
    groups: dict[Key, list[tuple[float, bool]]] = defaultdict(list)
    for sid, legs in h.legs.items():
        for a, b in itertools.pairwise(legs):
            hub = a["to_location"]
            arr = _actual(h, a, hub, {"ARRIVED", "DELIVERED"})
            dep = _actual(h, b, hub, {"DEPARTED"})
            arrived = arr or utc(a["planned_arrive"])
            departed = dep or utc(b["planned_depart"])
            assert arrived is not None and departed is not None
            if (c.hub and hub != c.hub) or not c.in_period(arrived):
                continue
            if not h.selected(
                sid, Criteria(mode=c.mode, lane=c.lane, shipper=c.shipper, carrier=c.carrier)
            ):
                continue
            road_in, road_out = a["mode"] == "road", b["mode"] == "road"
            direction = (
                "inbound"
                if (not road_in and road_out)
                else "outbound"
                if (road_in and not road_out)
                else "transfer"
            )
            value = (
                (departed - arrived).total_seconds() / 3600,
                arr is not None and dep is not None,
            )
            groups[(hub, direction)].append(value)
            groups[(hub, "all")].append(value)
    return {
        k: {
            "stops": len(v),
            "stops_actual": sum(a for _, a in v),
            "p50_h": quantile([x for x, _ in v], 0.5),
            "p95_h": quantile([x for x, _ in v], 0.95),
            "max_h": max(x for x, _ in v),
            "mean_h": sum(x for x, _ in v) / len(v),
        }
        for k, v in groups.items()
    }


def service_loads(h: History, c: Criteria) -> dict[Key, dict[str, float]]:
    """(service_id,) -> shipments, booked kg and m3, capacity, load factors."""
    out = {}
    for sid, s in h.services.items():
        departure = utc(s["departure"])
        assert departure is not None
        lane = f"{s['origin']}-{s['destination']}"
        if not c.in_period(departure) or (c.hub and c.hub not in (s["origin"], s["destination"])):
            continue
        if (
            (c.mode and s["mode"] != c.mode)
            or (c.lane and lane != c.lane)
            or (c.carrier and s["carrier"] != c.carrier)
        ):
            continue
        booked = [
            h.shipments[g["shipment_id"]]
            for legs in h.legs.values()
            for g in legs
            if g["service_id"] == sid
            and (c.shipper is None or h.shipments[g["shipment_id"]]["shipper"] == c.shipper)
        ]
        kg, m3 = (
            sum(float(b["weight_kg"]) for b in booked),
            sum(float(b["volume_m3"]) for b in booked),
        )
        out[(sid,)] = {
            "shipments": len(booked),
            "booked_kg": kg,
            "booked_m3": m3,
            "capacity_kg": float(s["capacity_kg"]),
            "load_factor_kg": kg / float(s["capacity_kg"]),
            "load_factor_m3": m3 / float(s["capacity_m3"]),
            "lane": lane,
            "mode": s["mode"],
        }
    return out


def truck_loads(h: History, c: Criteria) -> dict[Key, dict[str, float]]:
    """(vehicle_id,) -> legs, shipments, carried kg, peak kg and m3 on board, hours used."""
    out = {}
    for vid, v in h.vehicles.items():
        start = utc(v["available_from"])
        assert start is not None
        if (
            not c.in_period(start)
            or (c.hub and v["depot"] != c.hub)
            or (c.carrier and v["carrier"] != c.carrier)
        ):
            continue
        legs = [g for gs in h.legs.values() for g in gs if g["vehicle_id"] == vid]
        legs = [
            g
            for g in legs
            if c.shipper is None or h.shipments[g["shipment_id"]]["shipper"] == c.shipper
        ]

        def on_board(t: datetime, what: str, legs: list[dict[str, str]] = legs) -> float:
            return sum(
                float(h.shipments[g["shipment_id"]][what])
                for g in legs
                if utc(g["planned_depart"]) <= t < utc(g["planned_arrive"])  # type: ignore[operator]
            )

        departs = [utc(g["planned_depart"]) for g in legs]
        arrives = [utc(g["planned_arrive"]) for g in legs]
        out[(vid,)] = {
            "legs": len(legs),
            "shipments": len({g["shipment_id"] for g in legs}),
            "carried_kg": sum(float(h.shipments[g["shipment_id"]]["weight_kg"]) for g in legs),
            "peak_kg": max((on_board(t, "weight_kg") for t in departs if t), default=0.0),
            "peak_m3": max((on_board(t, "volume_m3") for t in departs if t), default=0.0),
            "used_hours": (
                max(a for a in arrives if a) - min(d for d in departs if d)
            ).total_seconds()
            / 3600
            if legs
            else 0.0,
            "shift_hours": (utc(v["available_until"]) - start).total_seconds() / 3600,  # type: ignore[operator]
        }
    return out


def _distance(h: History, mode: str, a: str, b: str) -> float:
    if mode == "air":
        return km(h.locations[a], h.locations[b]) + 95
    return h.links.get((a, b), km(h.locations[a], h.locations[b]) * 1.3)


def _factor(h: History, leg: dict[str, str], distance: float) -> str:
    if leg["service_id"]:
        s = h.services[leg["service_id"]]
        if s["emission_class"]:
            return s["emission_class"]
        if s["mode"] == "air":
            return "air_freighter_short" if distance < 1500 else "air_freighter_long"
        return "rail_cn_eu" if s["mode"] == "rail" else "truck_heavy"
    v = h.vehicles[leg["vehicle_id"]]
    if v["emission_class"]:
        return v["emission_class"]
    cap = float(v["capacity_kg"])
    return "truck_light" if cap <= 3500 else "truck_medium" if cap <= 18000 else "truck_heavy"


def emissions(
    h: History, c: Criteria
) -> tuple[dict[Key, dict[str, Any]], dict[Key, dict[str, float]]]:
    """(mode, lane, shipper) -> legs, tonne_km, co2e_kg, intensity, factor ids; and per factor."""
    by_lane: dict[Key, dict[str, Any]] = defaultdict(
        lambda: {"legs": 0, "tonne_km": 0.0, "co2e_kg": 0.0, "ids": set()}
    )
    by_factor: dict[Key, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sid, legs in h.legs.items():
        if not h.selected(sid, Criteria(hub=c.hub, lane=c.lane, shipper=c.shipper)):
            continue
        for leg in legs:
            depart = utc(leg["planned_depart"])
            assert depart is not None
            carrier = (
                h.services[leg["service_id"]]
                if leg["service_id"]
                else h.vehicles[leg["vehicle_id"]]
            )["carrier"]
            if (
                not c.in_period(depart)
                or (c.mode and leg["mode"] != c.mode)
                or (c.carrier and carrier != c.carrier)
            ):
                continue
            d = _distance(h, leg["mode"], leg["from_location"], leg["to_location"])
            fid = _factor(h, leg, d)
            tkm = d * float(h.shipments[sid]["weight_kg"]) / 1000
            co2 = tkm * float(h.factors[fid]["g_per_tkm"]) / 1000
            acc = by_lane[(leg["mode"], h.profile(sid)["lane"], h.shipments[sid]["shipper"])]
            acc["legs"] += 1
            acc["tonne_km"] += tkm
            acc["co2e_kg"] += co2
            acc["ids"].add(fid)
            f = by_factor[(fid,)]
            f["legs"] += 1
            f["tonne_km"] += tkm
            f["co2e_kg"] += co2
            f["g_per_tkm"] = float(h.factors[fid]["g_per_tkm"])
    lanes = {
        k: {
            "legs": v["legs"],
            "tonne_km": v["tonne_km"],
            "co2e_kg": v["co2e_kg"],
            "intensity_g_per_tkm": v["co2e_kg"] * 1000 / v["tonne_km"],
            "factor_ids": ";".join(sorted(v["ids"])),
        }
        for k, v in by_lane.items()
    }
    return lanes, dict(by_factor)


def _exception_place(h: History, x: dict[str, str]) -> str:
    """No location: the leg's next stop, else the destination for a DELAY, else unknown."""
    legs = {g["leg_index"]: g for g in h.legs.get(x["shipment_id"], [])}
    if x["leg_index"] in legs:
        return legs[x["leg_index"]]["to_location"]
    return h.shipments[x["shipment_id"]]["destination"] if x["reason"] == "DELAY" else "unknown"


def exceptions(h: History, c: Criteria) -> dict[Key, dict[str, float | None]]:
    """(reason, hub, mode) -> exceptions, open, open ages, mean hours to close, as of AS_OF."""
    groups: dict[Key, list[dict[str, str]]] = defaultdict(list)
    for x in h.exceptions:
        opened = utc(x["opened_at"])
        assert opened is not None
        sid = x["shipment_id"]
        booked = sid in h.legs
        mode = x["mode"] or (h.profile(sid)["mode"] if booked else "unknown")
        hub = x["location"] or _exception_place(h, x)
        if (
            opened > AS_OF
            or not c.in_period(opened)
            or (c.hub and hub != c.hub)
            or (c.mode and mode != c.mode)
        ):
            continue
        if c.shipper and h.shipments[sid]["shipper"] != c.shipper:
            continue
        if (c.lane or c.carrier) and not (
            booked and h.selected(sid, Criteria(lane=c.lane, carrier=c.carrier))
        ):
            continue
        groups[(x["reason"], hub, mode)].append(x)
    out: dict[Key, dict[str, float | None]] = {}
    for k, xs in groups.items():
        is_open = [x for x in xs if not x["closed_at"] or utc(x["closed_at"]) > AS_OF]  # type: ignore[operator]
        closed = [x for x in xs if x not in is_open]
        ages = [(AS_OF - utc(x["opened_at"])).total_seconds() / 3600 for x in is_open]  # type: ignore[operator]
        close = [(utc(x["closed_at"]) - utc(x["opened_at"])).total_seconds() / 3600 for x in closed]  # type: ignore[operator]
        out[k] = {
            "exceptions": len(xs),
            "open": len(is_open),
            "open_age_mean_h": sum(ages) / len(ages) if ages else None,
            "open_age_max_h": max(ages) if ages else None,
            "hours_to_close_mean": sum(close) / len(close) if close else None,
        }
    return out


def week_start(day: str) -> str:
    """Monday of the ISO week of a YYYY-MM-DD day."""
    d = datetime.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).date().isoformat()
