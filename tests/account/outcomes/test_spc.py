"""Control charts against hand-computed limits, and each run rule on a series built for it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from upstream.account.outcomes.spc import control_chart, run_rules


def _frame(num, den):
    return pd.DataFrame({"numerator": num, "denominator": den})


def test_u_chart_limits_by_hand():
    counts = [4, 2, 3, 5, 6, 4, 9]
    base = np.array([True] * 6 + [False])
    chart = control_chart("count", _frame(counts, [1.0] * 7), base)
    # baseline mean 24 / 6 = 4; limits 4 +/- 3 * sqrt(4) = -2 (floored to 0) and 10
    assert chart["centre"].iloc[0] == pytest.approx(4.0)
    assert chart["ucl"].iloc[0] == pytest.approx(10.0)
    assert chart["lcl"].iloc[0] == 0.0
    assert chart["signals"].iloc[-1] == []  # 9 is inside the limits


def test_u_chart_with_unequal_exposure():
    chart = control_chart("count", _frame([10, 30, 20], [1.0, 2.0, 4.0]), np.ones(3, bool))
    u = 60 / 7
    assert chart["ucl"].tolist() == pytest.approx(
        [u + 3 * math.sqrt(u / n) for n in (1.0, 2.0, 4.0)]
    )


def test_p_chart_limits_by_hand():
    chart = control_chart("proportion", _frame([10, 20, 0], [50.0, 100.0, 0.0]), np.ones(3, bool))
    p = 30 / 150
    assert chart["centre"].iloc[0] == pytest.approx(p)
    assert chart["ucl"].iloc[0] == pytest.approx(p + 3 * math.sqrt(p * (1 - p) / 50))
    assert chart["lcl"].iloc[1] == pytest.approx(p - 3 * math.sqrt(p * (1 - p) / 100))
    assert math.isnan(chart["ucl"].iloc[2])  # no one that month: no limits


def test_ratio_chart_is_a_p_chart_of_the_groups_share():
    chart = control_chart("ratio", _frame([30, 50], [70.0, 50.0]), np.ones(2, bool), scale=3.0)
    s = 80 / 200  # the group's share of both groups' searches in the baseline
    assert chart["centre"].iloc[0] == pytest.approx(s / (1 - s) * 3.0)
    hi = s + 3 * math.sqrt(s * (1 - s) / 100)
    assert chart["ucl"].iloc[0] == pytest.approx(hi / (1 - hi) * 3.0)


def _rules(values, centre=0.0, sigma=1.0):
    n = len(values)
    return run_rules(np.array(values, float), np.full(n, centre), np.full(n, sigma))


def test_outside_the_limits():
    assert _rules([0, 3.5, -3.1, 0, 2.9]) == [[], ["outside"], ["outside"], [], []]


def test_shift_needs_seven_on_one_side():
    six = _rules([0.5] * 6 + [-0.5])
    assert all("shift" not in r for r in six)
    seven = _rules([-0.5] + [0.5] * 7)
    assert [("shift" in r) for r in seven] == [False] + [True] * 7
    broken = _rules([0.5] * 3 + [0.0] + [0.5] * 4)  # a point on the centre line breaks it
    assert all("shift" not in r for r in broken)


def test_trend_needs_seven_points_each_higher():
    rising = [-1.2, -0.8, -0.4, 0.0, 0.4, 0.8, 1.2]  # crosses the centre, so no shift
    assert all(r == ["trend"] for r in _rules(rising))
    assert all("trend" not in r for r in _rules(rising[:6]))
    falling = _rules([1.2, 0.8, 0.4, 0.4, 0.0, -0.4, -0.8, -1.2])  # a tie breaks the run
    assert all("trend" not in r for r in falling)


def test_two_of_three_beyond_two_sigma():
    flags = _rules([0, 2.5, 0.1, 2.2, 0, -2.5, 0, 0, -2.1])
    assert [("two_of_three" in r) for r in flags] == [
        False, True, False, True, False, False, False, False, False,
    ]  # fmt: skip


def test_missing_values_break_no_rule():
    assert _rules([np.nan, 5.0]) == [[], ["outside"]]
