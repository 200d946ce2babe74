"""The programme-returns hook: a function giving ETE starts per quarter, wired with
``register_source``, feeds the shipped ETE measure quarter by quarter."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats import proportion as smp

from upstream.account.outcomes import SOURCES, compute_measure, load_measures, register_source
from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.sources import ete_source_from
from upstream.config import Settings

QUARTERS = [f"{y}Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)]
STARTS = [10, 12, 9, 11, 20, 22, 25, 21]
PARTICIPANTS = [100, 110, 95, 105, 100, 100, 110, 100]


def ete_participation(settings: Settings) -> pd.DataFrame:
    """Stands in for programme returns' function of the same shape (a real frame)."""
    return pd.DataFrame(
        {"quarter": QUARTERS, "ete_starts": STARTS, "participants": PARTICIPANTS,
         "synthetic": True}
    )  # fmt: skip


@pytest.fixture
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SOURCES, "returns_ete", SOURCES["returns_ete"])  # restored afterwards
    register_source("returns_ete", ete_source_from(ete_participation))


def test_the_ete_measure_once_returns_are_wired(wired, settings):
    measure = next(m for m in load_measures() if m.id == "ete_participation")
    result = compute_measure(OutcomeContext(settings), measure)
    assert result.available and result.synthetic
    assert result.baseline == ("2023Q1", "2023Q4") and result.latest == ("2024Q1", "2024Q4")
    c = result.comparison
    assert c is not None and c.counts == (42, 88) and c.sizes == (410, 410)
    low, high = smp.confint_proportions_2indep(88, 410, 42, 410, method="newcomb")
    assert (c.lower, c.upper) == pytest.approx((low, high))
    assert result.verdict == "better than baseline"  # higher is better
    # an end month keeps the quarters over by then
    for end, last in (("2024-08", "2024Q2"), ("2024-09", "2024Q3"), ("2025-02", "2024Q4")):
        cut = compute_measure(OutcomeContext(settings), measure, end=end)
        assert cut.table["period"].iloc[-1] == last


def test_unwired_it_says_so(settings):
    measure = next(m for m in load_measures() if m.id == "ete_participation")
    result = compute_measure(OutcomeContext(settings), measure)
    assert not result.available
    assert "the 'returns_ete' source is not connected yet" in result.reading


def test_register_source_refuses_an_undeclared_name():
    with pytest.raises(KeyError, match="unknown outcome source 'returns_typo'"):
        register_source("returns_typo", ete_source_from(ete_participation))
