"""The BNG-aligned grid and its cell ids: the one cell-id scheme of upstream.

A grid cell is a square aligned to multiples of its size in British National Grid metres;
its id is derived from its lower-left corner, ``cell_id = x_min * 10**7 + y_min``, so two
runs with the same cell size always agree. The study area is the set of cells whose centre
lies inside the boundary, by the placement edge rule (:mod:`upstream.area.placement`: a
centre on the boundary line is outside).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from upstream.area.model import Area, AreaError
from upstream.area.placement import BNG, inside_mask

__all__ = ["CELL_ID_FACTOR", "cell_corners", "cell_id", "cell_ids", "study_grid"]

CELL_ID_FACTOR = 10**7
"""``cell_id = x_min * CELL_ID_FACTOR + y_min``: northings in Great Britain stay below 10,000 km."""


def cell_id(x_min: Any, y_min: Any) -> np.ndarray:
    """The id of the cells with these lower-left corners (BNG metres, whole numbers)."""
    return np.asarray(x_min, dtype="int64") * CELL_ID_FACTOR + np.asarray(y_min, dtype="int64")


def cell_ids(x: np.ndarray, y: np.ndarray, cell_size: int) -> np.ndarray:
    """Cell id of each point for square cells of ``cell_size`` metres (-1 where unplaced)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.full(x.shape, -1, dtype="int64")
    x_min = np.floor(x[ok] / cell_size).astype("int64") * cell_size
    y_min = np.floor(y[ok] / cell_size).astype("int64") * cell_size
    out[ok] = cell_id(x_min, y_min)
    return out


def cell_corners(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left corner (x_min, y_min) of each cell id."""
    ids = np.asarray(ids, dtype="int64")
    return ids // CELL_ID_FACTOR, ids % CELL_ID_FACTOR


def study_grid(area: Area, cell_size: int = 150) -> gpd.GeoDataFrame:
    """The study-area grid: every cell of ``cell_size`` metres whose centre is inside the area.

    Returns a GeoDataFrame sorted by ``cell_id`` with columns ``cell_id``, ``x_min``,
    ``y_min``, ``cell_size`` and the cell square as geometry (BNG).
    """
    if cell_size <= 0:
        raise AreaError(f"cell size must be a positive number of metres, got {cell_size}")
    minx, miny, maxx, maxy = area.boundary.bounds
    xs = np.arange(np.floor(minx / cell_size), np.ceil(maxx / cell_size)) * cell_size
    ys = np.arange(np.floor(miny / cell_size), np.ceil(maxy / cell_size)) * cell_size
    gx, gy = np.meshgrid(xs.astype("int64"), ys.astype("int64"), indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    keep = inside_mask(area.boundary, gx + cell_size / 2, gy + cell_size / 2)
    gx, gy = gx[keep], gy[keep]
    ids = cell_id(gx, gy)
    order = np.argsort(ids, kind="stable")
    gx, gy, ids = gx[order], gy[order], ids[order]
    return gpd.GeoDataFrame(
        {
            "cell_id": ids,
            "x_min": gx,
            "y_min": gy,
            "cell_size": np.full(ids.shape, cell_size, dtype="int64"),
        },
        geometry=shapely.box(gx, gy, gx + cell_size, gy + cell_size),
        crs=BNG,
    )
