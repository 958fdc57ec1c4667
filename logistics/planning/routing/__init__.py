"""The truck routing engine: `solve(problem, *, options) -> RoutingSolution` (OR-Tools inside)."""

from logistics.planning.routing.engine import solve
from logistics.planning.routing.model import (
    DroppedRequest,
    Request,
    Route,
    RouteStop,
    RoutingNode,
    RoutingOptions,
    RoutingProblem,
    RoutingSolution,
    RoutingVehicle,
    SolverStats,
    Visit,
)

__all__ = [
    "DroppedRequest",
    "Request",
    "Route",
    "RouteStop",
    "RoutingNode",
    "RoutingOptions",
    "RoutingProblem",
    "RoutingSolution",
    "RoutingVehicle",
    "SolverStats",
    "Visit",
    "solve",
]
