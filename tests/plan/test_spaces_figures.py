"""The planning figures: what each map and chart draws, and that synthetic data say so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import STREET_PARQUET
from upstream.area import Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.forecast.service import forecast_cells
from upstream.plan.cctv import plan_cctv
from upstream.plan.fairness import fairness
from upstream.plan.figures_kit import cctv_map, fairness_chart, spaces_map
from upstream.plan.journeys import school_journeys
from upstream.plan.spaces import plan_spaces
from upstream.plan.spaces_file import read_spaces_file
from upstream.plotting import figure_json
from upstream.synth.kit import demo_safe_spaces


@pytest.fixture(scope="module")
def events(area: Area) -> pd.DataFrame:
    return read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events


def test_spaces_map(
    area: Area, events: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fig")
    demo_safe_spaces(area).to_csv(folder / "s.csv", index=False)
    spaces = read_spaces_file(folder / "s.csv", area, quarantine_dir=folder).spaces
    plan = plan_spaces(spaces, area, forecast_cells(events, area, "2017-12"),
                       school_journeys(area).points, add=3, described=events)  # fmt: skip
    fig = spaces_map(plan, area)
    names = [t.name for t in fig.data if t.name]
    assert "Safe spaces: open after school (SYNTHETIC)" in names
    assert "Safe spaces: not open after school (SYNTHETIC)" in names
    assert {"Gaps: risk cells", "Gaps: journey stretches", "400 m walk of an open space"} <= set(
        names
    )
    proposed = next(t for t in fig.data if t.name and t.name.startswith("Proposed"))
    assert list(proposed.text) == ["1", "2", "3"]
    circles = next(t for t in fig.data if t.name == "400 m walk of an open space")
    assert sum(v is None for v in circles.x) == int(plan.spaces["open_after_school"].sum())
    assert "Town centres" in names  # the reference layers
    assert figure_json(fig).startswith("{")


def test_cctv_map_has_one_entry_per_period(area: Area) -> None:
    xs, ys = np.meshgrid(np.arange(10) * 150.0 + 536_000, np.arange(10) * 150.0 + 188_000)
    surface = pd.DataFrame({"x_min": xs.ravel(), "y_min": ys.ravel(), "cell_size": 150,
                            "score": np.arange(100, dtype=float)})  # fmt: skip
    plan = plan_cctv(lambda m: surface, area, "2017-12", "2017-12", cameras=2, weeks=2,
                     periods=3, synthetic=True)  # fmt: skip
    fig = cctv_map(plan.deployments, area)
    periods = [t for t in fig.data if t.name and t.name.startswith("Period")]
    assert [t.name for t in periods] == [
        "Period 1: 2018-01-01 to 2018-01-14 (SYNTHETIC)",
        "Period 2: 2018-01-15 to 2018-01-28 (SYNTHETIC)",
        "Period 3: 2018-01-29 to 2018-02-11 (SYNTHETIC)",
    ]
    assert all(len(t.x) == 2 for t in periods)


def test_fairness_chart_bars_are_percentages(area: Area, events: pd.DataFrame) -> None:
    stations = area.stations[area.stations["inside"].astype(bool)]
    result = fairness(area, stations["x"].to_numpy(), stations["y"].to_numpy(), 400.0, events)
    fig = fairness_chart(result, plan="Stations")
    assert [t.name for t in fig.data] == [
        "Stations: share of ground covered", "Share of harm", "Share of residents",
    ]  # fmt: skip
    for bars in fig.data:
        assert sum(bars.y) == pytest.approx(100, abs=0.5)
    assert list(fig.data[0].x) == ["1 (most deprived)", *map(str, range(2, 10))]
