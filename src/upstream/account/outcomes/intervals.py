"""Intervals for outcome measures: each period's value, and the latest window against the
baseline.

Each period
    * count: the exact (Garwood) Poisson interval of :func:`upstream.analysis.rates.poisson_ci`,
      divided by the exposure;
    * proportion: the exact Clopper-Pearson interval (statsmodels ``proportion_confint``,
      ``method="beta"``);
    * ratio (a disparity ratio): the exact conditional interval for the ratio of two Poisson
      rates, :func:`upstream.analysis.trends.poisson_ratio_ci`, with the residents of each group
      as exposures.

Window against baseline (:func:`compare`)
    * count: the rate ratio with the exact conditional interval and p-value (as above);
    * proportion: the difference in proportions with Newcombe's hybrid score interval (his
      method 10; it behaves at 0% and 100%) and the score test (statsmodels
      ``confint_proportions_2indep`` / ``test_proportions_2indep``);
    * ratio: how many times the baseline disparity ratio the latest one is. Given the searches
      of both groups, the group's share of them is binomial, and the ratio of two disparity
      ratios is the odds ratio of those shares (the residents cancel), so its score interval
      and test are used.
    * ``bootstrap``: a percentile bootstrap that resamples the periods of each window
      independently (scipy ``stats.bootstrap``): wider than the exact interval when periods
      vary more than chance alone (overdispersion), with no p-value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

from upstream.analysis.rates import poisson_ci
from upstream.analysis.trends import poisson_ratio_ci

__all__ = ["BOOTSTRAP_RESAMPLES", "Comparison", "compare", "period_intervals"]

BOOTSTRAP_RESAMPLES = 4999


@dataclass(frozen=True)
class Comparison:
    """The latest window against the baseline.

    ``effect`` is a ratio (``null`` 1) for counts and disparity ratios, a difference
    (``null`` 0) for proportions; ``baseline`` and ``latest`` are the pooled values.
    """

    kind: str  # "rate ratio" | "difference" | "ratio of ratios"
    baseline: float
    latest: float
    effect: float
    lower: float
    upper: float
    p_value: float
    null: float
    method: str
    level: float = 0.95
    counts: tuple[float, float] = (0.0, 0.0)
    """Numerators summed over the baseline and the latest window."""
    sizes: tuple[float, float] = (0.0, 0.0)
    """Denominators (months of exposure, or people) summed likewise."""


def _value(unit: str, num: NDArray[np.float64], den: NDArray[np.float64], scale: float) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den * (scale if unit == "ratio" else 1.0)


def period_intervals(
    unit: str, frame: pd.DataFrame, scale: float = 1.0, level: float = 0.95
) -> pd.DataFrame:
    """``frame`` (``period``, ``numerator``, ``denominator``) with ``value``, ``lower``,
    ``upper`` per period (NaN where the denominator is 0)."""
    num = frame["numerator"].to_numpy(dtype="float64")
    den = frame["denominator"].to_numpy(dtype="float64")
    value = _value(unit, num, den, scale)
    if unit == "count":
        lo, hi = poisson_ci(num, level)
        with np.errstate(divide="ignore", invalid="ignore"):
            lower, upper = lo / den, hi / den
    elif unit == "proportion":
        lower, upper = np.full(len(num), np.nan), np.full(len(num), np.nan)
        ok = den > 0
        if ok.any():
            lo, hi = proportion_confint(num[ok], den[ok], alpha=1 - level, method="beta")
            lower[ok], upper[ok] = lo, hi
    else:
        bounds = [
            (r.lower, r.upper)
            for r in (
                poisson_ratio_ci(int(n), int(d), exposure_old=scale, level=level)
                for n, d in zip(num, den, strict=True)
            )
        ]
        lower = np.array([b[0] for b in bounds])
        upper = np.array([b[1] for b in bounds])
        value = np.where(den > 0, value, np.nan)
        lower = np.where(num + den > 0, lower, np.nan)
        upper = np.where(num + den > 0, upper, np.nan)
    out = frame.copy()
    out["value"], out["lower"], out["upper"] = value, lower, upper
    return out


def _pooled(unit: str, num: float, den: float, scale: float) -> float:
    if den <= 0:
        return float("nan")
    return float(num / den * (scale if unit == "ratio" else 1.0))


def _exact(
    unit: str, b: tuple[float, float], c: tuple[float, float], scale: float, level: float
) -> tuple[str, float, float, float, float, float, str]:
    (bn, bd), (cn, cd) = b, c
    alpha = 1 - level
    if unit == "count":
        r = poisson_ratio_ci(int(cn), int(bn), exposure_new=cd, exposure_old=bd, level=level)
        method = "exact conditional test for two Poisson rates"
        return "rate ratio", r.ratio, r.lower, r.upper, r.p_value, 1.0, method
    if unit == "proportion":
        diff = cn / cd - bn / bd
        lo, hi = confint_proportions_2indep(cn, cd, bn, bd, method="newcomb", alpha=alpha)
        pooled = (cn + bn) / (cd + bd)
        if pooled in (0.0, 1.0):  # all or none in both windows: no evidence of change
            p = 1.0
        else:
            p = float(test_proportions_2indep(cn, cd, bn, bd, method="score").pvalue)
        method = "Newcombe hybrid score interval for a difference in proportions; score test"
        return "difference", diff, float(lo), float(hi), p, 0.0, method
    # ratio: the group's share of both groups' events, as odds, latest over baseline
    n_latest, n_base = cn + cd, bn + bd
    with np.errstate(divide="ignore", invalid="ignore"):
        effect = float((cn / cd) / (bn / bd)) if bn and cd else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):  # the root search probes edges
        lo, hi = confint_proportions_2indep(
            cn, n_latest, bn, n_base, compare="odds-ratio", method="score", alpha=alpha
        )
        test = test_proportions_2indep(
            cn, n_latest, bn, n_base, compare="odds-ratio", method="score"
        )
    method = "score interval for the odds ratio of the group's share of searches"
    return "ratio of ratios", effect, float(lo), float(hi), float(test.pvalue), 1.0, method


def _bootstrap_effect(
    unit: str,
    base: pd.DataFrame,
    latest: pd.DataFrame,
    level: float,
    seed: int,
) -> tuple[float, float]:
    bn, bd = base["numerator"].to_numpy(float), base["denominator"].to_numpy(float)
    cn, cd = latest["numerator"].to_numpy(float), latest["denominator"].to_numpy(float)

    def statistic(i: NDArray[np.int64], j: NDArray[np.int64], axis: int = -1) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            b = bn[i].sum(axis=axis) / bd[i].sum(axis=axis)
            c = cn[j].sum(axis=axis) / cd[j].sum(axis=axis)
            return c - b if unit == "proportion" else c / b

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples give NaN, reported as such
        result = stats.bootstrap(
            (np.arange(len(bn)), np.arange(len(cn))),
            statistic,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=level,
            method="percentile",
            vectorized=True,
            random_state=np.random.default_rng(seed),
        )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def compare(
    unit: str,
    base: pd.DataFrame,
    latest: pd.DataFrame,
    *,
    scale: float = 1.0,
    interval: str = "exact",
    level: float = 0.95,
    seed: int = 2024,
) -> Comparison | None:
    """The latest window's pooled value against the baseline's; None when either has no
    events or no denominator, so nothing can be compared."""
    b = (float(base["numerator"].sum()), float(base["denominator"].sum()))
    c = (float(latest["numerator"].sum()), float(latest["denominator"].sum()))
    if b[1] <= 0 or c[1] <= 0 or (unit != "proportion" and b[0] == 0):
        return None
    if unit == "ratio" and min(*b, *c) == 0:  # a group with no events: no odds ratio
        return None
    kind, effect, lo, hi, p, null, method = _exact(unit, b, c, scale, level)
    if interval == "bootstrap":
        lo, hi = _bootstrap_effect(unit, base, latest, level, seed)
        p = float("nan")
        method = f"percentile bootstrap over periods ({BOOTSTRAP_RESAMPLES:,} resamples)"
    return Comparison(
        kind=kind,
        baseline=_pooled(unit, *b, scale),
        latest=_pooled(unit, *c, scale),
        effect=float(effect),
        lower=lo,
        upper=hi,
        p_value=p,
        null=null,
        method=method,
        level=level,
        counts=(b[0], c[0]),
        sizes=(b[1], c[1]),
    )
