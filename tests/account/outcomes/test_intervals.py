"""Intervals against scipy and statsmodels computed another way, and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import proportion as smp

from upstream.account.outcomes.intervals import compare, period_intervals


def _frame(num, den):
    return pd.DataFrame(
        {"period": [f"2024-{i + 1:02d}" for i in range(len(num))], "numerator": num,
         "denominator": den}
    )  # fmt: skip


def test_monthly_count_interval_is_garwoods():
    table = period_intervals("count", _frame([0, 5], [1.0, 1.0]))
    # Garwood: chi2(0.025, 2x) / 2 to chi2(0.975, 2x + 2) / 2; for 0 the upper is -ln(0.025)
    assert table["lower"].tolist() == pytest.approx([0.0, stats.chi2.ppf(0.025, 10) / 2])
    assert table["upper"].iloc[0] == pytest.approx(-math.log(0.025))
    assert table["upper"].iloc[1] == pytest.approx(11.668332, rel=1e-6)  # R: poisson.test(5)


def test_monthly_share_interval_is_clopper_pearsons():
    table = period_intervals("proportion", _frame([3, 0], [20.0, 0.0]))
    ci = stats.binomtest(3, 20).proportion_ci(method="exact")
    assert (table["lower"].iloc[0], table["upper"].iloc[0]) == pytest.approx((ci.low, ci.high))
    assert np.isnan(table["value"].iloc[1]) and np.isnan(table["lower"].iloc[1])


def test_monthly_ratio_interval_is_the_exact_conditional_one():
    table = period_intervals("ratio", _frame([30], [40.0]), scale=2.0)
    ci = stats.binomtest(30, 70).proportion_ci(method="exact")
    # ratio = (30 / share_group) / (40 / share_ref) = 30 / 40 * 2; the share p = 30 / 70 maps
    # to the ratio through p / (1 - p) * scale
    assert table["value"].iloc[0] == pytest.approx(1.5)
    assert table["lower"].iloc[0] == pytest.approx(ci.low / (1 - ci.low) * 2.0)
    assert table["upper"].iloc[0] == pytest.approx(ci.high / (1 - ci.high) * 2.0)


def test_count_comparison_with_unequal_windows():
    base = _frame([4] * 12, [1.0] * 12)  # 48 in 12 months
    latest = _frame([6] * 6, [1.0] * 6)  # 36 in 6 months
    c = compare("count", base, latest)
    assert c is not None and c.kind == "rate ratio"
    assert c.effect == pytest.approx((36 / 6) / (48 / 12))
    # conditional on 84 events, the latest window's share is binomial with p = 6 / 18
    ci = stats.binomtest(36, 84).proportion_ci(method="exact")
    odds = lambda p: p / (1 - p) * 12 / 6  # noqa: E731
    assert (c.lower, c.upper) == pytest.approx((odds(ci.low), odds(ci.high)))
    assert c.p_value == pytest.approx(stats.binomtest(36, 84, 6 / 18).pvalue)


def _wilson(x, n):
    return smp.proportion_confint(x, n, alpha=0.05, method="wilson")


def test_share_comparison_is_newcombes_hybrid_score_interval():
    base, latest = _frame([30], [100.0]), _frame([45], [100.0])
    c = compare("proportion", base, latest)
    # Newcombe (1998), method 10, by hand from the two Wilson intervals
    p1, p2 = 0.45, 0.30
    l1, u1 = _wilson(45, 100)
    l2, u2 = _wilson(30, 100)
    lower = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert c is not None and c.kind == "difference"
    assert (c.effect, c.lower, c.upper) == pytest.approx((0.15, lower, upper))
    assert c.p_value == pytest.approx(
        smp.test_proportions_2indep(45, 100, 30, 100, method="score").pvalue
    )


def test_share_comparison_when_nobody_in_either_window():
    c = compare("proportion", _frame([0], [80.0]), _frame([0], [90.0]))
    assert c is not None and c.effect == 0 and c.p_value == 1.0
    assert c.lower < 0 < c.upper


def test_disparity_comparison_interval_inverts_the_score_test():
    base, latest = _frame([300], [100.0]), _frame([240], [120.0])
    c = compare("ratio", base, latest, scale=3.0)
    assert c is not None and c.kind == "ratio of ratios"
    assert c.effect == pytest.approx((240 / 120) / (300 / 100))
    assert c.baseline == pytest.approx(9.0) and c.latest == pytest.approx(6.0)
    # At each end of a score interval the score test of that odds ratio has p = 0.05.
    for bound in (c.lower, c.upper):
        test = smp.test_proportions_2indep(
            240, 360, 300, 400, value=bound, compare="odds-ratio", method="score"
        )
        assert test.pvalue == pytest.approx(0.05, abs=1e-3)


def test_nothing_to_compare():
    assert compare("count", _frame([0, 0], [1.0, 1.0]), _frame([3], [1.0])) is None
    assert compare("proportion", _frame([0], [0.0]), _frame([3], [5.0])) is None
    assert compare("ratio", _frame([5], [0.0]), _frame([3], [5.0])) is None


def test_bootstrap_agrees_with_exact_for_poisson_months_and_widens_for_overdispersed():
    rng = np.random.default_rng(7)
    base = _frame(rng.poisson(40, 24).tolist(), [1.0] * 24)
    latest = _frame(rng.poisson(40, 24).tolist(), [1.0] * 24)
    exact = compare("count", base, latest)
    boot = compare("count", base, latest, interval="bootstrap")
    assert exact is not None and boot is not None
    assert math.isnan(boot.p_value) and "bootstrap" in boot.method
    width = lambda c: math.log(c.upper) - math.log(c.lower)  # noqa: E731
    assert width(boot) == pytest.approx(width(exact), rel=0.35)
    # negative binomial months (variance 40 + 40^2 / 4 = 440, eleven times the mean)
    wide_b = _frame(rng.negative_binomial(4, 4 / 44, 24).tolist(), [1.0] * 24)
    wide_l = _frame(rng.negative_binomial(4, 4 / 44, 24).tolist(), [1.0] * 24)
    exact = compare("count", wide_b, wide_l)
    boot = compare("count", wide_b, wide_l, interval="bootstrap")
    assert width(boot) > 2 * width(exact)
    again = compare("count", wide_b, wide_l, interval="bootstrap")
    assert (again.lower, again.upper) == (boot.lower, boot.upper)  # seeded
