"""Deprivation deciles and distance to places against a background, by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from upstream.analysis.deprivation import rates_by_decile
from upstream.analysis.proximity import nearest_distance, proximity, residential_background


def test_rates_by_decile() -> None:
    counts = pd.Series({"a": 10, "b": 20, "c": 5})
    population = pd.Series({"a": 1000, "b": 1000, "c": 1000, "d": 1000})
    deciles = pd.Series({"a": 1, "b": 1, "c": 5, "d": 5})
    result = rates_by_decile(counts, population, deciles, years=1.0)
    assert result is not None
    assert result.table.loc[1, "rate"] == pytest.approx(15.0)
    assert result.table.loc[5, "rate"] == pytest.approx(2.5)
    assert result.comparison.ratio == pytest.approx(6.0)
    assert result.table.loc[1, "lsoas"] == 2


def test_proximity_against_background() -> None:
    places = np.array([[0.0, 0.0]])
    d = nearest_distance(np.array([100.0, 300.0, 3000.0, np.nan]), np.zeros(4), places)
    assert d[:3] == pytest.approx([100, 300, 3000]) and np.isnan(d[3])
    bd = np.array([100.0, 1000.0, 2000.0, 3000.0])
    res = proximity(d, bd, np.ones(4))
    assert res is not None
    assert (res.events, res.within) == (3, 2)
    assert res.share == pytest.approx(2 / 3)
    assert res.background_share == pytest.approx(0.25)
    assert res.ratio == pytest.approx(8 / 3)
    assert res.lower < 2 / 3 < res.upper
    assert res.bands["events"].sum() == 3


def test_residential_background_keeps_population() -> None:
    lsoas = gpd.GeoDataFrame(
        {"population": [1000, 500]},
        geometry=[shapely.box(0, 0, 500, 500), shapely.box(500, 0, 550, 50)],
        crs="EPSG:27700",
    )
    bg = residential_background(lsoas)
    assert bg["weight"].sum() == pytest.approx(1500)
    assert len(bg) == 26  # 25 squares in the first, one point for the tiny second


def test_residential_background_places_square_centres_by_the_placement_rule() -> None:
    """A square centre on the edge two LSOAs share is the first (lowest code) LSOA's: once,
    not dropped from both as a strict 'contains' test did."""
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": ["E01000001", "E01000002"], "population": [300, 300]},
        geometry=[shapely.box(0, 0, 150, 100), shapely.box(150, 0, 300, 100)],
        crs="EPSG:27700",
    )
    bg = residential_background(lsoas).sort_values("x").reset_index(drop=True)
    assert bg["x"].tolist() == [50.0, 150.0, 250.0]
    assert bg["weight"].tolist() == [150.0, 150.0, 300.0]
