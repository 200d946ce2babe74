"""Synthetic control for an area intervention (Abadie, Diamond and Hainmueller, 2010,
"Synthetic control methods for comparative case studies", JASA 105(490):493-505).

The treated area's pre-period series is matched by a weighted average of donor areas
(weights non-negative, summing to one) that minimises the squared pre-period gap. Each
series is first divided by its own pre-period mean, so areas of different size can be
combined; the synthetic series is scaled back by the treated area's pre-period mean. The
weights are found with scipy's SLSQP (no maintained synthetic-control package is pinned:
the optimisation is a few lines, and upstream needs no more than the classic estimator).

The effect is the rate ratio of observed to synthetic counts summed over the post-period.
Inference is by placebo in space: every donor in turn is treated as if it were the treated
area (the rest as its donors); the real area's ratio of post- to pre-period root mean
squared gap ranks among them (Abadie et al.'s permutation p-value). A 95% interval is the
real ratio divided by the 97.5th and 2.5th percentiles of the placebo ratios (valid only
as far as the donors are exchangeable; with few donors it is coarse, and said so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

__all__ = ["SynthResult", "fit_synth", "synth_weights"]


@dataclass(frozen=True)
class SynthResult:
    """A synthetic-control estimate with its placebo-in-space inference."""

    rate_ratio: float
    ci_low: float | None
    ci_high: float | None
    p_value: float
    weights: dict[str, float]
    pre_rmspe: float
    start: str
    placebo_ratios: dict[str, float]
    observed: pd.Series = field(repr=False)
    synthetic: pd.Series = field(repr=False)

    def summary(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "method": "synthetic control (placebo-in-space inference)",
            "rate_ratio": self.rate_ratio,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_level": 0.95,
            "p_value": self.p_value,
            "weights": {k: v for k, v in self.weights.items() if v >= 0.001},
            "pre_rmspe_relative": self.pre_rmspe,
            "start": self.start,
            "placebo_rate_ratios": self.placebo_ratios,
        }


def synth_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to 1 minimising ``||target - donors @ w||^2``."""
    n = donors.shape[1]
    result = optimize.minimize(
        lambda w: float(np.sum((target - donors @ w) ** 2)),
        np.full(n, 1.0 / n),
        jac=lambda w: -2.0 * donors.T @ (target - donors @ w),
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1.0}],
        method="SLSQP",
        options={"maxiter": 500, "ftol": 1e-12},
    )
    w = np.clip(result.x, 0.0, None)
    return np.asarray(w / w.sum())


def _one(
    treated: pd.Series, donors: pd.DataFrame, pre: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float]:
    scale = float(treated[pre].mean())
    donor_scale = donors[pre].mean().replace(0, np.nan)
    usable = donor_scale.dropna().index
    d = (donors[usable] / donor_scale[usable]).to_numpy(dtype=float)
    y = treated.to_numpy(dtype=float) / scale
    w = synth_weights(y[pre], d[pre])
    synth = d @ w * scale
    observed = treated.to_numpy(dtype=float)
    gap = observed - synth
    pre_rmspe = float(np.sqrt(np.mean(gap[pre] ** 2)))
    post_rmspe = float(np.sqrt(np.mean(gap[~pre] ** 2)))
    ratio = post_rmspe / pre_rmspe if pre_rmspe > 0 else math.inf
    full_w = pd.Series(0.0, index=donors.columns)
    full_w[usable] = w
    return synth, full_w.to_numpy(), pre_rmspe / scale, ratio


def fit_synth(treated: pd.Series, donors: pd.DataFrame, start: str) -> SynthResult:
    """Synthetic control for ``treated`` (monthly counts) from ``donors`` (one column each)."""
    months = treated.index.astype(str)
    pre = np.asarray(months < start)
    synth, weights, pre_rmspe, real_ratio = _one(treated, donors, pre)
    observed = treated.to_numpy(dtype=float)
    rate_ratio = float(observed[~pre].sum() / synth[~pre].sum())
    placebo_ratios: dict[str, float] = {}
    rmspe_ratios = []
    for name in donors.columns:
        if donors.loc[pre, name].sum() == 0:
            continue
        others = donors.drop(columns=name)
        p_synth, _, _, p_ratio = _one(donors[name], others, pre)
        placebo_ratios[name] = float(donors.loc[~pre, name].sum() / p_synth[~pre].sum())
        rmspe_ratios.append(p_ratio)
    p_value = (1 + sum(r >= real_ratio for r in rmspe_ratios)) / (1 + len(rmspe_ratios))
    low = high = None
    if len(placebo_ratios) >= 19:  # enough placebos for 2.5% tails
        q = np.quantile(np.log(list(placebo_ratios.values())), [0.025, 0.975])
        low, high = rate_ratio / math.exp(q[1]), rate_ratio / math.exp(q[0])
    return SynthResult(
        rate_ratio=rate_ratio,
        ci_low=low,
        ci_high=high,
        p_value=float(p_value),
        weights=dict(zip(donors.columns, map(float, weights), strict=True)),
        pre_rmspe=pre_rmspe,
        start=start,
        placebo_ratios=placebo_ratios,
        observed=pd.Series(observed, index=months),
        synthetic=pd.Series(synth, index=months),
    )
