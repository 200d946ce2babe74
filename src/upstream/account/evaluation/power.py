"""Power and the minimum detectable effect of an interrupted time series, before launch.

For the segmented model of :mod:`upstream.account.evaluation.its` the large-sample variance of
the log level change is ``phi * [(X' W X)^-1]_level`` with ``W = diag(mu)``: ``X`` is the
design matrix (trend, level, season), ``mu`` the expected monthly counts under the effect
and ``phi`` the dispersion (1 for Poisson counts; larger when counts vary more than Poisson).
A two-sided test at level ``alpha`` then has power
``Phi(|log RR| / se - z) + Phi(-|log RR| / se - z)`` with ``z = Phi^-1(1 - alpha/2)``.
The minimum detectable effect is the rate ratio at which that power reaches the target
(solved for a fall and for a rise). :func:`simulated_power` checks the formula by
simulation with the real estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from upstream.account.evaluation.its import design, fit_its
from upstream.account.evaluation.series import series_from_frame

__all__ = [
    "Mde",
    "analytic_power",
    "minimum_detectable_effect",
    "simulate_counts",
    "simulated_power",
]

_START = pd.Period("2020-01", freq="M")


@dataclass(frozen=True)
class Mde:
    """Smallest fall and rise detectable with the target power (as rate ratios and percents)."""

    per_year: float
    pre_months: int
    post_months: int
    dispersion: float
    power: float
    alpha: float
    fall_ratio: float
    rise_ratio: float
    trend: bool = True

    @property
    def fall_percent(self) -> float:
        """The smallest detectable fall, in percent (positive number)."""
        return 100 * (1 - self.fall_ratio)

    @property
    def rise_percent(self) -> float:
        """The smallest detectable rise, in percent."""
        return 100 * (self.rise_ratio - 1)

    def sentence(self) -> str:
        """The plain-English reading."""
        if self.fall_ratio == 0.0:
            return (
                f"With about {self.per_year:,.0f} offences a year, a {self.post_months}-month "
                f"evaluation (against {self.pre_months} months before) cannot detect any fall "
                f"with {self.power:.0%} power; only a rise of {self.rise_percent:.0f}% or more."
            )
        return (
            f"With about {self.per_year:,.0f} offences a year, a {self.post_months}-month "
            f"evaluation (against {self.pre_months} months before) detects only a fall of "
            f"{self.fall_percent:.0f}% or more (or a rise of {self.rise_percent:.0f}% or more) "
            f"with {self.power:.0%} power."
        )

    def summary(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "per_year": self.per_year,
            "pre_months": self.pre_months,
            "post_months": self.post_months,
            "dispersion": self.dispersion,
            "power": self.power,
            "alpha": self.alpha,
            "fall_ratio": self.fall_ratio,
            "fall_percent": self.fall_percent,
            "rise_ratio": self.rise_ratio,
            "rise_percent": self.rise_percent,
            "trend_estimated": self.trend,
            "sentence": self.sentence(),
        }


def _months(pre: int, post: int) -> pd.PeriodIndex:
    return pd.period_range(_START - pre, periods=pre + post, freq="M")


def _log_se(
    per_year: float, pre: int, post: int, ratio: float, dispersion: float, trend: bool = True
) -> float:
    months = _months(pre, post)
    X = design(months, _START, trend=trend).to_numpy()
    post_mask = np.asarray(months >= _START)
    mu = np.full(len(months), per_year / 12.0) * np.where(post_mask, ratio, 1.0)
    info = X.T @ (X * mu[:, None])
    level = 2 if trend else 1  # column order: const, [trend], level, ...
    return math.sqrt(dispersion * float(np.linalg.inv(info)[level, level]))


def analytic_power(
    per_year: float,
    ratio: float,
    *,
    pre_months: int = 36,
    post_months: int = 24,
    dispersion: float = 1.0,
    alpha: float = 0.05,
    trend: bool = True,
) -> float:
    """Power to detect a level change ``ratio`` in a series of ``per_year`` offences a year
    (``trend=False``: a model that assumes no underlying trend)."""
    se = _log_se(per_year, pre_months, post_months, ratio, dispersion, trend)
    z = stats.norm.ppf(1 - alpha / 2)
    shift = abs(math.log(ratio)) / se
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def minimum_detectable_effect(
    per_year: float,
    *,
    pre_months: int = 36,
    post_months: int = 24,
    dispersion: float = 1.0,
    power: float = 0.8,
    alpha: float = 0.05,
    trend: bool = True,
) -> Mde:
    """The smallest fall and rise a segmented Poisson ITS detects with ``power``.

    Raises
    ------
    ValueError
        Non-positive rate, too few months, or a power/alpha outside (0, 1).
    """
    if per_year <= 0 or pre_months < 12 or post_months < 1 or dispersion <= 0:
        raise ValueError(
            "need offences a year > 0, at least 12 months before, 1 after, dispersion > 0"
        )
    if not (0 < power < 1 and 0 < alpha < 1):
        raise ValueError("power and alpha must lie between 0 and 1")

    def gap(log_ratio: float) -> float:
        return (
            analytic_power(
                per_year,
                math.exp(log_ratio),
                pre_months=pre_months,
                post_months=post_months,
                dispersion=dispersion,
                alpha=alpha,
                trend=trend,
            )
            - power
        )

    # power first rises then falls again as the ratio nears 0 (few post-period counts left
    # to estimate it from): bracket the first crossing on a grid from no change down to 1%.
    grid = np.linspace(-1e-9, math.log(0.01), 60)
    above = [g for g in grid if gap(g) > 0]
    fall = -math.inf
    if above:
        first = above[0]
        before = grid[np.searchsorted(-grid, -first) - 1]
        fall = optimize.brentq(gap, float(first), float(before))
    rise = optimize.brentq(gap, 1e-9, math.log(1e4))
    return Mde(
        per_year=per_year,
        pre_months=pre_months,
        post_months=post_months,
        dispersion=dispersion,
        power=power,
        alpha=alpha,
        fall_ratio=math.exp(fall),
        rise_ratio=math.exp(rise),
        trend=trend,
    )


def simulate_counts(
    per_year: float,
    ratio: float,
    pre_months: int,
    post_months: int,
    rng: np.random.Generator,
    *,
    dispersion: float = 1.0,
    trend_per_year: float = 1.0,
    seasonal_amplitude: float = 0.0,
) -> pd.Series:
    """One simulated monthly series with a known level change ``ratio`` at 2020-01.

    Counts are Poisson (``dispersion`` 1) or negative binomial with variance
    ``dispersion * mu`` (gamma-Poisson mixture).
    """
    months = _months(pre_months, post_months)
    t = np.arange(len(months)) / 12.0
    mu = (
        per_year
        / 12.0
        * trend_per_year**t
        * (1 + seasonal_amplitude * np.cos(2 * np.pi * np.asarray(months.month) / 12.0))
        * np.where(np.asarray(months >= _START), ratio, 1.0)
    )
    if dispersion > 1.0:
        shape = mu / (dispersion - 1.0)
        mu = rng.gamma(shape, (dispersion - 1.0))
    return pd.Series(rng.poisson(mu), index=months.astype(str))


def simulated_power(
    per_year: float,
    ratio: float,
    *,
    pre_months: int = 36,
    post_months: int = 24,
    dispersion: float = 1.0,
    reps: int = 200,
    seed: int = 0,
    trend: bool = True,
) -> float:
    """Share of ``reps`` simulated series where :func:`fit_its` finds ``p < 0.05``."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        series = series_from_frame(
            simulate_counts(per_year, ratio, pre_months, post_months, rng, dispersion=dispersion)
        )
        hits += fit_its(series, _START, trend=trend).p_value < 0.05
    return hits / reps
