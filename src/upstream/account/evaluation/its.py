"""Interrupted time series: segmented Poisson regression for a monthly count.

The model (Bernal, Cummins and Gasparrini, 2017, "Interrupted time series regression for the
evaluation of public health interventions: a tutorial", Int J Epidemiol 46(1):348-355)::

    log E[y_t] = log(exposure_t) + b0 + b1 t + b2 post_t [+ b3 (t - t0) post_t] + season(t)

``t`` is months since the first month, ``post_t`` is 1 from the intervention month ``t0``
on, and ``season`` is either Fourier terms of the month of the year (sine and cosine pairs,
two harmonics by default) or one dummy per calendar month. ``exp(b2)`` is the level change
as a rate ratio: the counts after the start relative to what the pre-period trend and
season predict. ``exp(12 b3)`` (only with ``slope_change``) is the change in the yearly
trend.

Overdispersion: the Poisson fit's Pearson dispersion ``phi = X2 / df`` is reported. With
``method="auto"`` the standard errors are scaled by ``sqrt(phi)`` when ``phi > 1``
(quasi-Poisson), so an overdispersed count is not read as more certain than it is;
``method="negbin"`` fits a negative-binomial model by maximum likelihood instead. Lag-1
autocorrelation of the Pearson residuals is reported; ``errors="hac"`` uses Newey-West
standard errors for a series where it matters. All fitting is statsmodels'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from upstream.account.evaluation.series import CountSeries

__all__ = ["ItsResult", "Method", "Season", "design", "fit_its"]

Season = Literal["fourier", "month", "none"]
Method = Literal["auto", "poisson", "quasipoisson", "negbin"]


@dataclass(frozen=True)
class ItsResult:
    """One interrupted-time-series fit.

    ``rate_ratio`` with ``ci_low``/``ci_high`` (95%) is the level change at the start;
    ``observed``, ``fitted`` and ``counterfactual`` are monthly series (the last: the fit
    with the intervention terms set to zero) for charts and totals.
    """

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str
    dispersion: float
    autocorrelation: float
    trend_per_year: float
    slope_change_per_year: float | None
    start: str
    n_months: int
    n_pre: int
    n_post: int
    season: str
    observed: pd.Series = field(repr=False)
    fitted: pd.Series = field(repr=False)
    counterfactual: pd.Series = field(repr=False)

    @property
    def log_se(self) -> float:
        """Standard error of the log rate ratio (from the 95% interval)."""
        return (math.log(self.ci_high) - math.log(self.ci_low)) / (2 * 1.959963984540054)

    def summary(self) -> dict[str, object]:
        """The figures as plain JSON-ready values (no series)."""
        return {
            "rate_ratio": self.rate_ratio,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_level": 0.95,
            "p_value": self.p_value,
            "percent_change": 100 * (self.rate_ratio - 1),
            "method": self.method,
            "dispersion": self.dispersion,
            "autocorrelation_lag1": self.autocorrelation,
            "trend_per_year": self.trend_per_year,
            "slope_change_per_year": self.slope_change_per_year,
            "start": self.start,
            "n_months": self.n_months,
            "n_pre": self.n_pre,
            "n_post": self.n_post,
            "season": self.season,
            "observed_post": float(self.observed[self.observed.index >= self.start].sum()),
            "expected_post": float(
                self.counterfactual[self.counterfactual.index >= self.start].sum()
            ),
        }


def design(
    months: pd.PeriodIndex,
    start: pd.Period,
    *,
    season: Season = "fourier",
    harmonics: int = 2,
    slope_change: bool = False,
    trend: bool = True,
) -> pd.DataFrame:
    """The segmented-regression design matrix, one row per month.

    Columns: ``const``, ``trend`` (years since the first month; left out with ``trend=False``,
    which assumes no underlying trend), ``level`` (1 from ``start``),
    ``slope`` (years since ``start`` after it; only with ``slope_change``) and the season terms.
    """
    t = np.arange(len(months), dtype=float)
    post = (months >= start).astype(float)
    t0 = float(int((start - months[0]).n))
    cols: dict[str, np.ndarray] = {"const": np.ones(len(months))}
    if trend:
        cols["trend"] = t / 12.0
    cols["level"] = np.asarray(post)
    if slope_change:
        cols["slope"] = np.asarray(post) * (t - t0) / 12.0
    moy = np.asarray(months.month, dtype=float)
    if season == "fourier":
        for k in range(1, harmonics + 1):
            cols[f"sin{k}"] = np.sin(2 * np.pi * k * moy / 12.0)
            cols[f"cos{k}"] = np.cos(2 * np.pi * k * moy / 12.0)
    elif season == "month":
        for m in range(2, 13):
            cols[f"m{m:02d}"] = (moy == m).astype(float)
    return pd.DataFrame(cols, index=months.astype(str))


def _lag1(resid: np.ndarray) -> float:
    if len(resid) < 3 or np.std(resid) == 0:
        return 0.0
    return float(np.corrcoef(resid[:-1], resid[1:])[0, 1])


def fit_its(
    series: CountSeries,
    start: pd.Period,
    *,
    season: Season = "fourier",
    harmonics: int = 2,
    slope_change: bool = False,
    method: Method = "auto",
    errors: Literal["model", "hac"] = "model",
    trend: bool = True,
) -> ItsResult:
    """Fit the segmented regression to ``series`` with the intervention starting at ``start``.

    Parameters
    ----------
    series
        A checked series (:func:`upstream.account.evaluation.series.read_counts`).
    start
        First month of the intervention (checked with ``check_start``).
    season, harmonics
        Seasonal terms: Fourier pairs (``harmonics`` of them), calendar-month dummies, or none.
    slope_change
        Also estimate a change in trend after the start (the level change is then the step
        at the start month itself).
    method
        ``auto`` (Poisson, quasi-Poisson when the dispersion exceeds 1), ``poisson``,
        ``quasipoisson`` or ``negbin``.
    errors
        ``model`` standard errors or ``hac`` (Newey-West, 3 lags) for autocorrelation.
    trend
        Estimate the pre-period trend (the default); ``False`` assumes the series had none.
    """
    frame = series.frame
    months = series.months
    X = design(
        months, start, season=season, harmonics=harmonics, slope_change=slope_change, trend=trend
    )
    y = frame["count"].to_numpy(dtype=float)
    offset = np.log(frame["exposure"].to_numpy(dtype=float))
    poisson = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
    dispersion = float(poisson.pearson_chi2 / max(poisson.df_resid, 1))
    chosen = method
    if method == "auto":
        chosen = "quasipoisson" if dispersion > 1.0 else "poisson"
    cov = {"cov_type": "HAC", "cov_kwds": {"maxlags": 3}} if errors == "hac" else {}
    if chosen == "negbin":
        nb = sm.NegativeBinomial(y, X, offset=offset).fit(disp=0, maxiter=200, **cov)
        params = pd.Series(nb.params[: X.shape[1]], index=X.columns)
        bse = pd.Series(nb.bse[: X.shape[1]], index=X.columns)
        mu = np.exp(X.to_numpy() @ params.to_numpy() + offset)
    else:
        fit = (
            sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2", **cov)
            if chosen == "quasipoisson"
            else poisson
            if errors == "model"
            else sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(**cov)
        )
        params, bse = fit.params, fit.bse
        mu = fit.fittedvalues
    z = stats.norm.ppf(0.975)
    b, se = float(params["level"]), float(bse["level"])
    no_effect = X.copy()
    no_effect["level"] = 0.0
    if slope_change:
        no_effect["slope"] = 0.0
    counterfactual = np.exp(no_effect.to_numpy() @ params.to_numpy() + offset)
    index = months.astype(str)
    pearson = (y - poisson.fittedvalues) / np.sqrt(poisson.fittedvalues)
    return ItsResult(
        rate_ratio=math.exp(b),
        ci_low=math.exp(b - z * se),
        ci_high=math.exp(b + z * se),
        p_value=float(2 * stats.norm.sf(abs(b / se))),
        method=chosen if errors == "model" else f"{chosen}+hac",
        dispersion=dispersion,
        autocorrelation=_lag1(np.asarray(pearson)),
        trend_per_year=math.exp(float(params["trend"])) if trend else 1.0,
        slope_change_per_year=math.exp(float(params["slope"])) if slope_change else None,
        start=str(start),
        n_months=len(months),
        n_pre=int((months < start).sum()),
        n_post=int((months >= start).sum()),
        season=season if season != "fourier" else f"fourier({harmonics})",
        observed=pd.Series(y, index=index),
        fitted=pd.Series(np.asarray(mu), index=index),
        counterfactual=pd.Series(counterfactual, index=index),
    )
