"""Maximal coverage: choose K sites so that as much weighted demand as possible lies within
reach of at least one of them (the maximal covering location problem, Church and ReVelle
1974), optionally with sites that must stay (existing safe spaces, fixed cameras).

Demand and sites are points in BNG metres; ``cover`` is the sparse demand × site matrix of
"within the radius". The model is solved exactly as a mixed-integer programme with PuLP and
HiGHS: maximise sum(w_i * y_i) subject to y_i <= sum_{j covering i} x_j, sum(x_j) = K + fixed,
x_j = 1 for fixed sites, x binary, 0 <= y_i <= 1. The tests check it against brute force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pulp
from scipy.sparse import csc_matrix, csr_matrix
from scipy.spatial import cKDTree

__all__ = [
    "Coverage",
    "PlanError",
    "cover_matrix",
    "covered_weight",
    "greedy_coverage",
    "marginal_gains",
    "max_coverage",
]


class PlanError(ValueError):
    """A plan that cannot be made (too few sites, nothing to cover, bad parameters)."""


@dataclass(frozen=True)
class Coverage:
    """The sites chosen and what they cover."""

    chosen: list[int]
    """Indices of the chosen sites (fixed ones first, then new ones by marginal gain)."""
    added: list[int]
    """The chosen sites that were not fixed, in the order of their marginal gain."""
    gains: list[float]
    """Weight each added site covers that the sites before it did not (same order)."""
    covered: float
    """Weight covered by the chosen sites."""
    total: float
    """All the demand weight."""
    optimal: bool
    """True when the solver proved the choice optimal."""

    @property
    def share(self) -> float:
        """Covered weight as a share of all weight (0 when there is none)."""
        return self.covered / self.total if self.total > 0 else 0.0


def cover_matrix(
    demand_x: np.ndarray,
    demand_y: np.ndarray,
    site_x: np.ndarray,
    site_y: np.ndarray,
    radius: float,
) -> csr_matrix:
    """Boolean demand × site matrix: True where the site is within ``radius`` metres."""
    if radius <= 0:
        raise PlanError(f"the radius must be positive, got {radius}")
    demand = np.column_stack([np.asarray(demand_x, "float64"), np.asarray(demand_y, "float64")])
    sites = np.column_stack([np.asarray(site_x, "float64"), np.asarray(site_y, "float64")])
    shape = (len(demand), len(sites))
    if not len(demand) or not len(sites):
        return csr_matrix(shape, dtype=bool)
    pairs = cKDTree(demand).sparse_distance_matrix(cKDTree(sites), radius, output_type="coo_matrix")
    # sparse_distance_matrix drops pairs at distance exactly 0: add them back
    rows, cols = list(pairs.row), list(pairs.col)
    same = cKDTree(sites).query_ball_point(demand, r=1e-9)
    for i, hits in enumerate(same):
        for j in hits:
            rows.append(i)
            cols.append(j)
    data = np.ones(len(rows), dtype=bool)
    matrix = csr_matrix((data, (rows, cols)), shape=shape, dtype=bool)
    matrix.data[:] = True  # duplicates summed to True
    return matrix


def covered_weight(weights: np.ndarray, cover: csr_matrix, sites: Sequence[int]) -> float:
    """Demand weight within reach of at least one of ``sites``."""
    if not len(sites):
        return 0.0
    reached = np.asarray(cover[:, list(sites)].sum(axis=1)).ravel() > 0
    return float(np.asarray(weights, "float64")[reached].sum())


def _greedy(
    weights: np.ndarray, cover: csr_matrix, pool: Sequence[int], k: int, fixed: Sequence[int]
) -> tuple[list[int], list[float]]:
    """``k`` sites of ``pool`` added one by one, each the one covering most weight not yet
    covered (by the ``fixed`` sites or those added before it; ties to the earlier site),
    with what each added."""
    w = np.asarray(weights, "float64")
    columns = csc_matrix(cover)
    reached = np.zeros(cover.shape[0], dtype=bool)
    for j in fixed:
        reached[columns[:, j].indices] = True
    left = list(pool)
    order: list[int] = []
    gains: list[float] = []
    for _ in range(k):
        best, best_gain = left[0], -1.0
        for j in left:
            rows = columns[:, j].indices
            gain = float(w[rows][~reached[rows]].sum())
            if gain > best_gain:
                best, best_gain = j, gain
        order.append(best)
        gains.append(best_gain)
        reached[columns[:, best].indices] = True
        left.remove(best)
    return order, gains


def marginal_gains(
    weights: np.ndarray, cover: csr_matrix, sites: Sequence[int], fixed: Sequence[int] = ()
) -> tuple[list[int], list[float]]:
    """``sites`` ordered by marginal gain (largest first, each given those before it and the
    ``fixed`` ones), with the gains."""
    return _greedy(weights, cover, sites, len(sites), fixed)


def greedy_coverage(
    weights: np.ndarray, cover: csr_matrix, k: int, fixed: Sequence[int] = ()
) -> Coverage:
    """The greedy heuristic: add, K times, the site covering most weight not yet covered."""
    _check(cover, k, fixed)
    w = np.asarray(weights, "float64")
    taken = set(fixed)
    pool = [j for j in range(cover.shape[1]) if j not in taken]
    added, gains = _greedy(w, cover, pool, k, fixed)
    chosen = list(fixed) + added
    return Coverage(
        chosen=chosen,
        added=added,
        gains=gains,
        covered=covered_weight(w, cover, chosen),
        total=float(w.sum()),
        optimal=False,
    )


def _check(cover: csr_matrix, k: int, fixed: Sequence[int]) -> None:
    n_sites = cover.shape[1]
    if k < 0:
        raise PlanError(f"the number of sites to choose must be 0 or more, got {k}")
    if len(set(fixed)) != len(fixed) or any(not 0 <= j < n_sites for j in fixed):
        raise PlanError("the fixed sites must be distinct candidate sites")
    free = n_sites - len(fixed)
    if k > free:
        raise PlanError(
            f"{k} site(s) asked for but only {free} candidate site(s) are available"
            + (f" besides the {len(fixed)} fixed one(s)" if fixed else "")
        )


def max_coverage(
    weights: np.ndarray,
    cover: csr_matrix,
    k: int,
    *,
    fixed: Sequence[int] = (),
    time_limit: float = 60.0,
) -> Coverage:
    """Choose ``k`` sites besides the ``fixed`` ones to cover the most demand weight.

    Raises
    ------
    PlanError
        If ``k`` is more than the candidate sites that are not fixed, or a fixed index is
        not a site.
    """
    _check(cover, k, fixed)
    w = np.asarray(weights, "float64")
    if len(w) != cover.shape[0]:
        raise PlanError("one weight per demand point is needed")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise PlanError("demand weights must be finite and not negative")
    fixed_set = set(fixed)
    total = float(w.sum())
    if k == 0:
        return Coverage(list(fixed), [], [], covered_weight(w, cover, list(fixed)), total, True)
    rows_csr = csr_matrix(cover)
    # demand that no site reaches, or that weighs nothing, cannot change the choice
    useful = np.flatnonzero((w > 0) & (np.diff(rows_csr.indptr) > 0))
    problem = pulp.LpProblem("max_coverage", pulp.LpMaximize)
    x = [problem.add_variable(f"x{j}", cat=pulp.LpBinary) for j in range(cover.shape[1])]
    y = {i: problem.add_variable(f"y{i}", lowBound=0, upBound=1) for i in useful}
    problem += pulp.lpSum(float(w[i]) * y[i] for i in useful)
    for i in useful:
        sites = rows_csr.indices[rows_csr.indptr[i] : rows_csr.indptr[i + 1]]
        problem += y[i] <= pulp.lpSum(x[j] for j in sites)
    problem += pulp.lpSum(x) == k + len(fixed_set)
    for j in fixed_set:
        problem += x[j] == 1
    solver = pulp.HiGHS(msg=False, timeLimit=time_limit)
    status = problem.solve(solver)
    if pulp.LpStatus[status] not in ("Optimal", "Not Solved") and problem.sol_status not in (
        pulp.LpSolutionIntegerFeasible,
        pulp.LpSolutionOptimal,
    ):
        raise PlanError(f"the coverage model could not be solved ({pulp.LpStatus[status]})")
    picked = [j for j in range(cover.shape[1]) if (x[j].value() or 0) > 0.5]
    new = [j for j in picked if j not in fixed_set]
    order, gains = marginal_gains(w, cover, new, list(fixed))
    chosen = list(fixed) + order
    return Coverage(
        chosen=chosen,
        added=order,
        gains=gains,
        covered=covered_weight(w, cover, chosen),
        total=total,
        optimal=problem.sol_status == pulp.LpSolutionOptimal,
    )
