"""The exact Poisson ratio interval and 12-month comparisons, against hand and library values."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep as exact_cond_test

from upstream.analysis.trends import (
    compare_periods,
    monthly_reading,
    monthly_series,
    poisson_ratio_ci,
    ratio_reading,
)


def test_40_to_52_interval_is_the_conditional_clopper_pearson_one() -> None:
    r = poisson_ratio_ci(52, 40)
    assert r.ratio == pytest.approx(1.3)
    # hand values (R: poisson.test(c(52, 40)) uses the same method): 0.8444 to 2.0149
    assert r.lower == pytest.approx(0.84435, abs=5e-5)
    assert r.upper == pytest.approx(2.01490, abs=5e-5)
    # defining property: at each bound the binomial tail of 52 of 92 is exactly 2.5%
    p_lo, p_hi = r.lower / (1 + r.lower), r.upper / (1 + r.upper)
    assert stats.binom.sf(51, 92, p_lo) == pytest.approx(0.025, abs=1e-9)
    assert stats.binom.cdf(52, 92, p_hi) == pytest.approx(0.025, abs=1e-9)
    # the same interval from scipy's exact binomial interval, mapped to the ratio
    ci = stats.binomtest(52, 92).proportion_ci(0.95, method="exact")
    assert r.lower == pytest.approx(ci.low / (1 - ci.low))
    assert r.upper == pytest.approx(ci.high / (1 - ci.high))
    # p-value agrees with statsmodels' exact conditional test
    sm = exact_cond_test(52, 1, 40, 1, method="exact-cond")
    assert r.p_value == pytest.approx(sm.pvalue, rel=1e-9)
    assert not r.significant


def test_11_to_30_is_beyond_chance() -> None:
    r = poisson_ratio_ci(30, 11)
    assert r.ratio == pytest.approx(30 / 11)
    assert r.lower == pytest.approx(1.3286, abs=1e-4)
    assert r.upper == pytest.approx(6.0317, abs=1e-4)
    assert r.p_value == pytest.approx(
        exact_cond_test(30, 1, 11, 1, method="exact-cond").pvalue, rel=1e-9
    )
    assert r.significant


def test_exposures_scale_the_ratio() -> None:
    # 20 events in 2 years against 10 in 1 year: same rate
    r = poisson_ratio_ci(20, 10, exposure_new=2.0, exposure_old=1.0)
    assert r.ratio == pytest.approx(1.0)
    plain = poisson_ratio_ci(20, 10)
    assert r.lower == pytest.approx(plain.lower / 2)
    assert r.upper == pytest.approx(plain.upper / 2)
    assert r.p_value == pytest.approx(1.0)


def test_zero_counts() -> None:
    both = poisson_ratio_ci(0, 0)
    assert math.isnan(both.ratio) and both.p_value == 1.0
    none_before = poisson_ratio_ci(5, 0)
    assert none_before.ratio == math.inf and none_before.upper == math.inf
    none_after = poisson_ratio_ci(0, 5)
    assert none_after.ratio == 0 and none_after.lower == 0
    # 0 of 5: upper p bound is 1 - 0.025**(1/5)
    p_hi = 1 - 0.025 ** (1 / 5)
    assert none_after.upper == pytest.approx(p_hi / (1 - p_hi))
    with pytest.raises(ValueError):
        poisson_ratio_ci(-1, 3)


def test_monthly_series_fills_gaps_and_averages_twelve_months() -> None:
    counts = pd.Series({"2020-01": 12, "2020-03": 24})
    frame = monthly_series(counts, "2020-01", "2020-12")
    assert frame["count"].tolist() == [12, 0, 24] + [0] * 9
    assert frame["rolling"].iloc[:11].isna().all()
    assert frame["rolling"].iloc[11] == pytest.approx(3.0)


def test_compare_periods_needs_both_windows() -> None:
    months = [str(p) for p in pd.period_range("2022-08", "2024-07", freq="M")]
    counts = pd.Series([40 / 12] * 12 + [52 / 12] * 12, index=months).round().astype(int)
    counts.iloc[:12] = [4, 3, 3, 4, 3, 3, 4, 3, 3, 4, 3, 3]  # 40
    counts.iloc[12:] = [5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4]  # 52
    cmp = compare_periods(counts, "2024-07")
    assert cmp is not None
    assert (cmp.result.old, cmp.result.new) == (40, 52)
    assert cmp.latest == ("2023-08", "2024-07") and cmp.previous == ("2022-08", "2023-07")
    assert cmp.change == pytest.approx(0.3)
    text = ratio_reading(cmp, "offences")
    assert "52 offences in 2023-08 to 2024-07, against 40" in text
    assert "0.84 to 2.01" in text and "could be chance" in text
    assert compare_periods(counts, "2024-08") is None
    assert compare_periods(counts.iloc[1:], "2024-07") is None


def test_monthly_reading_says_the_average_extremes_gaps_and_the_12_month_change() -> None:
    months = [str(p) for p in pd.period_range("2020-01", "2021-12", freq="M")]
    counts = pd.Series([10.0] * 12 + [20.0] * 12, index=months)
    counts.iloc[0] = 4.0  # the quietest month
    counts.iloc[13] = 26.0  # the busiest
    text = monthly_reading(counts, "crimes")
    # mean (4 + 11 x 10 + 26 + 11 x 20) / 24 = 15
    assert text.startswith(
        "On average 15 crimes a month over the 24 months loaded (busiest 2021-02: 26; "
        "quietest 2020-01: 4)."
    )
    # 246 against 114: the same sentence as ratio_reading gives
    cmp = compare_periods(counts, "2021-12")
    assert cmp is not None and (cmp.result.new, cmp.result.old) == (246, 114)
    assert text.endswith(ratio_reading(cmp, "crimes"))
    gappy = counts.copy()
    gappy.iloc[5] = float("nan")
    text = monthly_reading(gappy, "crimes")
    assert "over the 23 months loaded" in text and "1 month in the range is not loaded" in text
    assert "Fewer than 24 months in a row" in text  # the gap breaks the 24 months
    assert monthly_reading(pd.Series([float("nan")] * 3, index=months[:3]), "crimes") == (
        "No months of crimes are loaded."
    )
