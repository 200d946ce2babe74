"""Metrics: worked examples, deterministic ties, and invariants (hypothesis)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upstream.forecast.metrics import evaluate, flagged, harm_capture, hit_rate, pai, pei


def _series(values: list[float], ids: list[int] | None = None) -> pd.Series:
    return pd.Series(values, index=pd.Index(ids or list(range(len(values))), name="cell_id"))


# ten cells; the forecast ranks cells 0, 1, 2, ... highest first
SCORES = _series([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
ACTUAL = _series([2, 0, 1, 0, 0, 5, 0, 0, 0, 2])  # 10 events


def test_worked_example_at_20_percent() -> None:
    # 20% of 10 equal cells = 2 cells flagged: cells 0 and 1 hold 2 of the 10 events
    assert list(flagged(SCORES, 0.2)) == [0, 1]
    assert hit_rate(SCORES, ACTUAL, 0.2) == pytest.approx(0.2)
    assert pai(SCORES, ACTUAL, 0.2) == pytest.approx(0.2 / 0.2)
    # the best two cells (5 and 0 or 9) hold 7 of 10 events: PEI = 2 / 7
    assert pei(SCORES, ACTUAL, 0.2) == pytest.approx(2 / 7)


def test_worked_example_at_30_percent_and_harm() -> None:
    # 3 cells: 0, 1, 2 hold 3 of 10 events; PAI = 0.3 / 0.3 = 1
    assert hit_rate(SCORES, ACTUAL, 0.3) == pytest.approx(0.3)
    assert pai(SCORES, ACTUAL, 0.3) == pytest.approx(1.0)
    # best three hold 5 + 2 + 2 = 9
    assert pei(SCORES, ACTUAL, 0.3) == pytest.approx(3 / 9)
    harm = ACTUAL * 10.0
    harm[0] = 100.0  # a very harmful event in cell 0: 100 of 180 harm
    assert harm_capture(SCORES, harm, 0.3) == pytest.approx((100 + 10) / 180)


def test_evaluate_has_every_measure_per_coverage() -> None:
    table = evaluate(SCORES, ACTUAL, coverages=[0.1, 0.5], harm=ACTUAL * 2)
    assert list(table.columns) == [
        "coverage",
        "units",
        "area_share",
        "hit_rate",
        "pai",
        "pei",
        "harm_capture",
    ]
    assert table["units"].tolist() == [1, 5]
    first = table.iloc[0]
    assert first["hit_rate"] == pytest.approx(0.2) and first["pai"] == pytest.approx(2.0)
    assert table.iloc[1]["hit_rate"] == pytest.approx(0.3)  # cells 0-4 hold 2 + 1


def test_ties_break_by_cell_id_ascending() -> None:
    scores = _series([1.0, 1.0, 1.0, 1.0], ids=[40, 10, 30, 20])
    assert list(flagged(scores, 0.5)) == [10, 20]
    # the order of the input does not matter
    assert list(flagged(scores.sample(frac=1, random_state=3), 0.5)) == [10, 20]


def test_unequal_areas_flag_by_area_share() -> None:
    scores = _series([3.0, 2.0, 1.0])
    area = _series([10.0, 50.0, 40.0])
    assert list(flagged(scores, 0.1, area)) == [0]  # 10% of the area
    assert list(flagged(scores, 0.5, area)) == [0]  # the next unit would pass 50%
    assert list(flagged(scores, 0.6, area)) == [0, 1]
    actual = _series([1.0, 1.0, 2.0])
    assert pai(scores, actual, 0.1, area) == pytest.approx(0.25 / 0.1)


def test_no_events_gives_nan_not_a_number_that_looks_real() -> None:
    none = _series([0.0] * 10)
    assert math.isnan(hit_rate(SCORES, none, 0.1))
    assert math.isnan(pai(SCORES, none, 0.1))
    assert math.isnan(pei(SCORES, none, 0.1))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        hit_rate(SCORES, ACTUAL, 0.0)
    with pytest.raises(ValueError):
        hit_rate(SCORES, ACTUAL, 1.5)
    with pytest.raises(ValueError):
        hit_rate(_series([np.nan] * 10), ACTUAL, 0.1)
    with pytest.raises(ValueError):
        hit_rate(SCORES, -ACTUAL, 0.1)


cells = st.integers(min_value=1, max_value=60)


@st.composite
def forecasts(draw: st.DrawFn) -> tuple[pd.Series, pd.Series]:
    n = draw(cells)
    scores = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n))
    actual = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    return _series(scores), _series([float(a) for a in actual])


@settings(max_examples=150, deadline=None)
@given(forecasts(), st.lists(st.floats(0.001, 1.0), min_size=2, max_size=6))
def test_hit_rate_never_falls_as_coverage_rises(
    case: tuple[pd.Series, pd.Series], coverages: list[float]
) -> None:
    scores, actual = case
    rates = [hit_rate(scores, actual, c) for c in sorted(coverages)]
    if actual.sum() == 0:
        assert all(math.isnan(r) for r in rates)
        return
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(rates))
    assert all(0.0 <= r <= 1.0 for r in rates)


@settings(max_examples=150, deadline=None)
@given(forecasts(), st.floats(0.001, 1.0))
def test_pai_and_pei_are_never_negative(case: tuple[pd.Series, pd.Series], c: float) -> None:
    scores, actual = case
    for value in (pai(scores, actual, c), pei(scores, actual, c)):
        assert math.isnan(value) or value >= 0.0
    value = pei(scores, actual, c)
    assert math.isnan(value) or value <= 1.0 + 1e-12
