"""Exact Poisson intervals and rates per 1,000, against published table values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upstream.analysis.rates import byar_ci, poisson_ci, rate_table, residents_in_bands


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


CENSUS_2021_BANDS = [((0, 16), 160.0), ((16, 25), 90.0), ((25, 35), 100.0), ((65, None), 40.0)]


def test_residents_in_bands_splits_census_bands_by_single_years() -> None:
    bands = [(0, 10), (10, 15), (15, 18), (18, 25), (25, 35), (65, None)]
    got = residents_in_bands(CENSUS_2021_BANDS, bands)
    # by hand: 0-9 = 10/16 x 160; 10-14 = 5/16 x 160; 15-17 = 1/16 x 160 + 2/9 x 90;
    # 18-24 = 7/9 x 90; 25-34 and 65+ as counted
    assert got == pytest.approx([100.0, 50.0, 10.0 + 20.0, 70.0, 100.0, 40.0])
    assert sum(got) == pytest.approx(sum(r for _, r in CENSUS_2021_BANDS))


def test_an_open_band_is_taken_whole_or_not_at_all() -> None:
    # 60+ would need ages 60-64 from a 50-64 band (5/15) and all of 65+
    census = [((50, 65), 150.0), ((65, None), 40.0)]
    assert residents_in_bands(census, [(60, None)]) == pytest.approx([50.0 + 40.0])
    with pytest.raises(ValueError, match="needs part of the open band 65"):
        residents_in_bands(census, [(65, 75)])
    with pytest.raises(ValueError, match="age band 70\\+ needs part of the open band 65"):
        residents_in_bands(census, [(70, None)])
