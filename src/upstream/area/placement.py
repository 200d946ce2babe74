"""Placement: lon/lat to British National Grid, inside/outside/unplaced, and LSOA.

This is the one place in upstream that decides where a point is. Ingest, the forecast's
spatial units, the profile and the home page all call it, so a point is never inside the
area for one of them and outside for another, nor in one LSOA for the rates and another
for the forecast.

**The edge rule.**

* *The area.* A point is inside the area when it lies in the interior of the boundary
  polygon. A point exactly on the boundary line is *outside*: the same test picks the
  study grid's cells by their centre (:func:`upstream.area.grid.study_grid`), so an event
  and a cell centre at the same spot are treated alike.
* *LSOAs.* A point inside the area belongs to exactly one LSOA: the one whose closed polygon
  (interior or edge) holds it. On an edge or a vertex shared by several LSOAs it belongs to
  the one with the lowest code. A point inside the area but in no LSOA polygon (the thin
  slivers where generalised LSOA and area boundaries do not meet exactly) belongs to the
  nearest LSOA, ties again to the lowest code. A point outside the area is in no LSOA.
* *Unplaced.* A row without a usable location (no longitude or latitude, or one that does
  not project) is unplaced: neither inside nor outside.

Everything is vectorised (shapely's array functions and an STRtree), never a Python loop per
point, so ingest keeps its speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import geopandas as gpd

    from upstream.area.model import Area

__all__ = [
    "BNG",
    "WGS84",
    "Placement",
    "inside_mask",
    "lsoa_positions",
    "place_lonlat",
    "place_xy",
    "to_bng",
    "to_lonlat",
]

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


@cache
def _forward() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


@cache
def _backward() -> Transformer:
    return Transformer.from_crs(BNG, WGS84, always_xy=True)


def to_bng(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (WGS84) to BNG easting/northing in metres.

    NaN in gives NaN out, so unplaced rows stay unplaced. police.uk coordinates are snapped
    to a limited set of points, so large inputs are projected once per distinct point.
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    if lon.size > 50_000:
        codes, uniques = pd.factorize(lon + 1j * lat)
        if len(uniques) < lon.size // 2:
            ux, uy = to_bng(np.real(uniques), np.imag(uniques))
            x = np.where(codes >= 0, ux[codes], np.nan)
            y = np.where(codes >= 0, uy[codes], np.nan)
            return x, y
    x, y = _forward().transform(lon, lat)
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    bad = ~np.isfinite(x) | ~np.isfinite(y)
    x[bad] = np.nan
    y[bad] = np.nan
    return x, y


def to_lonlat(x: Any, y: Any, decimals: int | None = 6) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing to WGS84 longitude/latitude, rounded to ``decimals`` places
    (6 places is about 10 cm; None keeps full precision)."""
    lon, lat = _backward().transform(np.asarray(x, "float64"), np.asarray(y, "float64"))
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    if decimals is None:
        return lon, lat
    return np.round(lon, decimals), np.round(lat, decimals)


def inside_mask(boundary: BaseGeometry, x: Any, y: Any) -> np.ndarray:
    """Which BNG points lie inside ``boundary`` (its interior: a point on the line is not;
    NaN points are not)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out = np.zeros(x.shape, dtype=bool)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.any():
        shapely.prepare(boundary)
        out[ok] = shapely.contains_xy(boundary, x[ok], y[ok])
    return out


def _lowest_per_point(pts: np.ndarray, polys: np.ndarray, n: int) -> np.ndarray:
    """For (point, polygon) pairs, the lowest polygon position per point (-1 for none)."""
    out = np.full(n, -1, dtype="int64")
    if pts.size == 0:
        return out
    order = np.lexsort((polys, pts))
    pts, polys = pts[order], polys[order]
    first = np.unique(pts, return_index=True)[1]
    out[pts[first]] = polys[first]
    return out


def lsoa_positions(
    polygons: np.ndarray | gpd.GeoSeries, x: Any, y: Any, *, nearest: bool = True
) -> np.ndarray:
    """Position of the polygon holding each BNG point (-1 for none), by the edge rule above.

    Parameters
    ----------
    polygons
        LSOA polygons **in code order** (position 0 = lowest code), BNG.
    x, y
        Points; NaN points get -1.
    nearest
        Give a point in no polygon the nearest one (the caller has checked that the point is
        inside the area); False leaves it at -1.
    """
    geoms = np.asarray(polygons, dtype=object)
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out = np.full(x.shape, -1, dtype="int64")
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if geoms.size == 0 or ok.size == 0:
        return out
    tree = shapely.STRtree(geoms)
    points = shapely.points(x[ok], y[ok])
    pts, polys = tree.query(points, predicate="intersects")  # closed polygons: edges count
    found = _lowest_per_point(pts, polys, ok.size)
    if nearest:
        miss = np.flatnonzero(found < 0)
        if miss.size:
            mpts, mpolys = tree.query_nearest(points[miss], all_matches=True)
            found[miss] = _lowest_per_point(mpts, mpolys, miss.size)
    out[ok] = found
    return out


@dataclass(frozen=True)
class Placement:
    """Where each of a batch of points is (arrays aligned with the input).

    Attributes
    ----------
    x, y
        BNG metres; NaN where unplaced (and, for lon/lat input, where the point is far from
        the area and was not projected).
    inside
        Inside the area (edge rule above).
    unplaced
        No usable location.
    lsoa
        Position of each point's 2011 LSOA in ``area.lsoas`` (code order), -1 when not
        inside the area or the area has no LSOAs; None unless asked for.
    lsoa_code
        The same as codes (None where -1); None unless asked for.
    """

    x: np.ndarray
    y: np.ndarray
    inside: np.ndarray
    unplaced: np.ndarray
    lsoa: np.ndarray | None = None
    lsoa_code: np.ndarray | None = None

    @property
    def outside(self) -> np.ndarray:
        """Placed, but not inside the area."""
        return ~self.inside & ~self.unplaced


def _with_lsoas(
    area: Area, x: np.ndarray, y: np.ndarray, inside: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    pos = np.full(x.shape, -1, dtype="int64")
    codes: np.ndarray = np.full(x.shape, None, dtype=object)
    if area.lsoas.empty or not inside.any():
        return pos, codes
    idx = np.flatnonzero(inside)
    pos[idx] = lsoa_positions(area.lsoas.geometry.to_numpy(), x[idx], y[idx], nearest=True)
    labels = area.lsoas["lsoa_code"].astype(str).to_numpy(dtype=object)
    hit = pos >= 0
    codes[hit] = labels[pos[hit]]
    return pos, codes


def place_xy(area: Area, x: Any, y: Any, *, lsoa: bool = False) -> Placement:
    """Place BNG points (NaN = unplaced); with ``lsoa``, also their 2011 LSOA."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    unplaced = ~(np.isfinite(x) & np.isfinite(y))
    inside = inside_mask(area.boundary, x, y)
    if not lsoa:
        return Placement(x, y, inside, unplaced)
    pos, codes = _with_lsoas(area, x, y, inside)
    return Placement(x, y, inside, unplaced, pos, codes)


def place_lonlat(area: Area, lon: np.ndarray, lat: np.ndarray, *, lsoa: bool = False) -> Placement:
    """Place WGS84 longitude/latitude points: project them to BNG, then as :func:`place_xy`.

    Only points in a box around the area are projected (the rest cannot be inside and keep
    NaN x/y), which keeps large ingests fast.
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    unplaced = ~(np.isfinite(lon) & np.isfinite(lat))
    near = area.near(lon, lat)
    x = np.full(lon.shape, np.nan)
    y = np.full(lon.shape, np.nan)
    if near.any():
        x[near], y[near] = to_bng(lon[near], lat[near])
    inside = inside_mask(area.boundary, x, y)
    if not lsoa:
        return Placement(x, y, inside, unplaced)
    pos, codes = _with_lsoas(area, x, y, inside)
    return Placement(x, y, inside, unplaced, pos, codes)
