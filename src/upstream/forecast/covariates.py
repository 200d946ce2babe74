"""Fixed covariates of each spatial unit, for the models that can use them.

All come from the area pack (:mod:`upstream.area`):

* ``dist_school``: metres from the unit's centre to the nearest school serving ages 11+
  (the pack's ``schools`` layer; schools the pack lists just outside the boundary count
  too, since pupils cross it);
* ``dist_centre``: metres to the nearest town centre (``town_centres``);
* ``imd_decile``: IMD 2019 decile of the unit's 2011 LSOA (1 = most deprived; ``imd2019``);
* ``pop_density``: residents per square kilometre of that LSOA (``lsoa11_population``).

A covariate the pack cannot give is left out (NaN), never invented or borrowed from another
area; :func:`missing_covariates` says which and why, for the forecast to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.area import Area, lsoa_positions

__all__ = ["COVARIATES", "fixed_covariates", "missing_covariates", "nearest_distance"]

COVARIATES = ("dist_school", "dist_centre", "imd_decile", "pop_density")


def nearest_distance(x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Distance from each (x, y) to the nearest of the points (px, py); NaN if none."""
    if len(px) == 0:
        return np.full(np.shape(x), np.nan)
    tree = cKDTree(np.column_stack([px, py]))
    dist, _ = tree.query(np.column_stack([x, y]))
    return np.asarray(dist, dtype="float64")


def missing_covariates(area: Area) -> tuple[str, ...]:
    """One sentence per covariate the area pack cannot give (empty when it gives all)."""
    return tuple(m for name in COVARIATES if (m := area.lacks(name)) is not None)


def fixed_covariates(x: np.ndarray, y: np.ndarray, area: Area) -> pd.DataFrame:
    """The fixed covariates at points (unit centres), one row per point."""
    schools = area.schools[area.schools["serves_11_plus"].astype(bool)]
    centres = area.town_centres
    out = pd.DataFrame(
        {
            "dist_school": nearest_distance(
                x, y, schools["x"].to_numpy(float), schools["y"].to_numpy(float)
            ),
            "dist_centre": nearest_distance(
                x, y, centres["x"].to_numpy(float), centres["y"].to_numpy(float)
            ),
            "imd_decile": np.nan,
            "pop_density": np.nan,
        }
    )
    if area.lsoas.empty:
        return out
    lsoas = area.lsoas
    which = lsoa_positions(lsoas.geometry.to_numpy(), np.asarray(x, float), np.asarray(y, float))
    km2 = lsoas.geometry.area.to_numpy() / 1e6
    density = pd.to_numeric(lsoas["population"], errors="coerce").to_numpy(float) / km2
    out["pop_density"] = np.where(which >= 0, density[which], np.nan)
    if area.imd is not None:
        decile = lsoas["lsoa_code"].map(area.imd).to_numpy(float)
        out["imd_decile"] = np.where(which >= 0, decile[which], np.nan)
    return out
