"""Relative rates by ethnic group and the population-shares input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from upstream.analysis.disparity import (
    ASSUMED_SHARES,
    PopulationSharesError,
    load_population_shares,
    relative_rates,
    stop_search_group,
)
from upstream.analysis.trends import poisson_ratio_ci


def test_relative_rates_by_hand() -> None:
    shares = {"Asian": 0.2, "Black": 0.1, "Mixed": 0.1, "White": 0.5, "Other": 0.1}
    counts = pd.Series({"Black": 60, "White": 100, "Asian": 40})
    t = relative_rates(counts, shares, 100_000, years=2.0)
    # Black: 60 per 10,000 residents over 2 years = 3 per 1,000 a year; White 1 per 1,000
    assert t.loc["Black", "rate"] == pytest.approx(3.0)
    assert t.loc["White", "rate"] == pytest.approx(1.0)
    assert t.loc["Black", "relative_rate"] == pytest.approx(3.0)
    ref = poisson_ratio_ci(60, 100, exposure_new=10_000, exposure_old=50_000)
    assert t.loc["Black", "rr_lower"] == pytest.approx(ref.lower)
    assert t.loc["Black", "rr_upper"] == pytest.approx(ref.upper)
    assert t.loc["Mixed", "count"] == 0 and t.loc["Mixed", "relative_rate"] == 0


def test_defaults_are_labelled_assumptions_and_a_file_replaces_them(tmp_path: Path) -> None:
    defaults = load_population_shares(None)
    assert all(s.assumed and "ASSUMED" in s.source for s in defaults.values())
    assert sum(ASSUMED_SHARES["all_ages"].shares.values()) == pytest.approx(1.0)
    path = tmp_path / "pop.toml"
    path.write_text(
        '[all_ages]\nsource = "Census 2021 TS021"\n'
        "Asian = 2\nBlack = 1\nMixed = 1\nWhite = 5\nOther = 1\n"
    )
    loaded = load_population_shares(path)
    assert not loaded["all_ages"].assumed
    assert loaded["all_ages"].source == "Census 2021 TS021"
    assert loaded["all_ages"].shares["White"] == pytest.approx(0.5)
    assert loaded["under_18"].assumed  # not in the file: the default stays
    path.write_text("[all_ages]\nAsian = 1\n")
    with pytest.raises(PopulationSharesError, match="no share for 'Black'"):
        load_population_shares(path)
    path.write_text("[children]\nAsian = 1\n")
    with pytest.raises(PopulationSharesError, match="unknown table"):
        load_population_shares(path)


def test_stop_search_groups() -> None:
    values = pd.Series(["Black", "white", " Asian ", None, "Other"])
    assert stop_search_group(values).tolist() == ["Black", "White", "Asian", pd.NA, "Other"]
