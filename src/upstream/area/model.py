"""The partnership area as upstream holds it in memory, loaded from an area pack.

An :class:`Area` is everything that makes the product about one place: its boundary, its
LSOAs (2011 and 2021, with populations), deprivation, schools, stations, town centres and
school term dates, all in British National Grid (EPSG:27700) metres. A pack need not have
every layer; :attr:`Area.layers` says which it has, and :meth:`Area.lacks` gives the
plain-English sentence a section shows when a layer it needs is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from upstream.area.layers import missing_message
from upstream.area.placement import BNG, inside_mask, to_lonlat
from upstream.area.terms import SchoolCalendar

__all__ = ["Area", "AreaError", "empty_lsoas", "empty_points"]


class AreaError(ValueError):
    """The area pack cannot be used (the message names the file and what is wrong)."""


def empty_lsoas() -> gpd.GeoDataFrame:
    """An LSOA layer with no rows (a pack without LSOAs)."""
    return gpd.GeoDataFrame(
        {"lsoa_code": [], "lsoa_name": [], "population": []}, geometry=[], crs=BNG
    )


def empty_points(*extra: str) -> pd.DataFrame:
    """A point layer with no rows: ``name``, ``x``, ``y`` and ``extra`` columns."""
    return pd.DataFrame({c: [] for c in ("name", "x", "y", *extra)})


@dataclass(frozen=True)
class Area:
    """A partnership area in BNG, with the layers of its pack.

    Only ``name`` and ``boundary`` are required; a layer the pack lacks is empty (or None)
    and left out of :attr:`layers`.
    """

    name: str
    boundary: BaseGeometry
    lsoas: gpd.GeoDataFrame = field(default_factory=empty_lsoas, repr=False)
    """2011 LSOAs (the geography police.uk used until 2023), sorted by code: ``lsoa_code``,
    ``lsoa_name``, ``population`` (NaN when the pack has no population), geometry."""
    lsoas_2021: gpd.GeoDataFrame | None = field(default=None, repr=False)
    """2021 LSOAs with Census 2021 usual residents (``population``), sorted by code."""
    census_age: pd.DataFrame | None = field(default=None, repr=False)
    """Census 2021 usual residents by age band per 2021 LSOA (the pack's table as read)."""
    imd: pd.Series | None = field(default=None, repr=False)
    """IMD 2019 decile (1 = most deprived) per 2011 LSOA code."""
    schools: pd.DataFrame = field(default_factory=lambda: empty_points(), repr=False)
    """``name``, ``phase``, ``x``, ``y``, ``pupils``, ``serves_11_plus``, ``secondary``
    (secondary or all-through), ``open`` (by the pack's ``status`` column; True without
    one), ``inside`` (inside the boundary; a pack may list schools just outside it, whose
    pupils cross it)."""
    stations: pd.DataFrame = field(default_factory=lambda: empty_points(), repr=False)
    """``name``, ``x``, ``y``, ``inside``."""
    town_centres: pd.DataFrame = field(default_factory=lambda: empty_points(), repr=False)
    """``name``, ``x``, ``y`` (approximate centres)."""
    msoas_2021: gpd.GeoDataFrame | None = field(default=None, repr=False)
    """2021 MSOAs (``msoa_code``, ``msoa_name``), for cutting sub-areas."""
    calendar: SchoolCalendar | None = field(default=None, repr=False)
    """School term dates, when the pack has them."""
    terms_description: str = ""
    """How the term dates were chosen, in the pack's words."""
    layers: frozenset[str] = frozenset({"boundary"})
    """The layers the pack has (see :data:`upstream.area.layers.LAYERS`)."""
    mps_borough: str | None = None
    """The London borough whose MPS series the profile compares with London, if any."""
    whole: bool = True
    """True for a whole partnership area; False for a sub-area cut from one (then
    partnership incidents without a location, which cannot be placed in it, are left out)."""
    folder: Path | None = None
    definitions_file: Path | None = None
    """Local definitions the pack sets (merged over the bundled ones)."""
    sources: tuple[str, ...] = ()
    """Attribution lines of the pack's data (from its manifest)."""

    def has(self, *layers: str) -> bool:
        """True when the pack has every one of ``layers``."""
        return set(layers) <= self.layers

    def lacks(self, capability: str, subject: str | None = None) -> str | None:
        """None when the pack supports ``capability`` (a key of
        :data:`upstream.area.layers.CAPABILITIES`), else the sentence saying what it needs
        (starting with ``subject``, default "This section")."""
        return missing_message(capability, self.layers, subject)

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask: which BNG points lie inside the boundary (the placement edge rule:
        a point on the boundary line is outside; NaN points are not inside)."""
        return inside_mask(self.boundary, x, y)

    @cached_property
    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """A WGS84 box sure to contain the area (its BNG bounds plus 500 m, unprojected)."""
        minx, miny, maxx, maxy = self.boundary.bounds
        corners_x = np.array([minx, minx, maxx, maxx]) + np.array([-500, -500, 500, 500])
        corners_y = np.array([miny, maxy, miny, maxy]) + np.array([-500, 500, -500, 500])
        lon, lat = to_lonlat(corners_x, corners_y, decimals=None)
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
        """Total resident population of the 2011 LSOAs, when known."""
        if "population" not in self.lsoas or self.lsoas["population"].isna().all():
            return None
        return int(self.lsoas["population"].sum())
