"""The product's plan checker: every rule of DESIGN 3.2 and the cost rules of 3.3.

Given `now`, a plan that books the past fails: a service whose cutoff is before now, a truck
leg or a truck route leaving before now (`books_the_past`). Given forecasts (tracking's forecast
arrival per service id, or per (shipment id, leg index)), a connection the shipment cannot make
from its forecast arrival fails as `missed_connection`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.domain import Leg, Plan, Scenario, ShipmentPlanStatus, VehicleRoute
from logistics.planning.costing import service_leg_cost, truck_cost

TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a code, the subject concerned (`shipment SH1`, `vehicle TR1`, ...), why."""

    code: str
    subject: str
    message: str

    def __str__(self) -> str:
        """Render as `subject: code: message`."""
        return f"{self.subject}: {self.code}: {self.message}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01, 0.0001 * max(abs(a), abs(b)))


Forecasts = Mapping[str | tuple[str, int], datetime]
# (vehicle, shipment) -> what that truck moves of the shipment, in route order: (from, to, depart
# at from, arrive at to). One truck may carry two legs of a shipment (first and last mile).
Moves = dict[tuple[str, str], list[tuple[str, str, datetime, datetime]]]


class _Checker:
    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        now: datetime | None = None,
        forecasts: Forecasts | None = None,
    ) -> None:
        self.s = scenario
        self.plan = plan
        self.now = now
        self.forecasts = forecasts or {}
        self.via_forecast = False  # whether the shipment's availability comes from a forecast
        self.out: list[Violation] = []

    def connection(self, code: str) -> str:
        """The code of a connection broken only by the forecast arrival, or `code`."""
        return "missed_connection" if self.via_forecast else code

    def forecast(self, sid: str, n: int, leg: Leg) -> datetime | None:
        """The forecast arrival of leg n of a shipment, when later than planned."""
        f = self.forecasts.get((sid, n))
        if f is None and leg.service_id is not None:
            f = self.forecasts.get(leg.service_id)
        return f if f is not None and f > leg.arrive else None

    def bad(self, code: str, subject: str, message: str) -> None:
        self.out.append(Violation(code, subject, message))

    def run(self) -> list[Violation]:
        self.coverage()
        handovers = self.routes()
        self.shipments(handovers)
        self.services()
        self.totals()
        return self.out

    def coverage(self) -> None:
        ids = [p.shipment_id for p in self.plan.shipments]
        for sid in set(self.s.shipment_by_id) - set(ids):
            self.bad("missing_shipment", f"shipment {sid}", "is not in the plan")
        for sid in set(ids) - set(self.s.shipment_by_id):
            self.bad("unknown_shipment", f"shipment {sid}", "is not in the scenario")

    def routes(self) -> Moves:
        """Check each truck; return what each moves of each shipment, in route order."""
        legs: Moves = {}
        for route in self.plan.vehicles:
            v = self.s.vehicle_by_id.get(route.vehicle_id)
            subject = f"vehicle {route.vehicle_id}"
            if v is None:
                self.bad("unknown_vehicle", subject, "is not in the scenario")
                continue
            legs.update(self.route(route, subject))
        return legs

    def route(self, route: VehicleRoute, subject: str) -> Moves:
        v = self.s.vehicle_by_id[route.vehicle_id]
        stops = route.stops
        out: Moves = {}
        if stops[0].location != v.depot or stops[-1].location != v.depot:
            self.bad("not_depot_to_depot", subject, f"must start and end at depot {v.depot}")
        first, last = stops[0].depart, stops[-1].arrive
        if first is None or last is None:
            self.bad(
                "missing_times", subject, "first stop needs a departure and last stop an arrival"
            )
            return out
        if self.now is not None and first + TOLERANCE < self.now:
            self.bad(
                "books_the_past",
                subject,
                f"leaves its depot {first.isoformat()}, before now ({self.now.isoformat()})",
            )
        if first < v.available_from or last > v.available_until:
            self.bad(
                "outside_shift",
                subject,
                f"runs {first.isoformat()}..{last.isoformat()} outside its shift",
            )
        onboard: dict[str, tuple[str, datetime]] = {}
        kg = m3 = 0.0
        km = 0.0
        carried = False
        for i, stop in enumerate(stops):
            if i > 0:
                prev = stops[i - 1]
                assert prev.depart is not None
                if stop.arrive is None:
                    self.bad(
                        "missing_times", subject, f"stop {i} at {stop.location} has no arrival"
                    )
                    continue
                need = timedelta(
                    minutes=self.s.road_duration_minutes(prev.location, stop.location, v.speed_kmh)
                )
                if stop.arrive + TOLERANCE < prev.depart + need:
                    self.bad(
                        "too_fast", subject, f"{prev.location}->{stop.location} faster than {need}"
                    )
                km += self.s.road_distance_km(prev.location, stop.location)
            if 0 < i < len(stops) - 1:
                assert stop.arrive is not None
                service = timedelta(minutes=self.s.location_by_id[stop.location].service_minutes)
                if stop.depart is None or stop.depart < stop.arrive + service:
                    self.bad(
                        "service_time",
                        subject,
                        f"leaves {stop.location} before {service} of service",
                    )
                    continue
                for sid in stop.dropoff:
                    sh = self.s.shipment_by_id.get(sid)
                    if sid not in onboard or sh is None:
                        self.bad("drop_without_pickup", subject, f"drops {sid} it did not pick up")
                        continue
                    origin, depart = onboard.pop(sid)
                    out.setdefault((route.vehicle_id, sid), []).append(
                        (origin, stop.location, depart, stop.arrive)
                    )
                    kg -= sh.weight_kg
                    m3 -= sh.volume_m3
                for sid in stop.pickup:
                    sh = self.s.shipment_by_id.get(sid)
                    if sh is None:
                        self.bad("unknown_shipment", subject, f"picks up unknown {sid}")
                        continue
                    if not sh.fits(v.capabilities):
                        self.bad(
                            "requirements",
                            subject,
                            f"carries {sid} needing {sorted(sh.requirements)}",
                        )
                    onboard[sid] = (stop.location, stop.depart)
                    kg += sh.weight_kg
                    m3 += sh.volume_m3
                    carried = True
                if kg > v.capacity_kg + 1e-6 or m3 > v.capacity_m3 + 1e-6:
                    self.bad(
                        "over_capacity", subject, f"{kg:.0f} kg / {m3:.2f} m3 after {stop.location}"
                    )
        if onboard:
            self.bad("cargo_left_on_board", subject, f"returns with {sorted(onboard)}")
        if not carried:
            self.bad("empty_truck_listed", subject, "carries nothing but is listed")
        if not _close(route.distance_km, km):
            self.bad("distance", subject, f"reports {route.distance_km} km, drives {km:.2f}")
        expected = truck_cost(v, km, (last - first).total_seconds() / 3600)
        if not _close(route.cost, expected):
            self.bad("truck_cost", subject, f"reports {route.cost}, recomputed {expected:.2f}")
        return out

    def shipments(self, truck_legs: Moves) -> None:
        used: Counter[tuple[str, str]] = Counter()  # legs matched so far per (vehicle, shipment)
        for sp in self.plan.shipments:
            sh = self.s.shipment_by_id.get(sp.shipment_id)
            subject = f"shipment {sp.shipment_id}"
            if sh is None or sp.status is not ShipmentPlanStatus.PLANNED:
                continue
            if sp.legs[0].from_location != sh.origin or sp.legs[-1].to_location != sh.destination:
                self.bad(
                    "route_ends", subject, "legs do not run from its origin to its destination"
                )
            available = sh.ready_at
            self.via_forecast = False
            for n, leg in enumerate(sp.legs):
                available = self.leg(
                    sp.shipment_id, subject, n, leg, available, sp.legs, truck_legs, used
                )
                late = self.forecast(sp.shipment_id, n, leg)
                self.via_forecast = late is not None
                if late is not None:
                    available += late - leg.arrive
            if sp.delivered_at != sp.legs[-1].arrive:
                self.bad("delivered_at", subject, "delivered_at is not the arrival of its last leg")
        for key in (k for k, moves in truck_legs.items() if used[k] < len(moves)):
            self.bad(
                "unlisted_truck_leg", f"vehicle {key[0]}", f"carries {key[1]} on no leg of its plan"
            )

    def leg(
        self,
        sid: str,
        subject: str,
        n: int,
        leg: Leg,
        available: datetime,
        legs: tuple[Leg, ...],
        truck_legs: Moves,
        used: Counter[tuple[str, str]],
    ) -> datetime:
        sh = self.s.shipment_by_id[sid]
        nxt = legs[n + 1] if n + 1 < len(legs) else None
        if leg.service_id is not None:
            svc = self.s.service_by_id.get(leg.service_id)
            if svc is None:
                self.bad("unknown_service", subject, f"leg {n} uses unknown {leg.service_id}")
                return leg.arrive
            if (leg.from_location, leg.to_location, leg.depart, leg.arrive) != (
                svc.origin,
                svc.destination,
                svc.departure,
                svc.arrival,
            ):
                self.bad("service_schedule", subject, f"leg {n} does not match {svc.id}'s schedule")
            if not sh.fits(svc.capabilities):
                self.bad(
                    "requirements",
                    subject,
                    f"{svc.id} lacks {sorted(sh.requirements - svc.capabilities)}",
                )
            if self.now is not None and svc.cutoff < self.now:
                self.bad(
                    "books_the_past",
                    subject,
                    f"leg {n} books {svc.id}, whose cutoff {svc.cutoff.isoformat()} is before "
                    f"now ({self.now.isoformat()})",
                )
            if available > svc.cutoff:
                self.bad(
                    self.connection("missed_cutoff"),
                    subject,
                    f"available {available.isoformat()}"
                    + (" by the forecast" if self.via_forecast else "")
                    + f" after {svc.id}'s cutoff {svc.cutoff.isoformat()}",
                )
            if nxt is not None and nxt.service_id is not None:
                return svc.arrival
            return svc.arrival + timedelta(
                minutes=self.s.location_by_id[svc.destination].handling_minutes
            )
        key = (leg.vehicle_id or "", sid)
        moves = truck_legs.get(key, [])
        if used[key] >= len(moves):
            self.bad(
                "truck_leg_not_routed",
                subject,
                f"leg {n} names {leg.vehicle_id}, which does not carry it"
                + (f" on more than {len(moves)} leg(s)" if moves else ""),
            )
            return leg.arrive
        # this shipment's legs on one truck are its moves on that truck, in order
        origin, dest, depart, arrive = moves[used[key]]
        used[key] += 1
        if self.now is not None and depart + TOLERANCE < self.now:
            self.bad(
                "books_the_past",
                subject,
                f"leg {n} leaves {origin} on {leg.vehicle_id} at {depart.isoformat()}, before "
                f"now ({self.now.isoformat()})",
            )
        if (origin, dest, depart, arrive) != (
            leg.from_location,
            leg.to_location,
            leg.depart,
            leg.arrive,
        ):
            self.bad(
                "truck_leg_mismatch", subject, f"leg {n} differs from {leg.vehicle_id}'s stops"
            )
        service = timedelta(minutes=self.s.location_by_id[origin].service_minutes)
        if depart + TOLERANCE < available + service:
            self.bad(
                self.connection("picked_up_before_available"),
                subject,
                f"leg {n} leaves {origin} before {available.isoformat()}"
                + (" (by the forecast)" if self.via_forecast else "")
                + " + service",
            )
        handover = arrive + timedelta(minutes=self.s.location_by_id[dest].service_minutes)
        if nxt is not None and nxt.service_id is not None:
            svc = self.s.service_by_id.get(nxt.service_id)
            if svc is not None and handover > svc.cutoff + TOLERANCE:
                self.bad(
                    "missed_cutoff",
                    subject,
                    f"handed over {handover.isoformat()} after {svc.id}'s cutoff",
                )
            return handover
        return handover + timedelta(minutes=self.s.location_by_id[dest].handling_minutes)

    def services(self) -> None:
        loads: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for sp in self.plan.shipments:
            sh = self.s.shipment_by_id.get(sp.shipment_id)
            if sh is None:
                continue
            for leg in sp.legs:
                if leg.service_id:
                    loads[leg.service_id][0] += sh.weight_kg
                    loads[leg.service_id][1] += sh.volume_m3
        reported = {s.service_id: s for s in self.plan.services}
        for sid, (kg, m3) in loads.items():
            svc = self.s.service_by_id.get(sid)
            if svc is None:
                continue
            if kg > svc.capacity_kg + 1e-6 or m3 > svc.capacity_m3 + 1e-6:
                self.bad(
                    "service_over_capacity", f"service {sid}", f"{kg:.0f} kg / {m3:.2f} m3 booked"
                )
            r = reported.get(sid)
            if r is None or not _close(r.load_kg, kg) or not _close(r.load_m3, m3):
                self.bad(
                    "service_load",
                    f"service {sid}",
                    f"reported load differs from {kg:.1f} kg / {m3:.2f} m3",
                )

    def totals(self) -> None:
        service_cost = 0.0
        for sp in self.plan.shipments:
            sh = self.s.shipment_by_id.get(sp.shipment_id)
            for leg in sp.legs:
                if leg.service_id and sh is not None and leg.service_id in self.s.service_by_id:
                    expected = service_leg_cost(
                        self.s.service_by_id[leg.service_id], sh.weight_kg, sh.volume_m3
                    )
                    service_cost += expected
                    if not _close(leg.cost, expected):
                        self.bad(
                            "leg_cost",
                            f"shipment {sp.shipment_id}",
                            f"{leg.service_id} costs {expected:.2f}, not {leg.cost}",
                        )
        total = service_cost + sum(r.cost for r in self.plan.vehicles)
        kpis = self.plan.kpis
        if kpis is not None and not _close(kpis.cost, total):
            self.bad(
                "plan_cost",
                f"plan {self.plan.plan_id}",
                f"KPI cost {kpis.cost} != recomputed {total:.2f}",
            )


def check_plan(
    scenario: Scenario,
    plan: Plan,
    *,
    now: datetime | None = None,
    forecasts: Forecasts | None = None,
) -> list[Violation]:
    """Every violation of the timing, capacity, requirement and cost rules, with its subject;
    with `now`, every booking in the past; with `forecasts`, every connection they miss."""
    return _Checker(scenario, plan, now, forecasts).run()
