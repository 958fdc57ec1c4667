"""Plan documents as JSON (DESIGN 3.4): write and read back, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from logistics.domain import (
    Alternative,
    Change,
    Leg,
    Mode,
    Plan,
    PlanKpis,
    ServiceLoad,
    ShipmentPlan,
    ShipmentPlanStatus,
    SolverInfo,
    UnplannedReason,
    VehicleRoute,
    VehicleStop,
)
from logistics.errors import DomainError, Problem, ValidationFailed


def _t(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _leg(leg: Leg) -> dict[str, Any]:
    ref = {"service_id": leg.service_id} if leg.service_id else {"vehicle_id": leg.vehicle_id}
    return {
        "mode": leg.mode.value,
        **ref,
        "from": leg.from_location,
        "to": leg.to_location,
        "depart": _t(leg.depart),
        "arrive": _t(leg.arrive),
        "cost": leg.cost,
        "co2_kg": leg.co2_kg,
        "distance_km": leg.distance_km,
    }


def _shipment(sp: ShipmentPlan) -> dict[str, Any]:
    if sp.status is ShipmentPlanStatus.UNPLANNED:
        assert sp.reason is not None
        return {
            "id": sp.shipment_id,
            "status": "unplanned",
            "reason": sp.reason.value,
            "detail": sp.detail,
            "due_at": _t(sp.due_at),
            **_change(sp),
        }
    out: dict[str, Any] = {
        "id": sp.shipment_id,
        "status": "planned",
        "delivered_at": _t(sp.delivered_at),
        "due_at": _t(sp.due_at),
        "on_time": sp.on_time,
        "late_minutes": sp.late_minutes,
        "cost": sp.cost,
        "co2_kg": sp.co2_kg,
        "legs": [_leg(leg) for leg in sp.legs],
    }
    if sp.detail:
        out["detail"] = sp.detail  # why it is late, when it is
    if sp.alternative is not None:
        a = sp.alternative
        out["alternative"] = {
            "description": a.description,
            "delta_cost": a.delta_cost,
            "delta_transit_minutes": a.delta_transit_minutes,
            "delta_co2_kg": a.delta_co2_kg,
            "reason": a.reason,
        }
    out.update(_change(sp))
    return out


def _change(sp: ShipmentPlan) -> dict[str, Any]:
    """`change` and `change_reason` against the incumbent, when the shipment had one."""
    if sp.change is None:
        return {}
    return {"change": sp.change.value, "change_reason": sp.change_reason}


def plan_to_document(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON document of DESIGN 3.4."""
    return {
        "plan_id": plan.plan_id,
        "status": plan.status,
        "objective": plan.objective,
        "shipments": [_shipment(sp) for sp in plan.shipments],
        "vehicles": [
            {
                "id": r.vehicle_id,
                "distance_km": r.distance_km,
                "cost": r.cost,
                "stops": [
                    {
                        "location": s.location,
                        "arrive": _t(s.arrive),
                        "depart": _t(s.depart),
                        "pickup": list(s.pickup),
                        "dropoff": list(s.dropoff),
                    }
                    for s in r.stops
                ],
            }
            for r in plan.vehicles
        ],
        "services": [
            {
                "id": s.service_id,
                "load_kg": s.load_kg,
                "load_m3": s.load_m3,
                "utilization": s.utilization,
            }
            for s in plan.services
        ],
        "kpis": kpis_document(plan.kpis),
        "solver": solver_document(plan.solver),
    }


def kpis_document(kpis: PlanKpis | None) -> dict[str, Any]:
    """The plan document's `kpis` object, keys in field order (`against_incumbent` only when
    the plan had incumbents; `{}` for a plan without KPIs)."""
    if kpis is None:
        return {}
    out: dict[str, Any] = {}
    for f in fields(kpis):
        value = getattr(kpis, f.name)
        if value is None:
            continue
        out[f.name] = dict(value) if isinstance(value, Mapping) else value
    return out


def kpis_from_document(doc: Mapping[str, Any]) -> PlanKpis | None:
    """The KPIs of a plan document's `kpis` object (None when empty; a key it lacks takes its
    default, one PlanKpis does not know is ignored)."""
    if not doc:
        return None
    known = {f.name for f in fields(PlanKpis)}
    values: dict[str, Any] = {
        k: dict(v) if isinstance(v, Mapping) else v for k, v in doc.items() if k in known
    }
    return PlanKpis(**values)


def solver_document(solver: SolverInfo | None) -> dict[str, Any]:
    """The plan document's `solver` object: every field in order, `now` as ISO 8601 (`{}` for
    a plan without one)."""
    if solver is None:
        return {}
    out = {f.name: getattr(solver, f.name) for f in fields(solver)}
    out["now"] = _t(solver.now)
    if solver.safety_net is not None:
        out["safety_net"] = {k: list(ids) for k, ids in solver.safety_net.items()}
    return out


def solver_from_document(doc: Mapping[str, Any]) -> SolverInfo | None:
    """The solver facts of a plan document's `solver` object (None when empty; a key it lacks
    takes its default, one SolverInfo does not know is ignored)."""
    if not doc:
        return None
    known = {f.name for f in fields(SolverInfo)}
    values: dict[str, Any] = {k: v for k, v in doc.items() if k in known}
    values["now"] = _time(doc.get("now"))
    return SolverInfo(**values)


def _time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def plan_from_document(doc: Mapping[str, Any]) -> Plan:
    """Read a plan document; malformed parts raise ValidationFailed naming the JSON path."""
    path = "plan"
    try:
        shipments = []
        for i, s in enumerate(doc["shipments"]):
            path = f"shipments[{i}]"
            if s["status"] == "unplanned":
                shipments.append(
                    ShipmentPlan(
                        s["id"],
                        ShipmentPlanStatus.UNPLANNED,
                        datetime.fromisoformat(s["due_at"]),
                        reason=UnplannedReason(s["reason"]),
                        detail=s.get("detail", ""),
                        change=Change(s["change"]) if s.get("change") else None,
                        change_reason=s.get("change_reason", ""),
                    )
                )
                continue
            legs = tuple(
                Leg(
                    Mode(g["mode"]),
                    g["from"],
                    g["to"],
                    datetime.fromisoformat(g["depart"]),
                    datetime.fromisoformat(g["arrive"]),
                    g.get("service_id"),
                    g.get("vehicle_id"),
                    g.get("cost", 0.0),
                    g.get("co2_kg", 0.0),
                    g.get("distance_km", 0.0),
                )
                for g in s["legs"]
            )
            alt = s.get("alternative")
            shipments.append(
                ShipmentPlan(
                    s["id"],
                    ShipmentPlanStatus.PLANNED,
                    datetime.fromisoformat(s["due_at"]),
                    legs,
                    _time(s["delivered_at"]),
                    s.get("cost", 0.0),
                    s.get("co2_kg", 0.0),
                    detail=s.get("detail", ""),
                    alternative=Alternative(
                        alt["description"],
                        alt["delta_cost"],
                        alt["delta_transit_minutes"],
                        alt["delta_co2_kg"],
                        alt.get("reason", ""),
                    )
                    if alt
                    else None,
                    change=Change(s["change"]) if s.get("change") else None,
                    change_reason=s.get("change_reason", ""),
                )
            )
        vehicles = []
        for i, v in enumerate(doc.get("vehicles", [])):
            path = f"vehicles[{i}]"
            stops = tuple(
                VehicleStop(
                    st["location"],
                    _time(st["arrive"]),
                    _time(st["depart"]),
                    tuple(st["pickup"]),
                    tuple(st["dropoff"]),
                )
                for st in v["stops"]
            )
            vehicles.append(VehicleRoute(v["id"], stops, v["distance_km"], v["cost"]))
        path = "services"
        services = tuple(
            ServiceLoad(s["id"], s["load_kg"], s["load_m3"], s["utilization"])
            for s in doc.get("services", [])
        )
        path = "kpis"
        kpis = kpis_from_document(doc.get("kpis", {}))
        path = "solver"
        solver = solver_from_document(doc.get("solver", {}))
        return Plan(
            doc["plan_id"],
            doc["objective"],
            tuple(shipments),
            tuple(vehicles),
            services,
            kpis,
            solver,
            doc.get("status", "done"),
        )
    except (KeyError, TypeError, ValueError, DomainError) as exc:
        raise ValidationFailed(
            [Problem("plan", 0, path, f"malformed plan document: {exc!r}")]
        ) from exc


def write_plan_json(plan: Plan, path: Path) -> None:
    """Write the plan document atomically (a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(plan_to_document(plan), handle, indent=1, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_plan_json(path: Path) -> Plan:
    """Read a plan document file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            [Problem(Path(path).name, 0, "*", f"cannot read plan JSON: {exc}")]
        ) from exc
    return plan_from_document(doc)
