"""Prospective hot-spotting (Bowers, Johnson & Pease 2004).

Bowers, K. J., Johnson, S. D. & Pease, K. (2004). Prospective hot-spotting: the future of
crime mapping? *British Journal of Criminology* 44(5), 641-658.

Every recent event raises the risk of the cells around it, by a weight that falls with
distance and with age: an event ``d`` cells away and ``w`` time units old adds
``1 / (1 + d) * 1 / (1 + w)`` to a cell, for events within the spatial bandwidth (400 m in
the paper) and the time window (two months in the paper, counted in weeks).

police.uk data give the month only, so time is counted in months here: an event in the
latest month has age 0 and ``months`` sets the window (2 = the paper's two months). The
distance in cells is the centroid distance divided by the cell size (the side of a
square of the mean LSOA area for LSOAs). Scores are scaled to sum to the mean monthly
total of the last 12 months, so they read as expected counts; the ranking is the paper's.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from upstream.forecast.base import BaseForecaster, History, calibrate, recent_total
from upstream.forecast.data import Units

__all__ = ["Prospective", "distance_kernel"]


def distance_kernel(units: Units, bandwidth: float) -> csr_matrix:
    """Sparse ``K[i, j] = 1 / (1 + d_ij / cell size)`` for centroids within ``bandwidth``."""
    pts = np.column_stack([units.x, units.y])
    tree = cKDTree(pts)
    dist = tree.sparse_distance_matrix(tree, bandwidth, output_type="ndarray")
    # scipy lists every pair within the bandwidth, each cell with itself (distance 0) too
    rows, cols, d = dist["i"], dist["j"], dist["v"]
    w = 1.0 / (1.0 + d / units.cell_size)
    return csr_matrix((w, (rows, cols)), shape=(units.n, units.n))


class Prospective(BaseForecaster):
    """Prospective hot-spotting with distance- and age-decaying weights.

    Parameters
    ----------
    bandwidth
        Spatial bandwidth in metres: events further away add nothing. Default 100 m, chosen
        on the validation window (:mod:`upstream.forecast.registry`); the paper used 400 m.
    months
        Time window in months: events older than this add nothing. Default 6, chosen on the
        validation window; the paper used two months.
    target
        ``"count"`` or ``"harm"``.
    """

    name = "prospective"
    paper = "Bowers, Johnson & Pease (2004), Br. J. Criminol. 44(5) 641-658"

    def __init__(self, *, bandwidth: float = 100.0, months: int = 6, target: str = "count"):
        self.bandwidth = bandwidth
        self.months = months
        self.target = target

    def _fit(self, history: History) -> None:
        k = min(self.months, history.n_months)
        ages = np.arange(k)  # 0 = the latest month
        recent = history.counts[::-1][:k]
        weighted = (recent / (1.0 + ages)[:, None]).sum(axis=0)
        raw = distance_kernel(self.units_, self.bandwidth) @ weighted
        self.rate_ = calibrate(raw, recent_total(history))

    def _predict(self, months: int) -> np.ndarray:
        return np.asarray(self.rate_ * months)
