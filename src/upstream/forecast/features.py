"""Features for the learned models: multi-scale lagged counts, seasonality, fixed covariates.

Pure functions of the month-by-unit matrices of a :class:`~upstream.forecast.base.History`:
the features for target month ``m`` use rows ``< m`` only, so a model trained on rows
``1..T-1`` and applied to row ``T`` (the month after ``until``) never sees its target.

Scales (means per month, so short histories compare with long ones):

* the unit itself over the last 1, 3, 6 and 12 months and all history, and the same
  calendar month a year before;
* three neighbourhood rings around it (centroids within 1.5 cells, 1.5-3.5 and 3.5-6.5 cell
  sizes: about 225 m, 525 m and 975 m on the 150 m grid), as the mean per neighbour;
* its LSOA (mean per unit of the LSOA) and the whole area (level and recent trend);
* context events (other crime types) in the unit, its first ring and its LSOA;
* calendar month of the target (as sine and cosine) and months of history available;
* fixed covariates of the unit (:mod:`upstream.forecast.covariates`), when attached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, diags

from upstream.forecast.data import Units

__all__ = ["RINGS", "FeatureBuilder"]

RINGS: tuple[tuple[float, float], ...] = ((0.0, 1.5), (1.5, 3.5), (3.5, 6.5))
"""Neighbourhood rings, in cell sizes from a unit's centroid (outer radius inclusive)."""


def _row_mean(matrix: csr_matrix) -> csr_matrix:
    deg = np.asarray(matrix.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    out: csr_matrix = diags(inv) @ matrix
    return out


def _ring(units: Units, inner: float, outer: float) -> csr_matrix:
    outer_m = units.neighbours(outer * units.cell_size)
    if inner <= 0:
        return _row_mean(outer_m)
    inner_m = units.neighbours(inner * units.cell_size)
    return _row_mean((outer_m - inner_m).tocsr())


@dataclass
class FeatureBuilder:
    """Builds the feature table for any target month from one history's matrices."""

    units: Units
    counts: np.ndarray
    context: np.ndarray
    first_month: str

    def __post_init__(self) -> None:
        self.rings = [_ring(self.units, a, b) for a, b in RINGS]
        group = self.units.group
        if group is None or (group < 0).all():
            group = np.zeros(self.units.n, dtype="int64")
        group = np.where(group < 0, group.max() + 1, group)
        n_groups = int(group.max()) + 1
        member = csr_matrix(
            (np.ones(self.units.n), (group, np.arange(self.units.n))),
            shape=(n_groups, self.units.n),
        )
        self.group_mean = (member.T @ _row_mean(member)).tocsr()
        self.cum = np.vstack([np.zeros((1, self.units.n)), np.cumsum(self.counts, axis=0)])
        self.cum_ctx = np.vstack([np.zeros((1, self.units.n)), np.cumsum(self.context, axis=0)])

    def _mean(self, cum: np.ndarray, m: int, k: int) -> np.ndarray:
        lo = max(m - k, 0)
        return np.asarray((cum[m] - cum[lo]) / max(m - lo, 1))

    def table(self, m: int) -> pd.DataFrame:
        """Features for target row ``m`` (months ``< m`` only); ``m`` may be ``len(counts)``."""
        if m < 1:
            raise ValueError("a target month needs at least one month of history before it")
        n = self.units.n
        c1 = self._mean(self.cum, m, 1)
        c3 = self._mean(self.cum, m, 3)
        c6 = self._mean(self.cum, m, 6)
        c12 = self._mean(self.cum, m, 12)
        call = self._mean(self.cum, m, m)
        x3 = self._mean(self.cum_ctx, m, 3)
        x12 = self._mean(self.cum_ctx, m, 12)
        cal = (pd.Period(self.first_month, freq="M") + m).month
        ly = self.counts[m - 12] if m >= 12 else np.full(n, np.nan)
        total12 = c12.sum()
        out = {
            "c1": c1,
            "c3": c3,
            "c6": c6,
            "c12": c12,
            "call": call,
            "c_last_year": ly,
            "ctx3": x3,
            "ctx12": x12,
            "history_months": np.full(n, float(min(m, 24))),
            "month_sin": np.full(n, np.sin(2 * np.pi * cal / 12)),
            "month_cos": np.full(n, np.cos(2 * np.pi * cal / 12)),
            "area_level": np.full(n, total12),
            "area_trend": np.full(n, c3.sum() / total12 if total12 > 0 else 1.0),
            "lsoa12": self.group_mean @ c12,
            "lsoa_all": self.group_mean @ call,
            "lsoa_ctx12": self.group_mean @ x12,
            "ring1_ctx12": self.rings[0] @ x12,
        }
        for i, ring in enumerate(self.rings, start=1):
            out[f"ring{i}_3"] = ring @ c3
            out[f"ring{i}_12"] = ring @ c12
            out[f"ring{i}_all"] = ring @ call
        frame = pd.DataFrame(out)
        if self.units.features is not None:
            feats = self.units.features.reset_index(drop=True)
            for col in feats.columns:
                frame[col] = feats[col].to_numpy(dtype="float64")
        return frame
