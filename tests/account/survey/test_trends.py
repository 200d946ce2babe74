"""Change across waves: the z-tests by hand, the trend against statsmodels' WLS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from upstream.account.survey.trends import change, quarter_index, question_trends, trend


def test_change_by_hand() -> None:
    # 50% of an effective 400, then 40% of an effective 300
    se1, se2 = math.sqrt(0.25 / 400), math.sqrt(0.24 / 300)
    c = change(0.5, se1, 0.4, se2, "2024Q1", "2025Q1")
    se = math.sqrt(0.25 / 400 + 0.24 / 300)
    assert c.difference == pytest.approx(-0.1)
    assert c.z == pytest.approx(-0.1 / se)
    assert c.ci_low == pytest.approx(-0.1 - 1.959964 * se, abs=1e-6)
    # se = sqrt(0.000625 + 0.0008) = 0.03775, z = -2.649, p = 2 * (1 - Phi(2.649))
    assert c.p_value == pytest.approx(0.00807, abs=2e-5)


def test_trend_matches_weighted_least_squares_with_known_variances() -> None:
    waves = ["2024Q1", "2024Q2", "2024Q4", "2025Q1"]  # a gap at 2024Q3
    shares = [0.66, 0.63, 0.60, 0.55]
    ses = [0.02, 0.025, 0.02, 0.03]
    got = trend(waves, shares, ses)
    assert got is not None
    x = sm.add_constant(np.array([quarter_index(w) for w in waves], float) / 4)
    fit = sm.WLS(np.array(shares), x, weights=1 / np.square(ses)).fit(cov_type="fixed scale")
    assert got.slope_per_year == pytest.approx(fit.params[1])
    assert got.ci_low == pytest.approx(fit.conf_int()[1][0])
    assert got.p_value == pytest.approx(fit.pvalues[1])
    assert trend(waves[:2], shares[:2], ses[:2]) is None


def test_a_falling_share_is_found_and_a_flat_one_is_not() -> None:
    rng = np.random.default_rng(3)
    frames = []
    for k, wave in enumerate(["2024Q1", "2024Q2", "2024Q3", "2024Q4"]):
        n = 800
        trusting = rng.random(n) < 0.70 - 0.06 * k
        flat = rng.random(n) < 0.4
        frames.append(
            pd.DataFrame(
                {
                    "wave": wave,
                    "weight": rng.lognormal(0, 0.4, n),
                    "confidence_police": np.where(trusting, "agree", "disagree"),
                    "crime_increased": np.where(flat, "a_lot_more", "about_the_same"),
                }
            )
        )
    table = question_trends(pd.concat(frames), ["confidence_police", "crime_increased"])
    rows = table.set_index("question")
    falling = rows.loc["confidence_police"]
    assert falling["change_first"] < 0 and falling["p_first"] < 0.001
    assert falling["slope_high"] < 0
    assert rows.loc["crime_increased", "p_trend"] > 0.05
    assert set(rows["first"]) == {"2024Q1"}
    assert set(rows["latest"]) == {"2024Q4"}
