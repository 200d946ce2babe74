"""Figures of emerging hot spots on the bundled real data: what each trace holds."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import STREET_PARQUET
from upstream.analysis.emerging import EmergingHotSpots, emerging_hot_spots
from upstream.analysis.emergingstats import CATEGORIES
from upstream.analysis.figures_emerging import (
    CATEGORY_COLOURS,
    EXPLANATION,
    emerging_map_figure,
    emerging_trend_figure,
    reading,
)
from upstream.area import Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.plotting import figure_json, reference_traces


@pytest.fixture(scope="module")
def result(area: Area) -> EmergingHotSpots:
    events = read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events
    return emerging_hot_spots(events, area, "2017-12")  # names from its own locations


def test_map_has_one_legend_entry_per_category_found(result: EmergingHotSpots, area: Area) -> None:
    fig = emerging_map_figure(result, area.boundary, reference=reference_traces(area))
    counts = result.cells["category"].value_counts()
    shown = [t for t in fig.data if t.fill == "toself"]
    expected = [c for c in CATEGORIES if c.name != "no pattern" and counts.get(c.name, 0)]
    assert [t.name for t in shown] == [f"{c.label} ({counts[c.name]})" for c in expected]
    for trace, category in zip(shown, expected, strict=True):
        assert trace.fillcolor == CATEGORY_COLOURS[category.name]
        assert list(trace.x).count(None) == counts[category.name]  # one square per cell
    hovers = [t for t in fig.data if t.hovertemplate and "<extra>Persistent" in t.hovertemplate]
    assert len(hovers) == 1 and any("Gillards Way" in text for text in hovers[0].text)
    assert any(t.name == "Secondary schools" for t in fig.data)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert "<" not in figure_json(fig).replace("\\u003c", "")


def test_trend_lines_follow_the_z_scores_and_mark_hot_slices(result: EmergingHotSpots) -> None:
    fig = emerging_trend_figure(result, top=5)
    top = result.cells[result.cells["category"] != "no pattern"].head(5)
    assert len(fig.data) == 5
    for trace, row in zip(fig.data, top.itertuples(index=False), strict=True):
        assert list(trace.x) == list(result.slices.labels)
        assert np.allclose(trace.y, result.z.loc[row.cell_id].round(2))
        hot = result.status.loc[row.cell_id].to_numpy() == 1
        filled = np.array([c != "#ffffff" for c in trace.marker.color])
        assert (filled == hot).all()
    assert fig.data[0].name.startswith("1. Gillards Way (persistent hot spot")


def test_words_to_read_it_by(result: EmergingHotSpots) -> None:
    for category in CATEGORIES:
        assert category.label in EXPLANATION
    assert "anonymous map points" in EXPLANATION and "month" in EXPLANATION
    text = reading(result, "Waltham Forest")
    counts = result.cells["category"].value_counts()
    assert text.startswith("Waltham Forest, 21 months (Apr 2016 – Dec 2017), squares of 250 m")
    assert f"{counts['persistent']} persistent hot spots" in text
    assert "No square's score rose or fell beyond chance" in text


def test_an_empty_result_still_draws(result: EmergingHotSpots, area: Area) -> None:
    quiet = result.cells.assign(category="no pattern", trend=0)
    empty = EmergingHotSpots(quiet, result.z, result.status, result.slices, result.alpha)
    assert not [t for t in emerging_map_figure(empty, area.boundary).data if t.fill]
    assert len(emerging_trend_figure(empty).data) == 0
    assert "no hot spot in the latest period" in reading(empty, "Waltham Forest")
