"""Ensemble: a weighted mean of registered forecasters' expected counts.

Every member predicts expected counts (or harm) on the same scale, so their weighted
arithmetic mean is again an expected count. The default members are one of each kind: the
learned model (LightGBM), the plain 12-month counts and the self-exciting point process;
averaging them keeps the counts' sharp, stable hot spots while borrowing the model's and the
point process's view of where the next events fall (forecast combination; Bates & Granger
1969, *Operational Research Quarterly* 20(4), 451-468).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from upstream.forecast.base import BaseForecaster, History

__all__ = ["Ensemble", "combine", "normalised_weights"]


def normalised_weights(members: tuple[str, ...], weights: tuple[float, ...] | None) -> np.ndarray:
    """One weight per member, summing to one (equal when ``weights`` is None).

    Raises ValueError for no members, or weights that are not one non-negative number per
    member with a positive sum.
    """
    if not members:
        raise ValueError("an ensemble needs at least one member")
    w = np.ones(len(members)) if weights is None else np.asarray(weights, dtype="float64")
    if w.shape != (len(members),) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be one non-negative number per member")
    return np.asarray(w / w.sum())


def combine(weights: np.ndarray, parts: list[np.ndarray]) -> np.ndarray:
    """The weighted mean of the members' forecasts (one array per member, same units)."""
    return np.asarray(sum(w * p for w, p in zip(weights, parts, strict=True)))


class Ensemble(BaseForecaster):
    """Weighted mean of registered methods (with their registered hyper-parameters by default).

    Parameters
    ----------
    members
        Names in :data:`upstream.forecast.registry.METHODS` (default: ``lgbm``, ``naive``,
        ``sepp``).
    weights
        One weight per member (normalised to sum to one); equal when None.
    member_params
        Hyper-parameters per member name that replace its defaults (e.g. settings chosen on
        another data set's validation window); None: each member's defaults.
    target
        ``"count"`` or ``"harm"``, passed to every member.
    """

    name = "ensemble"
    paper = "Bates & Granger (1969), forecast combination of the members below"
    baseline = False

    def __init__(
        self,
        *,
        members: tuple[str, ...] = ("lgbm", "naive", "sepp"),
        weights: tuple[float, ...] | None = None,
        member_params: Mapping[str, Mapping[str, Any]] | None = None,
        target: str = "count",
    ) -> None:
        self.members = members
        self.weights = weights
        self.member_params = member_params
        self.target = target

    def _fit(self, history: History) -> None:
        from upstream.forecast.registry import make

        self.weights_ = normalised_weights(self.members, self.weights)
        overrides = dict(self.member_params or {})
        unknown = set(overrides) - set(self.members)
        if unknown:
            raise ValueError(f"member_params names non-members: {sorted(unknown)}")
        self.members_ = []
        for name in self.members:
            member = make(name, **{**overrides.get(name, {}), "target": self.target})
            member.units_ = self.units_
            member.until_ = self.until_
            member._fit(history)
            self.members_.append(member)

    def _predict(self, months: int) -> np.ndarray:
        return combine(self.weights_, [m._predict(months) for m in self.members_])
