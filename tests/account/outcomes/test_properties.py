"""Invariants of the intervals and charts, over many generated series (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from upstream.account.outcomes.intervals import compare, period_intervals
from upstream.account.outcomes.spc import control_chart

counts = st.lists(st.integers(0, 60), min_size=4, max_size=30)


@settings(max_examples=150, deadline=None)
@given(counts)
def test_count_intervals_hold_the_value_and_limits_bracket_the_centre(values):
    frame = pd.DataFrame({"period": range(len(values)), "numerator": values, "denominator": 1.0})
    table = period_intervals("count", frame)
    assert (table["lower"] <= table["value"]).all() and (table["value"] <= table["upper"]).all()
    chart = control_chart("count", frame, np.arange(len(values)) < len(values) // 2)
    assert (chart["lcl"] >= 0).all()
    assert (chart["lcl"] <= chart["centre"]).all() and (chart["centre"] <= chart["ucl"]).all()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=4, max_size=20))
def test_share_intervals_and_limits_stay_within_zero_and_one(pairs):
    hits = [min(a, b) for a, b in pairs]
    people = [max(a, b) for a, b in pairs]
    frame = pd.DataFrame(
        {"period": range(len(pairs)), "numerator": hits, "denominator": np.array(people, float)}
    )
    table = period_intervals("proportion", frame).dropna(subset=["value"])
    assert ((table["lower"] >= 0) & (table["upper"] <= 1)).all()
    assert ((table["lower"] <= table["value"] + 1e-12) & (table["value"] <= table["upper"])).all()
    chart = control_chart("proportion", frame, np.ones(len(pairs), bool)).dropna()
    assert ((chart["lcl"] >= 0) & (chart["ucl"] <= 1)).all()


@settings(max_examples=100, deadline=None)
@given(counts, counts)
def test_a_rate_ratio_interval_holds_its_estimate(base, latest):
    b = pd.DataFrame({"numerator": base, "denominator": 1.0})
    c = pd.DataFrame({"numerator": latest, "denominator": 1.0})
    result = compare("count", b, c)
    if sum(base) == 0:
        assert result is None
        return
    assert result is not None
    assert result.lower <= result.effect <= result.upper
    assert 0 <= result.p_value <= 1
