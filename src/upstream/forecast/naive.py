"""Naive forecast: each unit's count over the last ``months`` months, as a monthly rate.

The reference hot-spot forecasts are compared against: "where it happened recently is
where it will happen next". For monthly police.uk data the plain 12-month count is the one
to beat: it is hard to improve on because police.uk snaps locations to a fixed set of
points, so the same cells recur month after month.

Score: the mean monthly count (or harm) over the last ``months`` months, times the
horizon. With fewer months of history than ``months``, all of it is used.
"""

from __future__ import annotations

import numpy as np

from upstream.forecast.base import BaseForecaster, History

__all__ = ["Naive"]


class Naive(BaseForecaster):
    """Counts over the last ``months`` months.

    Parameters
    ----------
    months
        How many of the latest months to count (12 = the last year).
    target
        ``"count"`` or ``"harm"``.
    """

    name = "naive"
    paper = "Naive k-month counts (the field's reference forecast)"

    def __init__(self, *, months: int = 12, target: str = "count") -> None:
        self.months = months
        self.target = target

    def _fit(self, history: History) -> None:
        if self.months < 1:
            raise ValueError("months must be at least 1")
        k = min(self.months, history.n_months)
        self.rate_ = history.counts[-k:].sum(axis=0) / k

    def _predict(self, months: int) -> np.ndarray:
        return np.asarray(self.rate_ * months)
