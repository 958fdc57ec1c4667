"""Input and output of the truck routing engine: plain frozen dataclasses, no OR-Tools types.

Inside the engine everything is integer minutes (from `RoutingProblem.epoch`) and integer metres;
outside it, times are aware datetimes. A visit's time window constrains the *start of service* at
that node (the truck may arrive earlier and wait). Consecutive visits at the same location form one
stop: the location's service time is spent once per stop, not once per visit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

Matrix = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class RoutingNode:
    """A location of the routing problem (index = position in `RoutingProblem.nodes`)."""

    location_id: str
    service_minutes: int = 0


@dataclass(frozen=True, slots=True)
class Visit:
    """Where and when a request is picked up or dropped: node index and service-start window."""

    node: int
    earliest: datetime
    latest: datetime


@dataclass(frozen=True, slots=True)
class Request:
    """A load to move. `pickup=None`: loaded at the vehicle's start depot; `delivery=None`: unloaded
    at its end depot (used by VRPTW benchmarks). `penalty`: cost of leaving it unserved (None =
    mandatory)."""

    id: str
    pickup: Visit | None
    delivery: Visit | None
    weight_kg: float
    volume_m3: float
    requirements: frozenset[str] = frozenset()
    penalty: float | None = None


@dataclass(frozen=True, slots=True)
class RoutingVehicle:
    """One truck shift: start and end node, shift window, capacities, speed profile and costs."""

    id: str
    start_node: int
    end_node: int
    shift_start: datetime
    shift_end: datetime
    capacity_kg: float
    capacity_m3: float
    profile: str
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    fixed_cost: float = 0.0
    capabilities: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """Nodes, an integer distance matrix (metres), one duration matrix (whole minutes) per vehicle
    profile, requests and vehicles. `epoch` is minute 0."""

    nodes: tuple[RoutingNode, ...]
    distance_m: Matrix
    duration_min: Mapping[str, Matrix]
    requests: tuple[Request, ...]
    vehicles: tuple[RoutingVehicle, ...]
    epoch: datetime


@dataclass(frozen=True, slots=True)
class RoutingOptions:
    """How to solve: explicit time limit and seed, keyword-only at call sites.

    `search` is "portfolio" (worker 1 runs ruin-and-recreate ILS, worker 2 guided local search from
    savings, a third GLS from parallel cheapest insertion; the best wins), "ils" or "gls" alone.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 1
    # Warm start: per vehicle id, the request visit sequence as ("P:<request id>" / "D:<request id>").
    initial_routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    search: str = "portfolio"
    # Hard stop (wall clock, `time.time()`): the search's worker process is killed then and its
    # best solution so far kept. None: the time limit plus a grace (`engine.watchdog_grace`).
    deadline: float | None = None

    def __post_init__(self) -> None:
        if self.search not in ("portfolio", "ils", "gls"):
            raise ValueError(f"search must be portfolio, ils or gls, not {self.search!r}")
        if self.time_limit_s <= 0:
            raise ValueError(f"time_limit_s must be positive, not {self.time_limit_s}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")


@dataclass(frozen=True, slots=True)
class RouteStop:
    """A stop: arrival, service window, departure, what is picked up and dropped, load after it."""

    node: int
    location_id: str
    arrive: datetime | None
    depart: datetime | None
    pickups: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    load_kg: float = 0.0
    load_m3: float = 0.0


@dataclass(frozen=True, slots=True)
class Route:
    """One used vehicle's route, depot to depot."""

    vehicle_id: str
    stops: tuple[RouteStop, ...]
    distance_m: int
    duration_min: int
    cost: float


@dataclass(frozen=True, slots=True)
class DroppedRequest:
    """A request left unserved, with a reason code and a readable detail."""

    request_id: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SolverStats:
    """What the solver did."""

    status: str
    time_s: float
    objective: float
    seed: int
    strategy: str = ""
    iterations: int = 0


@dataclass(frozen=True, slots=True)
class RoutingSolution:
    """The routes of the used vehicles, the dropped requests, totals and statistics."""

    routes: tuple[Route, ...]
    dropped: tuple[DroppedRequest, ...]
    total_cost: float
    total_distance_m: int
    stats: SolverStats
