"""plan.coverage against brute force: the exact solver must find the true optimum."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from upstream.plan.coverage import (
    PlanError,
    cover_matrix,
    covered_weight,
    greedy_coverage,
    marginal_gains,
    max_coverage,
)


def _brute(weights: np.ndarray, cover: np.ndarray, k: int, fixed: tuple[int, ...] = ()) -> float:
    free = [j for j in range(cover.shape[1]) if j not in fixed]
    best = 0.0
    for combo in combinations(free, k):
        sites = list(fixed) + list(combo)
        reached = cover[:, sites].any(axis=1) if sites else np.zeros(len(weights), bool)
        best = max(best, float(weights[reached].sum()))
    return best


def _case(seed: int, integer: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_demand, n_sites = rng.integers(5, 25), rng.integers(3, 9)
    demand = rng.uniform(0, 1000, size=(n_demand, 2))
    sites = rng.uniform(0, 1000, size=(n_sites, 2))
    # integer weights make ties between different choices common
    weights = (
        rng.integers(0, 4, n_demand).astype(float) if integer else rng.exponential(1, n_demand)
    )
    return demand, sites, weights, rng.integers(0, 3, 1)


@pytest.mark.parametrize("seed", range(40))
def test_max_coverage_matches_brute_force(seed: int) -> None:
    demand, sites, weights, _ = _case(seed, integer=seed % 2 == 0)
    radius = 300.0
    cover = cover_matrix(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], radius)
    dense = cover.toarray()
    for k in range(0, sites.shape[0] + 1):
        result = max_coverage(weights, cover, k)
        best = _brute(weights, dense, k)
        assert result.covered == pytest.approx(best, abs=1e-9), (seed, k)
        assert len(result.chosen) == k == len(set(result.chosen))
        assert covered_weight(weights, cover, result.chosen) == pytest.approx(result.covered)
        assert result.optimal
        assert sum(result.gains) == pytest.approx(result.covered, abs=1e-9)
        assert result.gains == sorted(result.gains, reverse=True)


@pytest.mark.parametrize("seed", range(20))
def test_max_coverage_with_fixed_sites_matches_brute_force(seed: int) -> None:
    demand, sites, weights, _ = _case(100 + seed, integer=True)
    cover = cover_matrix(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], 300.0)
    dense = cover.toarray()
    n_fixed = 1 + seed % 2
    fixed = tuple(range(n_fixed))
    for k in range(0, sites.shape[0] - n_fixed + 1):
        result = max_coverage(weights, cover, k, fixed=fixed)
        assert result.covered == pytest.approx(_brute(weights, dense, k, fixed), abs=1e-9)
        assert result.chosen[:n_fixed] == list(fixed)
        assert not set(result.added) & set(fixed) and len(result.added) == k


def test_ties_give_the_same_answer_every_run() -> None:
    # four identical sites covering the same single demand point: any one is optimal
    x = np.array([0.0, 0.0, 0.0, 0.0])
    cover = cover_matrix(np.array([10.0]), np.array([0.0]), x, x, 50.0)
    first = max_coverage(np.array([1.0]), cover, 2)
    assert first.covered == 1.0
    assert all(max_coverage(np.array([1.0]), cover, 2).chosen == first.chosen for _ in range(3))


@pytest.mark.parametrize("seed", range(10))
def test_greedy_never_beats_the_optimum(seed: int) -> None:
    demand, sites, weights, _ = _case(200 + seed, integer=False)
    cover = cover_matrix(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], 300.0)
    for k in range(1, sites.shape[0] + 1):
        greedy = greedy_coverage(weights, cover, k)
        exact = max_coverage(weights, cover, k)
        assert greedy.covered <= exact.covered + 1e-9
        # the greedy bound: at least 1 - 1/e of the optimum
        assert greedy.covered >= (1 - 1 / np.e) * exact.covered - 1e-9


def test_cover_matrix_includes_exactly_the_radius_and_distance_zero() -> None:
    demand_x = np.array([0.0, 250.0, 150.0, 250.0001, 0.0])
    demand_y = np.array([0.0, 0.0, 200.0, 0.0, 0.0])
    cover = cover_matrix(demand_x, demand_y, np.array([0.0]), np.array([0.0]), 250.0)
    assert cover.toarray()[:, 0].tolist() == [True, True, True, False, True]


@pytest.mark.parametrize("seed", range(10))
def test_cover_matrix_matches_brute_force_distances(seed: int) -> None:
    rng = np.random.default_rng(300 + seed)
    # points on a 50 m lattice so that many pairs are exactly the radius apart or coincide
    demand = rng.integers(0, 12, size=(40, 2)) * 50.0
    sites = rng.integers(0, 12, size=(8, 2)) * 50.0
    cover = cover_matrix(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], 250.0)
    gaps = np.hypot(demand[:, None, 0] - sites[None, :, 0], demand[:, None, 1] - sites[None, :, 1])
    assert (cover.toarray() == (gaps <= 250.0)).all()


def test_marginal_gains_order_the_sites_by_what_each_adds() -> None:
    # site 0 covers demand 0 and 1, site 1 covers 1 and 2, site 2 covers 2
    cover = cover_matrix(
        np.array([0.0, 100.0, 200.0]),
        np.zeros(3),
        np.array([50.0, 150.0, 260.0]),
        np.zeros(3),
        60.0,
    )
    order, gains = marginal_gains(np.array([3.0, 5.0, 2.0]), cover, [2, 1, 0])
    assert order == [0, 2, 1] and gains == [8.0, 2.0, 0.0]  # a tie: the one listed first
    order, gains = marginal_gains(np.array([1.0, 5.0, 2.0]), cover, [0, 1, 2])
    assert order == [1, 0, 2] and gains == [7.0, 1.0, 0.0]


def test_refusals_are_plan_errors() -> None:
    cover = cover_matrix(np.zeros(2), np.zeros(2), np.zeros(3), np.zeros(3), 10.0)
    with pytest.raises(PlanError, match="4 site"):
        max_coverage(np.ones(2), cover, 4)
    with pytest.raises(PlanError, match="radius must be positive"):
        cover_matrix(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), 0.0)
    with pytest.raises(PlanError, match="not negative"):
        max_coverage(np.array([1.0, -1.0]), cover, 1)
