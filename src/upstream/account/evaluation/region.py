"""What and where an intervention is: a region of the area, and its monthly counts.

A region is LSOAs (2011 codes, as police.uk places crimes), the surroundings of the area's
schools (a buffer of ``radius`` metres around every open secondary school), a drawn area
(a GeoJSON file, any CRS, reprojected to British National Grid) or grid cells (ids as
:mod:`upstream.area.grid` makes them). :func:`monthly_counts` counts events (``month``,
``x``, ``y`` in BNG) inside it per month; :func:`lsoa_pool` gives every LSOA wholly outside
it as a comparison area, with its IMD 2019 decile for matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from upstream.area import Area
from upstream.area.grid import cell_corners
from upstream.area.placement import inside_mask

__all__ = ["RegionError", "lsoa_pool", "monthly_counts", "region_of"]


class RegionError(ValueError):
    """A region that cannot be built; the message names the option or file."""


def _lsoas(area: Area, codes: Sequence[str]) -> BaseGeometry:
    known = area.lsoas.set_index("lsoa_code")
    unknown = [c for c in codes if c not in known.index]
    if unknown:
        raise RegionError(f"--lsoa: {unknown[0]} is not a 2011 LSOA of {area.name}")
    return shapely.union_all(known.loc[list(codes)].geometry.to_numpy())


def _geojson(path: Path) -> BaseGeometry:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own error types for unreadable files
        raise RegionError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    if frame.empty or frame.crs is None:
        raise RegionError(f"{path}: no features, or no coordinate reference system")
    shapes = frame.to_crs(27700).geometry
    if not shapes.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise RegionError(f"{path}, field 'geometry': every feature must be a polygon")
    return shapely.union_all(shapes.to_numpy())


def _cells(cells: Sequence[str], size: int) -> BaseGeometry:
    try:
        x, y = cell_corners(np.asarray(cells))
    except (ValueError, IndexError) as exc:
        raise RegionError(f"--cell: not cell ids as the forecast writes them ({exc})") from exc
    return shapely.union_all(shapely.box(x, y, x + size, y + size))


def region_of(
    area: Area,
    *,
    lsoas: Sequence[str] = (),
    geojson: Path | None = None,
    schools_radius: float | None = None,
    cells: Sequence[str] = (),
    cell_size: int = 150,
) -> BaseGeometry:
    """The intervention's region (exactly one of the ways must be given), clipped to the area.

    Raises
    ------
    RegionError
        None or several ways given, an unknown LSOA, an unreadable file, or an empty region.
    """
    given = [bool(lsoas), geojson is not None, schools_radius is not None, bool(cells)]
    if sum(given) != 1:
        raise RegionError("give exactly one of --lsoa, --geojson, --schools or --cell")
    if lsoas:
        shape = _lsoas(area, lsoas)
    elif geojson is not None:
        shape = _geojson(geojson)
    elif cells:
        shape = _cells(cells, cell_size)
    else:
        schools = area.schools
        chosen = schools[schools["secondary"] & schools["open"]] if len(schools) else schools
        if chosen.empty:
            raise RegionError(
                f"--schools: the area pack of {area.name} has no open secondary school"
            )
        points = shapely.points(chosen["x"].to_numpy(), chosen["y"].to_numpy())
        shape = shapely.union_all(shapely.buffer(points, float(schools_radius or 0)))
    region = shapely.intersection(shape, area.boundary)
    if region.is_empty:
        raise RegionError(f"the region does not overlap {area.name}")
    return region


def monthly_counts(events: pd.DataFrame, region: BaseGeometry, months: Sequence[str]) -> pd.Series:
    """Events inside ``region`` per month (every month of ``months``, zero when none)."""
    inside = inside_mask(region, events["x"], events["y"])
    counts = events.loc[inside, "month"].astype(str).value_counts()
    return counts.reindex(list(months), fill_value=0).astype(int).rename_axis("month")


def lsoa_pool(
    events: pd.DataFrame, area: Area, region: BaseGeometry, months: Sequence[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Monthly counts per LSOA not touching ``region`` (one column each) and each one's IMD
    2019 decile (empty when the pack has no deprivation)."""
    lsoas = area.lsoas[~area.lsoas.geometry.intersects(region.buffer(-1.0))]
    columns = {
        str(code): monthly_counts(events, geom, months)
        for code, geom in zip(lsoas["lsoa_code"], lsoas.geometry, strict=True)
    }
    pool = pd.DataFrame(columns, index=pd.Index(list(months), name="month"))
    imd = area.imd.reindex(pool.columns) if area.imd is not None else pd.Series(dtype=float)
    return pool, imd.dropna().astype(float)
