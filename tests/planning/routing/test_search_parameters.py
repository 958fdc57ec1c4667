"""Search configurations: annealing temperatures follow the instance's arc costs."""

from __future__ import annotations

import pytest

from logistics.planning.routing.search_parameters import (
    FINAL_TEMPERATURE,
    ILS_SOLUTIONS_PER_VISIT,
    INITIAL_TEMPERATURE,
    mean_arc_cost,
    parameters,
)


def test_mean_arc_cost_ignores_the_diagonal() -> None:
    """The mean is over off-diagonal entries of every cost class's matrix."""
    a = [[0, 10], [30, 0]]
    b = [[0, 2, 4], [6, 0, 8], [10, 12, 0]]
    assert mean_arc_cost([a]) == 20.0
    assert mean_arc_cost([a, b]) == pytest.approx((10 + 30 + 2 + 4 + 6 + 8 + 10 + 12) / 8)
    assert mean_arc_cost([]) == 0.0


def test_ils_temperatures_scale_with_arc_costs() -> None:
    """Costlier arcs give proportionally hotter annealing; no automatic temperatures."""
    cheap = parameters("ils", 5.0, first_solution=3, mean_arc=1_000.0, visits=10)
    dear = parameters("ils", 5.0, first_solution=3, mean_arc=100_000.0, visits=10)
    sa = cheap.iterated_local_search_parameters.reference_solution_acceptance_strategy
    sa_dear = dear.iterated_local_search_parameters.reference_solution_acceptance_strategy
    assert sa.simulated_annealing.initial_temperature == INITIAL_TEMPERATURE * 1_000.0
    assert sa.simulated_annealing.final_temperature == FINAL_TEMPERATURE * 1_000.0
    assert sa_dear.simulated_annealing.initial_temperature == 100 * (
        sa.simulated_annealing.initial_temperature
    )
    assert not sa.simulated_annealing.automatic_temperatures
    assert cheap.time_limit.ToMilliseconds() == 5_000


def test_unknown_search_is_refused() -> None:
    """A search name other than ils or gls is an error naming the choices."""
    with pytest.raises(ValueError, match="ils"):
        parameters("tabu", 1.0, first_solution=3, mean_arc=1.0, visits=10)


def test_ils_stops_after_a_number_of_solutions_that_grows_with_the_instance() -> None:
    """A tiny problem is not searched for the whole time limit; GLS keeps its time limit only."""
    small = parameters("ils", 30.0, first_solution=3, mean_arc=1.0, visits=4)
    large = parameters("ils", 30.0, first_solution=3, mean_arc=1.0, visits=400)
    assert small.solution_limit == 4 * ILS_SOLUTIONS_PER_VISIT
    assert large.solution_limit == 100 * small.solution_limit
    gls = parameters("gls", 30.0, first_solution=3, mean_arc=1.0, visits=4)
    assert gls.solution_limit > 10**15  # OR-Tools' default: no limit
