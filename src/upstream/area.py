"""The partnership area: its boundary, its LSOAs with population, and the BNG-aligned grid.

Everything spatial in upstream is measured in British National Grid (EPSG:27700) metres.
A grid cell is a square aligned to multiples of its size; its id is derived from its
lower-left corner (``cell_id = x_min * 10**7 + y_min``), so two runs with the same cell size
always agree. The study area is the set of cells whose centre lies inside the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from upstream.config import Settings

__all__ = [
    "BNG",
    "WGS84",
    "Area",
    "AreaError",
    "area_from_settings",
    "cell_corners",
    "cell_ids",
    "load_area",
    "study_grid",
    "to_bng",
]

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
_ID_FACTOR = 10**7  # northings in Great Britain stay below 10,000 km


class AreaError(ValueError):
    """The area boundary or LSOA files cannot be used."""


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    x, y = _transformer().transform(lon, lat)
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    bad = ~np.isfinite(x) | ~np.isfinite(y)
    x[bad] = np.nan
    y[bad] = np.nan
    return x, y


def cell_ids(x: np.ndarray, y: np.ndarray, cell_size: int) -> np.ndarray:
    """Cell id of each point for square cells of ``cell_size`` metres (-1 where unplaced)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.full(x.shape, -1, dtype="int64")
    x_min = np.floor(x[ok] / cell_size).astype("int64") * cell_size
    y_min = np.floor(y[ok] / cell_size).astype("int64") * cell_size
    out[ok] = x_min * _ID_FACTOR + y_min
    return out


def cell_corners(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left corner (x_min, y_min) of each cell id."""
    ids = np.asarray(ids, dtype="int64")
    return ids // _ID_FACTOR, ids % _ID_FACTOR


@dataclass(frozen=True)
class Area:
    """A partnership area in BNG: boundary polygon and small-area geography."""

    name: str
    boundary: BaseGeometry
    lsoas: gpd.GeoDataFrame = field(repr=False)
    """2011 LSOAs (the geography police.uk used until 2023): code, name, population, geometry."""
    lsoas_2021: gpd.GeoDataFrame | None = field(default=None, repr=False)
    """2021 LSOAs with Census 2021 population, when bundled."""

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask: which BNG points lie inside the boundary (NaN points do not)."""
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        shapely.prepare(self.boundary)
        out = np.zeros(x.shape, dtype=bool)
        ok = np.isfinite(x) & np.isfinite(y)
        out[ok] = shapely.contains_xy(self.boundary, x[ok], y[ok])
        return out

    @cached_property
    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """A WGS84 box sure to contain the area (its BNG bounds plus 500 m, unprojected)."""
        minx, miny, maxx, maxy = self.boundary.bounds
        corners_x = np.array([minx, minx, maxx, maxx]) + np.array([-500, -500, 500, 500])
        corners_y = np.array([miny, maxy, miny, maxy]) + np.array([-500, 500, -500, 500])
        back = Transformer.from_crs(BNG, WGS84, always_xy=True)
        lon, lat = back.transform(corners_x, corners_y)
        return float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))

    def near(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Cheap pre-filter: points in a WGS84 box around the area (NaN points are not)."""
        w, s, e, n = self.lonlat_bounds
        return (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)

    @cached_property
    def area_km2(self) -> float:
        """Area inside the boundary in square kilometres."""
        return float(self.boundary.area) / 1e6

    @cached_property
    def population(self) -> int | None:
        """Total resident population of the LSOAs, when known."""
        if "population" not in self.lsoas or self.lsoas["population"].isna().all():
            return None
        return int(self.lsoas["population"].sum())


def _read_polygons(path: Path) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise AreaError(f"{path}: cannot read boundary file ({exc})") from exc
    if frame.empty:
        raise AreaError(f"{path}: boundary file has no features")
    if frame.crs is None:
        raise AreaError(f"{path}: boundary file has no coordinate reference system")
    return frame.to_crs(BNG)


def _with_population(
    lsoas: gpd.GeoDataFrame, table: Path, code_col: str, pop_col: str, filt: str | None = None
) -> gpd.GeoDataFrame:
    if not table.exists():
        lsoas["population"] = pd.NA
        return lsoas
    pop = pd.read_csv(table)
    if filt is not None:
        pop = pop.query(filt)
    pop = pop[[code_col, pop_col]].rename(columns={code_col: "lsoa_code", pop_col: "population"})
    return lsoas.merge(pop, on="lsoa_code", how="left")


def load_area(boundary_file: Path, name: str, geography_dir: Path | None = None) -> Area:
    """Load the area boundary and, when ``geography_dir`` has them, its LSOAs and population.

    The bundled geography folder holds the 2011 LSOAs with ONS mid-2020 population
    estimates and the 2021 LSOAs with Census 2021 usual residents.
    """
    frame = _read_polygons(boundary_file)
    boundary = shapely.make_valid(shapely.union_all(frame.geometry.values))
    if boundary.is_empty or boundary.area <= 0:
        raise AreaError(f"{boundary_file}: boundary has no area")
    empty = gpd.GeoDataFrame(
        {"lsoa_code": [], "lsoa_name": [], "population": []}, geometry=[], crs=BNG
    )
    lsoas, lsoas21 = empty, None
    if geography_dir is not None and (geography_dir / "waltham_forest_lsoa.geojson").exists():
        raw = _read_polygons(geography_dir / "waltham_forest_lsoa.geojson")
        lsoas = _with_population(
            raw[["lsoa_code", "lsoa_name", "geometry"]],
            geography_dir / "waltham_forest_lsoa_population.csv",
            "lsoa11_code",
            "persons_all_ages",
            "mid_year == 2020",
        )
        path21 = geography_dir / "waltham_forest_lsoa_2021.geojson"
        if path21.exists():
            raw21 = _read_polygons(path21)
            lsoas21 = _with_population(
                raw21[["lsoa_code", "lsoa_name", "geometry"]],
                geography_dir / "waltham_forest_lsoa21_census2021_age.csv",
                "lsoa21_code",
                "total_usual_residents",
            )
    return Area(name=name, boundary=boundary, lsoas=lsoas, lsoas_2021=lsoas21)


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
    keep = shapely.contains_xy(area.boundary, gx + cell_size / 2, gy + cell_size / 2)
    gx, gy = gx[keep], gy[keep]
    ids = gx * _ID_FACTOR + gy
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


def area_from_settings(settings: Settings) -> Area:
    """The area the settings name (bundled Waltham Forest geography by default)."""
    geography = settings.bundled_data / "geography"
    return _cached_area(settings.boundary_file, settings.area_name, geography)


@cache
def _cached_area(boundary_file: Path, name: str, geography: Path) -> Area:
    return load_area(boundary_file, name, geography if geography.exists() else None)
