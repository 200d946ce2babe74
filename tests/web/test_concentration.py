"""The concentration numbers behind the home page, checked by hand and against the raw data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upstream.analysis.concentration import BusiestCell, concentration, reading
from upstream.area import cell_ids, study_grid
from upstream.config import Settings
from upstream.definitions import load_definitions
from upstream.events import EventStore
from upstream.web.views import month_spans, serious_violence_map

# five study-area cells in a row (250 m) and one cell outside the study area
A, B, C, D, E = cell_ids(np.arange(5) * 250.0 + 1, np.full(5, 1.0), 250)
OUTSIDE = int(cell_ids(np.array([5000.0]), np.array([5000.0]), 250)[0])


def hand_example() -> pd.Series:
    # A=3, B=5, C=5, D=0 (no events), E=1, and 2 events outside the study area;
    # B is listed twice (2 + 3), which must be summed
    return pd.Series([3, 2, 3, 5, 1, 2], index=[A, B, B, C, E, OUTSIDE])


def test_hand_computed_example() -> None:
    result = concentration(hand_example(), [A, B, C, D, E], top_fraction=0.4)

    # busiest first; B and C tie on 5 so the lower cell id (B) comes first; D has 0
    assert result.ranked["cell_id"].tolist() == [B, C, A, E, D]
    assert result.ranked["count"].tolist() == [5, 5, 3, 1, 0]
    assert result.cells == 5
    assert result.total == 14
    assert result.outside == 2
    assert result.top_cells == 2  # 40% of 5 cells
    assert result.top_events == 10
    assert result.top_share == pytest.approx(10 / 14)
    assert result.busiest == (B, 5)


def test_top_cells_is_the_ceiling_of_the_fraction_without_floating_point_drift() -> None:
    cells = np.arange(620, dtype="int64")
    counts = pd.Series(np.ones(620, dtype="int64"), index=cells)
    assert concentration(counts, cells, 0.05).top_cells == 31  # 0.05 * 620 is 31.000000000000004
    assert concentration(counts[:626], np.arange(626), 0.05).top_cells == 32  # 31.3 -> 32
    assert concentration(counts[:3], cells[:3], 0.05).top_cells == 1  # never fewer than one


def test_no_events_gives_no_busiest_cell_and_a_zero_share() -> None:
    result = concentration(pd.Series([], dtype="int64"), [A, B], 0.5)
    assert result.total == 0
    assert result.top_share == 0.0
    assert result.busiest is None
    with pytest.raises(ValueError, match="top_fraction"):
        concentration(hand_example(), [A], 0)


def test_reading_states_the_numbers() -> None:
    result = concentration(hand_example(), [A, B, C, D, E], top_fraction=0.4)
    text = reading(
        result,
        area_name="Testham",
        first_month="2020-01",
        last_month="2020-03",
        recorded=16,
        cell_size=250,
        busiest=BusiestCell(375.0, 125.0, "Testham 001A", "On or near High Street"),
    )
    assert text == (
        "Between 2020-01 and 2020-03, 16 serious-violence crimes were recorded in Testham. "
        "The busiest 40% of 250 m cells (2 of 5) held 71.4% of the 14 in study-area cells "
        "(2 more fell in edge cells whose centre lies outside the boundary); the busiest cell, "
        'most often recorded as "On or near High Street" in LSOA Testham 001A (grid reference '
        "E 375 N 125), had 5 serious-violence crimes."
    )
    none = concentration(pd.Series([], dtype="int64"), [A], 0.05)
    assert (
        reading(
            none,
            area_name="Testham",
            first_month="2020-01",
            last_month="2020-01",
            recorded=0,
            cell_size=250,
        )
        == "In 2020-01, no serious-violence crimes were recorded in Testham."
    )


def test_month_spans() -> None:
    assert month_spans([]) == []
    assert month_spans(["2018-02", "2018-03", "2019-12", "2020-01", "2022-01"]) == [
        "2018-02 to 2018-03",
        "2019-12 to 2020-01",
        "2022-01",
    ]


def test_bundled_map_agrees_with_a_direct_count(bundled_settings: Settings) -> None:
    """The page's DuckDB aggregation matches counting the raw points with cell_ids."""
    from upstream.area import area_from_settings

    store = EventStore(bundled_settings.events_dir)
    area = area_from_settings(bundled_settings)
    types = load_definitions(None).serious_violence
    vm = serious_violence_map(store, area, types, cell_size=250)
    assert vm is not None

    points = store.query("SELECT crime_type, x, y FROM street")
    points = points[points["crime_type"].isin(types)]
    assert len(points) == vm.recorded == 12_288  # 10,799 + 1,189 + 300 in the bundled data
    ids = pd.Series(cell_ids(points["x"], points["y"], 250)).value_counts()
    grid = study_grid(area, 250)["cell_id"]
    inside = ids[ids.index.isin(grid)]
    ranked = sorted(((-n, cid) for cid, n in inside.items()))
    top_n = int(np.ceil(len(grid) * 0.05))
    assert vm.result.cells == len(grid)
    assert vm.result.total == inside.sum()
    assert vm.result.outside == ids.sum() - inside.sum()
    assert vm.result.top_cells == top_n
    assert vm.result.top_events == -sum(n for n, _ in ranked[:top_n])
    assert vm.result.busiest == (ranked[0][1], -ranked[0][0])
    assert vm.monthly.sum() == 12_288
    assert f"{vm.recorded:,} serious-violence crimes" in vm.reading
    assert f"{vm.result.top_share * 100:.1f}%" in vm.reading
