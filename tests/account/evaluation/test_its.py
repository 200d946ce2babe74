"""Interrupted time series: checked against statsmodels fitted independently (formula
interface), against hand computation, and on simulated series with known effects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from upstream.account.evaluation.its import design, fit_its
from upstream.account.evaluation.placebo import placebo_in_space, placebo_in_time, rank_p_value
from upstream.account.evaluation.power import simulate_counts
from upstream.account.evaluation.series import series_from_frame
from upstream.config import get_settings

START = pd.Period("2020-01", freq="M")


def _series(counts: list[int] | np.ndarray, first: str = "2017-01") -> pd.Series:
    months = pd.period_range(first, periods=len(counts), freq="M").astype(str)
    return pd.Series(np.asarray(counts), index=months)


def test_step_only_model_matches_hand_computation() -> None:
    """No trend, no season: the rate ratio is the ratio of monthly means, and its Poisson
    standard error is sqrt(1/sum_pre + 1/sum_post)."""
    rng = np.random.default_rng(1)
    counts = np.concatenate([rng.poisson(20, 36), rng.poisson(14, 12)])
    series = series_from_frame(_series(counts))
    res = fit_its(series, START, season="none", trend=False, method="poisson")
    pre, post = counts[:36], counts[36:]
    assert res.rate_ratio == pytest.approx(post.mean() / pre.mean(), rel=1e-9)
    se = math.sqrt(1 / pre.sum() + 1 / post.sum())
    assert res.log_se == pytest.approx(se, rel=1e-6)
    assert res.ci_low == pytest.approx(post.mean() / pre.mean() * math.exp(-1.959964 * se), 1e-5)


def test_full_model_matches_statsmodels_formula_fit() -> None:
    """Trend, Fourier season, exposure offset and quasi-Poisson scale, against the same model
    written as a statsmodels formula."""
    rng = np.random.default_rng(7)
    n = 60
    months = pd.period_range("2016-01", periods=n, freq="M")
    exposure = rng.uniform(900, 1100, n)
    t = np.arange(n)
    mu = exposure / 1000 * 15 * 1.04 ** (t / 12) * (1 + 0.2 * np.cos(2 * np.pi * months.month / 12))
    mu = mu * np.where(months >= START, 0.8, 1.0)
    counts = rng.negative_binomial(8, 8 / (8 + mu))  # overdispersed
    series = series_from_frame(_series(counts, "2016-01"), pd.Series(exposure, index=months))
    res = fit_its(series, START)
    df = pd.DataFrame({"y": counts, "t": t / 12, "post": (months >= START).astype(int),
                       "moy": months.month, "lexp": np.log(exposure)})  # fmt: skip
    formula = ("y ~ t + post + np.sin(2*np.pi*moy/12) + np.cos(2*np.pi*moy/12)"
               " + np.sin(4*np.pi*moy/12) + np.cos(4*np.pi*moy/12)")  # fmt: skip
    ref = smf.glm(formula, df, family=sm.families.Poisson(), offset=df["lexp"]).fit()
    phi = ref.pearson_chi2 / ref.df_resid
    assert phi > 1 and res.method == "quasipoisson"
    assert res.dispersion == pytest.approx(phi, rel=1e-8)
    assert res.rate_ratio == pytest.approx(math.exp(ref.params["post"]), rel=1e-8)
    assert res.log_se == pytest.approx(ref.bse["post"] * math.sqrt(phi), rel=1e-6)
    assert res.trend_per_year == pytest.approx(math.exp(ref.params["t"]), rel=1e-8)


def test_negative_binomial_and_slope_change_match_statsmodels() -> None:
    rng = np.random.default_rng(3)
    counts = rng.negative_binomial(5, 5 / (5 + 12), 60)
    series = series_from_frame(_series(counts, "2016-01"))
    res = fit_its(series, START, method="negbin", slope_change=True)
    X = design(series.months, START, slope_change=True)
    ref = sm.NegativeBinomial(counts.astype(float), X).fit(disp=0, maxiter=200)
    assert res.rate_ratio == pytest.approx(math.exp(ref.params["level"]), rel=1e-4)
    assert res.slope_change_per_year == pytest.approx(math.exp(ref.params["slope"]), rel=1e-4)


def test_month_dummies_design() -> None:
    months = pd.period_range("2019-01", periods=24, freq="M")
    X = design(months, START, season="month")
    assert [c for c in X.columns if c.startswith("m")] == [f"m{m:02d}" for m in range(2, 13)]
    assert X["level"].sum() == 12 and X.loc["2019-03", "m03"] == 1


@pytest.mark.parametrize(("dispersion", "ratio"), [(1.0, 0.75), (2.0, 1.0)])
def test_intervals_cover_the_truth_about_95_percent(dispersion: float, ratio: float) -> None:
    """Simulated series with a known effect: the 95% interval covers it in 88-99% of 150
    runs (the full run, with more reps, is benchmarks/evaluation.py)."""
    rng = np.random.default_rng(11)
    hits = 0
    reps = 150
    for _ in range(reps):
        counts = simulate_counts(
            60, ratio, 36, 24, rng, dispersion=dispersion, trend_per_year=1.05,
            seasonal_amplitude=0.2,
        )  # fmt: skip
        res = fit_its(series_from_frame(counts), START)
        hits += res.ci_low <= ratio <= res.ci_high
    assert 0.88 <= hits / reps <= 0.99


def test_placebo_starts_reject_about_5_percent() -> None:
    """Series with no intervention: placebo starts in time find p < 0.05 rarely."""
    rng = np.random.default_rng(5)
    shares = []
    for _ in range(12):
        counts = simulate_counts(100, 1.0, 48, 6, rng, dispersion=1.5, seasonal_amplitude=0.2)
        series = series_from_frame(counts)
        real = fit_its(series, START)
        shares.append(placebo_in_time(series, real).share_significant)
    assert 0.0 <= float(np.mean(shares)) <= 0.12


def test_placebo_in_space_and_rank() -> None:
    rng = np.random.default_rng(9)
    treated = simulate_counts(120, 0.5, 36, 12, rng)
    others = {f"area {i}": simulate_counts(120, 1.0, 36, 12, rng) for i in range(9)}
    real = fit_its(series_from_frame(treated), START)
    placebo = placebo_in_space(others, real)
    assert placebo.n == 9
    assert placebo.rank_p == pytest.approx(0.1)  # the real halving is the most extreme of 10
    assert rank_p_value(0.9, [0.5, 1.2, 0.95]) == pytest.approx(3 / 4)


def test_spring_2020_shock_shows_a_clear_drop() -> None:
    """The real first lockdown in the bundled MPS series: Waltham Forest robbery fell by
    about half in April-June 2020 against its 2016-2020 trend and season."""
    london = pd.read_parquet(get_settings().bundled_data / "london" / "mps_borough_monthly.parquet")
    rows = london[(london["borough"] == "Waltham Forest") & (london["series"] == "Robbery")]
    counts = rows.set_index("month")["count"].sort_index().loc["2016-01":"2020-06"]
    res = fit_its(series_from_frame(counts), pd.Period("2020-04", freq="M"))
    assert res.ci_high < 0.75
    assert 0.3 < res.rate_ratio < 0.65
