"""Fairness of a plan: coverage by IMD decile and age band against harm, by hand and on
real data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tests.conftest import STREET_PARQUET
from upstream.area import BNG, Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.plan.coverage import PlanError
from upstream.plan.fairness import MISSING, fairness


def two_lsoas() -> Area:
    """Two 1 km squares side by side: A (decile 1, 1,000 residents), B (decile 5, 3,000)."""
    polygons = [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)]
    codes = ["E01000001", "E01000002"]
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": codes, "lsoa_name": ["A", "B"], "population": [1000.0, 3000.0]},
        geometry=polygons,
        crs=BNG,
    )
    census = pd.DataFrame(
        {
            "lsoa21_code": codes,
            "age_16_24": [100, 300],
            "total_usual_residents": [1000, 3000],
        }
    )
    return Area(
        name="Two squares",
        boundary=shapely.box(0, 0, 2000, 1000),
        lsoas=lsoas,
        lsoas_2021=lsoas.copy(),
        census_age=census,
        imd=pd.Series([1, 5], index=codes, name="decile"),
    )


def hand_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [100.0, 200.0, 300.0, 1500.0, 1600.0],
            "y": [500.0] * 5,
            "is_target": [True, True, True, True, False],
            "harm": [10.0, 10.0, 10.0, 90.0, 500.0],
        }
    )


def test_hand_computed_shares_ratios_and_verdicts() -> None:
    area = two_lsoas()
    # one disc wholly in A, one straddling the A|B edge: A holds 1.5 discs, B 0.5
    result = fairness(area, np.array([500.0, 1000.0]), np.array([500.0, 500.0]), 200.0,
                      hand_events(), plan="CCTV")  # fmt: skip
    d = result.deciles.set_index("decile")
    assert list(d.index) == [1, 5]
    assert d.loc[1, "coverage_share"] == pytest.approx(0.75)
    assert d.loc[5, "coverage_share"] == pytest.approx(0.25)
    assert d.loc[1, "harm_share"] == pytest.approx(30 / 120)
    assert d.loc[5, "harm_share"] == pytest.approx(90 / 120)
    assert d.loc[1, "ratio"] == pytest.approx(3.0)
    assert d.loc[5, "ratio"] == pytest.approx(1 / 3)
    assert d.loc[1, "population_share"] == pytest.approx(0.25)
    # residents on the ground: 1,000 x 1.5c/1e6 in A and 3,000 x 0.5c/1e6 in B: equal
    assert d.loc[1, "residents_covered_share"] == pytest.approx(0.5)
    assert result.verdicts == [
        "CCTV covers decile-1 neighbourhoods (the most deprived tenth in England) 3.0x more "
        "than their share of harm (75% of its ground, 25% of the harm).",
        "CCTV covers decile-5 neighbourhoods 0.3x their share of harm, less than it justifies "
        "(25% of its ground, 75% of the harm).",
    ]
    disc = shapely.Point(0, 0).buffer(200, quad_segs=32).area
    ages = result.ages.set_index("band")
    expected = (100 * 1.5 * disc / 1e6 + 300 * 0.5 * disc / 1e6) / 400
    assert ages.loc["aged 16-24", "share_covered"] == pytest.approx(expected)
    assert ages.loc["all residents", "residents"] == 4000
    assert MISSING in result.missing and "ethnic" in MISSING


def test_counting_crimes_instead_of_harm() -> None:
    result = fairness(two_lsoas(), np.array([500.0, 1000.0]), np.array([500.0, 500.0]), 200.0,
                      hand_events(), measure="count")  # fmt: skip
    d = result.deciles.set_index("decile")
    assert d.loc[1, "harm_share"] == pytest.approx(0.75)  # 3 of the 4 target crimes
    assert d.loc[1, "ratio"] == pytest.approx(1.0)
    assert "in line with their share of harm" in result.verdicts[0]


def test_refusals() -> None:
    area = two_lsoas()
    with pytest.raises(PlanError, match="no sites"):
        fairness(area, np.array([]), np.array([]), 200.0, hand_events())
    with pytest.raises(PlanError, match="IMD"):
        fairness(Area(name="x", boundary=area.boundary), np.array([1.0]), np.array([1.0]), 200.0,
                 hand_events())  # fmt: skip


def test_real_shares_add_up(area: Area) -> None:
    events = read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events
    stations = area.stations[area.stations["inside"].astype(bool)]
    result = fairness(area, stations["x"].to_numpy(), stations["y"].to_numpy(), 400.0, events)
    d = result.deciles
    for column in ("coverage_share", "harm_share", "population_share"):
        assert d[column].sum() == pytest.approx(1.0)
    assert d["lsoas"].sum() == len(area.lsoas)
    assert len(result.verdicts) >= 2
    assert set(result.ages["band"]) >= {"aged 0-15", "aged 16-24", "all residents"}
    covered = result.lsoas["covered_fraction"]
    assert ((covered >= 0) & (covered <= 1 + 1e-9)).all() and covered.max() > 0
