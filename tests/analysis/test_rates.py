"""Exact Poisson intervals and rates per 1,000, against published table values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upstream.analysis.rates import byar_ci, poisson_ci, rate_table


def test_exact_interval_matches_published_values() -> None:
    # Garwood exact 95% limits, as tabulated (e.g. Ulm 1990; Breslow and Day 1987)
    lo, hi = poisson_ci([0, 1, 10, 100])
    assert lo == pytest.approx([0.0, 0.0253, 4.7954, 81.364], abs=1e-3)
    assert hi == pytest.approx([3.6889, 5.5716, 18.3904, 121.627], abs=1e-3)


def test_byar_is_close_to_exact_for_moderate_counts() -> None:
    x = np.array([5, 10, 50, 200])
    lo, hi = poisson_ci(x)
    blo, bhi = byar_ci(x)
    assert blo == pytest.approx(lo, rel=0.01)
    assert bhi == pytest.approx(hi, rel=0.01)
    assert byar_ci(0)[0] == 0.0


def test_rate_table_per_thousand_per_year() -> None:
    counts = pd.Series({"A": 10, "C": 3})
    pop = pd.Series({"A": 2000.0, "B": 1000.0, "C": 0.0})
    t = rate_table(counts, pop, years=2.0)
    assert t.loc["A", "rate"] == pytest.approx(10 / 2000 * 1000 / 2)
    assert t.loc["A", "lower"] == pytest.approx(4.7954 / 4, abs=1e-4)
    assert t.loc["A", "upper"] == pytest.approx(18.3904 / 4, abs=1e-4)
    assert t.loc["B", "count"] == 0 and t.loc["B", "rate"] == 0
    assert np.isnan(t.loc["C", "rate"])  # no residents, no rate
    with pytest.raises(ValueError):
        rate_table(counts, pop, years=0)
