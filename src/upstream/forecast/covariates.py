"""Fixed covariates of each spatial unit, for the models that can use them.

* ``dist_school``: metres from the unit's centre to the nearest school serving ages 11+
  (GIAS, ``data/schools/waltham_forest_schools.csv``, easting/northing; schools just outside
  the boundary count too, since pupils cross it);
* ``dist_centre``: metres to the nearest town centre
  (:data:`upstream.synth.places.TOWN_CENTRES`, approximate centres stated there);
* ``imd_decile``: IMD 2019 decile of the unit's 2011 LSOA (1 = most deprived;
  ``data/geography/waltham_forest_imd2019_lsoa11.csv``);
* ``pop_density``: residents per square kilometre of that LSOA (ONS mid-2020).

A covariate whose source file is missing is left out (NaN), never invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.area import Area
from upstream.config import PROJECT_ROOT

__all__ = ["COVARIATES", "fixed_covariates", "nearest_distance"]

COVARIATES = ("dist_school", "dist_centre", "imd_decile", "pop_density")


def nearest_distance(x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Distance from each (x, y) to the nearest of the points (px, py); NaN if none."""
    if len(px) == 0:
        return np.full(np.shape(x), np.nan)
    tree = cKDTree(np.column_stack([px, py]))
    dist, _ = tree.query(np.column_stack([x, y]))
    return np.asarray(dist, dtype="float64")


def _schools(data: Path) -> tuple[np.ndarray, np.ndarray]:
    path = data / "schools" / "waltham_forest_schools.csv"
    if not path.exists():
        return np.empty(0), np.empty(0)
    raw = pd.read_csv(path)
    ok = raw["serves_age_11_plus"].astype("boolean").fillna(False) & raw["easting"].notna()
    return raw.loc[ok, "easting"].to_numpy(float), raw.loc[ok, "northing"].to_numpy(float)


def fixed_covariates(
    x: np.ndarray, y: np.ndarray, area: Area, bundled_data: Path | None = None
) -> pd.DataFrame:
    """The fixed covariates at points (unit centres), one row per point."""
    from upstream.forecast.data import _lsoa_of
    from upstream.synth.places import TOWN_CENTRES

    data = bundled_data or PROJECT_ROOT / "data"
    sx, sy = _schools(data)
    cx = np.array([c.x for c in TOWN_CENTRES], dtype=float)
    cy = np.array([c.y for c in TOWN_CENTRES], dtype=float)
    out = pd.DataFrame(
        {
            "dist_school": nearest_distance(x, y, sx, sy),
            "dist_centre": nearest_distance(x, y, cx, cy),
            "imd_decile": np.nan,
            "pop_density": np.nan,
        }
    )
    if area.lsoas.empty:
        return out
    lsoas = area.lsoas.sort_values("lsoa_code").reset_index(drop=True)
    which = _lsoa_of(np.asarray(x, float), np.asarray(y, float), lsoas)
    km2 = lsoas.geometry.area.to_numpy() / 1e6
    density = pd.to_numeric(lsoas["population"], errors="coerce").to_numpy(float) / km2
    out["pop_density"] = np.where(which >= 0, density[which], np.nan)
    imd_path = data / "geography" / "waltham_forest_imd2019_lsoa11.csv"
    if imd_path.exists():
        imd = pd.read_csv(
            imd_path, usecols=["lsoa11_code", "index_of_multiple_deprivation_imd_decile"]
        )
        decile = (
            lsoas["lsoa_code"]
            .map(imd.set_index("lsoa11_code")["index_of_multiple_deprivation_imd_decile"])
            .to_numpy(float)
        )
        out["imd_decile"] = np.where(which >= 0, decile[which], np.nan)
    return out
