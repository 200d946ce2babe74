"""Lorenz curve, Gini and top shares on hand-computed examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from upstream.analysis.concentration import gini, lorenz, top_shares


def test_hand_computed_gini_and_lorenz() -> None:
    # counts 0, 0, 1, 3: sum over ordered pairs of |xi - xj| = 20; G = 20 / (2 * 4^2 * 1)
    g = gini([3, 0, 1, 0])
    assert g.gini == pytest.approx(0.625)
    curve = lorenz([3, 0, 1, 0])
    assert curve["place_share"].tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert curve["event_share"].tolist() == [0, 0, 0, 0.25, 1]
    # one minus twice the area under the curve (trapezoids) gives the same number
    area = np.trapezoid(curve["event_share"], curve["place_share"])
    assert 1 - 2 * area == pytest.approx(0.625)
    # 4 events in 4 places: most even is one each (G = 0), all in one is G = 3/4
    assert g.generalised == pytest.approx(0.625 / 0.75)


def test_generalised_gini_for_sparse_events() -> None:
    # 2 events in 5 places: as spread as possible -> 0; both in one place -> 1
    assert gini([0, 0, 0, 1, 1]).generalised == pytest.approx(0.0)
    assert gini([0, 0, 0, 0, 2]).generalised == pytest.approx(1.0)
    assert gini([0, 0, 0, 1, 1]).gini == pytest.approx(0.6)
    assert np.isnan(gini([0, 0]).gini)


def test_top_shares() -> None:
    t = top_shares(np.arange(100), (0.01, 0.05, 0.1))
    assert t["places"].tolist() == [1, 5, 10]
    assert t["events"].tolist() == [99, 99 + 98 + 97 + 96 + 95, sum(range(90, 100))]
    assert t["share"].iloc[0] == pytest.approx(99 / 4950)


@given(st.lists(st.integers(0, 50), min_size=1, max_size=60))
def test_gini_is_between_0_and_1_and_matches_the_lorenz_area(counts: list[int]) -> None:
    g = gini(counts)
    if sum(counts) == 0:
        assert np.isnan(g.gini)
        return
    curve = lorenz(counts)
    area = np.trapezoid(curve["event_share"], curve["place_share"])
    assert 0 <= g.gini <= 1
    assert g.gini == pytest.approx(1 - 2 * area, abs=1e-9)
