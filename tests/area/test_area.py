"""The area, the BNG projection and the grid, on the real bundled geography."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from upstream.area import AreaError, cell_corners, cell_ids, study_grid, to_bng


def test_boundary_and_population(area):
    assert area.name == "Waltham Forest"
    assert area.area_km2 == pytest.approx(38.81, abs=0.01)  # ONS: 38.809 km²
    assert len(area.lsoas) == 144 and len(area.lsoas_2021) == 146
    assert area.population == 276_940  # ONS mid-2020, sum of the 144 LSOAs
    assert int(area.lsoas_2021.population.sum()) == 278_407  # Census 2021 usual residents


def test_lsoas_tile_the_boundary(area):
    union = shapely.union_all(area.lsoas.geometry.values)
    assert abs(union.area - area.boundary.area) / area.boundary.area < 0.001


def test_projection_of_many_repeated_points_equals_pointwise():
    rng = np.random.default_rng(1)
    lon = np.round(rng.uniform(-0.05, 0.02, 300), 6)[rng.integers(0, 300, 120_000)]
    lat = np.round(rng.uniform(51.55, 51.65, 300), 6)[rng.integers(0, 300, 120_000)]
    lon[::1000] = np.nan
    lat[::1000] = np.nan
    x, y = to_bng(lon, lat)  # takes the de-duplicating path
    x2, y2 = to_bng(lon[:40_000], lat[:40_000])  # the direct path
    np.testing.assert_array_equal(x[:40_000], x2)
    np.testing.assert_array_equal(y[:40_000], y2)
    assert np.isnan(x[::1000]).all() and np.isfinite(np.delete(x, np.s_[::1000])).all()


def test_contains_agrees_with_shapely(area):
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = area.boundary.bounds
    x = rng.uniform(minx - 500, maxx + 500, 20_000)
    y = rng.uniform(miny - 500, maxy + 500, 20_000)
    expected = np.array(
        [area.boundary.contains(shapely.Point(a, b)) for a, b in zip(x, y, strict=True)]
    )
    np.testing.assert_array_equal(area.contains(x, y), expected)
    assert not area.contains(np.array([np.nan]), np.array([np.nan]))[0]


def test_near_box_never_excludes_an_inside_point(area):
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = area.boundary.bounds
    x = rng.uniform(minx, maxx, 5_000)
    y = rng.uniform(miny, maxy, 5_000)
    inside = area.contains(x, y)
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(x, y)
    assert area.near(np.asarray(lon), np.asarray(lat))[inside].all()


def test_cell_ids_come_from_lower_left_corners():
    x = np.array([537_000.0, 537_149.9, 537_150.0, 537_299.0, np.nan])
    y = np.array([189_000.0, 189_000.0, 189_149.0, 189_150.0, 1.0])
    ids = cell_ids(x, y, 150)
    assert ids.tolist() == [
        537_000 * 10**7 + 189_000,
        537_000 * 10**7 + 189_000,
        537_150 * 10**7 + 189_000,
        537_150 * 10**7 + 189_150,
        -1,
    ]
    xs, ys = cell_corners(ids[:4])
    assert xs.tolist() == [537_000, 537_000, 537_150, 537_150]
    assert ys.tolist() == [189_000, 189_000, 189_000, 189_150]


@settings(max_examples=200, deadline=None)
@given(
    x=st.floats(0, 700_000, allow_nan=False),
    y=st.floats(0, 1_300_000, allow_nan=False),
    size=st.sampled_from([50, 100, 150, 200, 250, 500]),
)
def test_every_point_lies_in_its_cell(x, y, size):
    (cid,) = cell_ids(np.array([x]), np.array([y]), size)
    (x0,), (y0,) = cell_corners(np.array([cid]))
    assert x0 <= x < x0 + size and y0 <= y < y0 + size
    assert x0 % size == 0 and y0 % size == 0


def test_study_grid_is_cells_with_centre_inside(area):
    grid = study_grid(area, 150)
    assert len(grid) == 1733
    assert grid.cell_id.is_monotonic_increasing and grid.cell_id.is_unique
    centres = grid.geometry.centroid
    assert area.contains(centres.x.to_numpy(), centres.y.to_numpy()).all()
    # A cell just outside the list has its centre outside.
    assert (grid.x_min % 150 == 0).all() and (grid.y_min % 150 == 0).all()
    np.testing.assert_array_equal(grid.cell_id, grid.x_min * 10**7 + grid.y_min)
    # The cells cover the area to within half a cell along the edge.
    assert grid.geometry.area.sum() / area.boundary.area == pytest.approx(1.0, abs=0.02)


def test_study_grid_is_deterministic_and_nested(area):
    a = study_grid(area, 300)
    b = study_grid(area, 300)
    assert a.cell_id.tolist() == b.cell_id.tolist()
    small = study_grid(area, 150)
    assert len(small) == pytest.approx(4 * len(a), rel=0.03)


def test_bad_cell_size(area):
    with pytest.raises(AreaError, match="positive"):
        study_grid(area, 0)
