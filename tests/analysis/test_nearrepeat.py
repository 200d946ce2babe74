"""The Knox test on a hand-counted example and on planted space-time patterns."""

from __future__ import annotations

import numpy as np
import pytest

from upstream.analysis.nearrepeat import knox, knox_reading


def test_hand_counted_example() -> None:
    # A(0,0,day 0) B(100,0,5) C(1000,0,6) D(0,100,100)
    # close in space (<= 400 m): AB, AD, BD; close in time (<= 14 d): AB, AC, BC; both: AB
    x = np.array([0.0, 100.0, 1000.0, 0.0])
    y = np.array([0.0, 0.0, 0.0, 100.0])
    t = np.array([0.0, 5.0, 6.0, 100.0])
    r = knox(x, y, t, metres=400, days=14, permutations=99)
    assert (r.pairs, r.close_in_space, r.close_in_time, r.observed) == (6, 3, 3, 1)
    assert r.expected == pytest.approx(3 * 3 / 6)
    assert r.ratio == pytest.approx(1 / 1.5)


def test_planted_near_repeats_are_found() -> None:
    rng = np.random.default_rng(0)
    n = 300
    x, y, t = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.uniform(0, 365, n)
    random = knox(x, y, t)
    assert random.p_value > 0.05
    assert 0.7 < random.ratio < 1.3
    # plant 60 repeats 10 m and 2 days after 60 of the events
    x2 = np.concatenate([x, x[:60] + 10])
    y2 = np.concatenate([y, y[:60]])
    t2 = np.concatenate([t, t[:60] + 2])
    planted = knox(x2, y2, t2)
    assert planted.observed >= random.observed + 60
    assert planted.p_value == pytest.approx(1 / 1000)
    assert planted.ratio > 1.3
    assert "more common than chance" in knox_reading(planted, "incidents")
    assert "no clear near-repeat" in knox_reading(random, "incidents")


def test_missing_values_are_left_out_and_tiny_inputs() -> None:
    r = knox(np.array([0.0, np.nan, 5.0]), np.zeros(3), np.array([0.0, 1.0, 2.0]))
    assert r.events == 2
    assert knox(np.zeros(1), np.zeros(1), np.zeros(1)).pairs == 0
