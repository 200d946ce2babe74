"""Retrospective hot-spotting: every unit's count over the whole history.

The "traditional" hot-spot map that prospective methods were proposed to improve on
(Bowers, Johnson & Pease 2004 compare against it): all past events weigh the same,
however old. Score: the mean monthly count (or harm) over all months of history, times
the horizon.
"""

from __future__ import annotations

import numpy as np

from upstream.forecast.base import BaseForecaster, History

__all__ = ["Retrospective"]


class Retrospective(BaseForecaster):
    """All-history counts.

    Parameters
    ----------
    target
        ``"count"`` or ``"harm"``.
    """

    name = "retrospective"
    paper = "Retrospective hot-spotting, as compared in Bowers, Johnson & Pease (2004)"

    def __init__(self, *, target: str = "count") -> None:
        self.target = target

    def _fit(self, history: History) -> None:
        self.rate_ = history.counts.mean(axis=0)

    def _predict(self, months: int) -> np.ndarray:
        return np.asarray(self.rate_ * months)
