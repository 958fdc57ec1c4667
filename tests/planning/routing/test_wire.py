"""Routing problems, options and solutions survive the JSON round trip field for field."""

from __future__ import annotations

import json

from logistics.planning.routing import RoutingOptions, solve
from logistics.planning.routing.wire import (
    options_from_dict,
    options_to_dict,
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
)
from tests.planning.routing.checker import violations
from tests.planning.routing.problems import FIXTURES, load_pdp, load_problem


def test_the_fixture_shape_is_the_wire_shape() -> None:
    """The ILS repro fixture reads back through the wire module as the test loader reads it."""
    stored = json.loads((FIXTURES / "ils_hang_subproblem.json").read_text())["problem"]
    assert problem_from_dict(stored) == load_problem("ils_hang_subproblem.json")


def test_a_problem_and_its_solution_round_trip_through_json_text() -> None:
    """Written to JSON text and read back, problem, options and solution compare equal; the
    solution read back still passes the routing checker."""
    problem = load_pdp("small_pdp.json")
    options = RoutingOptions(
        time_limit_s=1.5, seed=7, initial_routes={"T1": ("P:A", "D:A")}, search="gls"
    )
    solution = solve(problem, options=RoutingOptions(time_limit_s=1, search="gls"))
    assert solution.routes  # something to carry over the wire
    again = problem_from_dict(json.loads(json.dumps(problem_to_dict(problem))))
    assert again == problem
    assert options_from_dict(json.loads(json.dumps(options_to_dict(options)))) == options
    back = solution_from_dict(json.loads(json.dumps(solution_to_dict(solution))))
    assert back == solution
    assert violations(again, back) == []
