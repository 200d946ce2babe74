"""The one placement rule, on hand-made polygons: edges, vertices, slivers and NaN.

Four square LSOAs of 10 m make a 20 m square area::

    (0,20) +---------+---------+ (20,20)
           |  E..03  |  E..04  |
    (0,10) +---------+---------+
           |  E..01  |  E..02  |
     (0,0) +---------+---------+ (20,0)

Every consumer (ingest, the profile's rates, the forecast's units, the home page) is checked
to give the same answer for the same point.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from upstream.area import (
    BNG,
    Area,
    lsoa_positions,
    place_lonlat,
    place_xy,
    study_grid,
    to_bng,
    to_lonlat,
)
from upstream.forecast.data import grid_units, lsoa_units

X0, Y0 = 530_000.0, 180_000.0  # somewhere in London, BNG metres


def square(i: int, j: int, size: float = 10.0) -> shapely.Polygon:
    return shapely.box(X0 + i * size, Y0 + j * size, X0 + (i + 1) * size, Y0 + (j + 1) * size)


def four_lsoas(order: tuple[int, ...] = (0, 1, 2, 3), boundary_pad: float = 0.0) -> Area:
    """The 2x2 area above; ``order`` shuffles the rows the LSOAs are given in, and
    ``boundary_pad`` widens the area boundary past the LSOAs (a sliver all round)."""
    codes = ["E01000001", "E01000002", "E01000003", "E01000004"]
    geoms = [square(0, 0), square(1, 0), square(0, 1), square(1, 1)]
    lsoas = gpd.GeoDataFrame(
        {
            "lsoa_code": [codes[k] for k in order],
            "lsoa_name": [f"LSOA {codes[k][-1]}" for k in order],
            "population": [1000.0] * 4,
        },
        geometry=[geoms[k] for k in order],
        crs=BNG,
    )
    lsoas = lsoas.sort_values("lsoa_code").reset_index(drop=True)  # as the pack loader does
    boundary = shapely.box(X0 - boundary_pad, Y0 - boundary_pad, X0 + 20 + boundary_pad,
                           Y0 + 20 + boundary_pad)  # fmt: skip
    return Area(
        name="Test", boundary=boundary, lsoas=lsoas, layers=frozenset({"boundary", "lsoa11"})
    )


def at(*points: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([X0 + p[0] for p in points], dtype="float64"),
        np.array([Y0 + p[1] for p in points], dtype="float64"),
    )


def test_a_point_on_a_shared_edge_belongs_to_the_lowest_code_whatever_the_order() -> None:
    x, y = at((10, 5), (5, 10), (15, 10), (10, 15))
    for order in [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1)]:
        where = place_xy(four_lsoas(order), x, y, lsoa=True)
        assert where.inside.all()
        assert list(where.lsoa_code) == ["E01000001", "E01000001", "E01000002", "E01000003"]


def test_a_point_on_the_shared_inner_vertex_belongs_to_the_lowest_of_four() -> None:
    x, y = at((10, 10))
    where = place_xy(four_lsoas((3, 1, 2, 0)), x, y, lsoa=True)
    assert where.inside.all() and list(where.lsoa_code) == ["E01000001"]


def test_points_on_the_area_boundary_are_outside_and_in_no_lsoa() -> None:
    # edges and corners of the outer boundary, including the ends of the inner edges
    x, y = at((0, 5), (20, 5), (5, 0), (5, 20), (0, 0), (20, 20), (10, 0), (10, 20), (0, 10))
    where = place_xy(four_lsoas(), x, y, lsoa=True)
    assert not where.inside.any()
    assert where.outside.all() and not where.unplaced.any()
    assert list(where.lsoa_code) == [None] * 9
    assert (where.lsoa == -1).all()


def test_interior_points_get_their_own_lsoa() -> None:
    x, y = at((2, 2), (18, 2), (2, 18), (18, 18), (9.999, 9.999), (10.001, 10.001))
    where = place_xy(four_lsoas(), x, y, lsoa=True)
    assert list(where.lsoa_code) == [
        "E01000001", "E01000002", "E01000003", "E01000004", "E01000001", "E01000004",
    ]  # fmt: skip


def test_a_point_in_a_sliver_inside_the_area_goes_to_the_nearest_lsoa() -> None:
    area = four_lsoas(boundary_pad=1.0)  # the area reaches 1 m past the LSOAs all round
    x, y = at((-0.5, 3), (20.5, 3), (3, 20.5), (10, -0.5), (-0.5, -0.5))
    where = place_xy(area, x, y, lsoa=True)
    assert where.inside.all()
    # the last two are as near two LSOAs, or only one: the lowest code wins a tie
    assert list(where.lsoa_code) == [
        "E01000001", "E01000002", "E01000003", "E01000001", "E01000001",
    ]  # fmt: skip


def test_unplaced_points_are_neither_inside_nor_outside() -> None:
    x = np.array([np.nan, X0 + 5, np.nan])
    y = np.array([np.nan, np.nan, Y0 + 5])
    where = place_xy(four_lsoas(), x, y, lsoa=True)
    assert where.unplaced.all() and not where.inside.any() and not where.outside.any()
    assert list(where.lsoa_code) == [None, None, None]
    lon = place_lonlat(four_lsoas(), np.array([np.nan]), np.array([np.nan]))
    assert lon.unplaced.all() and not lon.outside.any()


def test_lonlat_placement_is_xy_placement_after_projection() -> None:
    area = four_lsoas()
    rng = np.random.default_rng(2)
    x = X0 + rng.uniform(-5, 25, 500)
    y = Y0 + rng.uniform(-5, 25, 500)
    lon, lat = to_lonlat(x, y, decimals=None)
    px, py = to_bng(lon, lat)
    by_lonlat = place_lonlat(area, lon, lat, lsoa=True)
    by_xy = place_xy(area, px, py, lsoa=True)
    np.testing.assert_array_equal(by_lonlat.inside, by_xy.inside)
    np.testing.assert_array_equal(by_lonlat.lsoa, by_xy.lsoa)
    np.testing.assert_allclose(px, x, atol=1e-3)


def test_every_consumer_agrees_on_edge_and_boundary_points() -> None:
    """Ingest (inside), the profile (LSOA of each event), the forecast's LSOA units and its
    grid all give one answer for the same points: edges, vertices, the boundary, slivers."""
    area = four_lsoas(boundary_pad=1.0)
    x, y = at(
        (10, 5), (10, 10), (5, 10), (-1, 5), (21, 5), (-0.5, 5), (3, 3), (15, 15), (10, -1)
    )  # fmt: skip
    where = place_xy(area, x, y, lsoa=True)
    # the forecast by LSOA: a unit per LSOA in code order, so positions are comparable
    units = lsoa_units(area, covariates=False)
    np.testing.assert_array_equal(units.locate(x, y), where.lsoa)
    # the forecast on a grid: a point is in a cell when it is inside the area and so is the
    # cell's centre (the study grid's rule); never a point outside, even in a cell whose
    # centre is inside
    grid = grid_units(area, 2, covariates=False)
    centre_x = np.floor((x - X0) / 2) * 2 + X0 + 1
    centre_y = np.floor((y - Y0) / 2) * 2 + Y0 + 1
    centre_inside = place_xy(area, centre_x, centre_y).inside
    np.testing.assert_array_equal(grid.locate(x, y) >= 0, where.inside & centre_inside)
    assert not where.inside[5] or not centre_inside[5]  # (-0.5, 5): inside, its centre is not
    # the same rule picks the grid's cells by their centre
    cells = study_grid(area, 2)
    centres = cells.geometry.centroid
    assert place_xy(area, centres.x, centres.y).inside.all()
    # and the low-level function, given the polygons in code order, agrees too
    inside = where.inside
    direct = lsoa_positions(area.lsoas.geometry.to_numpy(), x[inside], y[inside])
    np.testing.assert_array_equal(direct, where.lsoa[inside])


def test_the_profile_and_the_forecast_place_partnership_events_alike(tmp_path) -> None:
    """Regression: the profile once used a strict 'within' join (a point on a shared LSOA edge
    had no LSOA there) while the forecast used 'intersects' (first LSOA): they now both call
    the placement rule."""
    from upstream.report.inputs import _inside

    area = four_lsoas()
    x, y = at((10, 5), (10, 10), (2, 2))
    events = pd.DataFrame({"x": x, "y": y})
    profile = _inside(area, events)["lsoa_code"].tolist()
    forecast = lsoa_units(area, covariates=False).locate(x, y)
    codes = area.lsoas["lsoa_code"].to_numpy()
    assert profile == [str(codes[p]) for p in forecast] == ["E01000001"] * 3


@pytest.mark.parametrize("n", [0, 1, 200_000])
def test_placement_is_vectorised_and_handles_any_batch_size(area, n) -> None:
    rng = np.random.default_rng(n)
    minx, miny, maxx, maxy = area.boundary.bounds
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    where = place_xy(area, x, y, lsoa=True)
    assert where.inside.shape == (n,)
    assert ((where.lsoa >= 0) == where.inside).all()  # every point inside has one LSOA


def test_a_point_outside_the_area_is_never_counted_in_an_edge_cell() -> None:
    """The cell [-2, 0] m has its centre (-1) inside an area reaching to -1.5 m; a point at
    -1.8 m lies in that cell but outside the area, so no forecast may count it."""
    area = four_lsoas(boundary_pad=1.5)
    x, y = at((-1.8, 5), (-1.2, 5))
    assert list(place_xy(area, x, y).inside) == [False, True]
    grid = grid_units(area, 2, covariates=False)
    located = grid.locate(x, y)
    assert located[0] == -1 and located[1] >= 0
