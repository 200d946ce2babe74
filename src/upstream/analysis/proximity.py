"""Distance to places that matter (secondary schools, town centres) against a background.

"Much of this happens near schools" means little if most of the borough is near a school.
So each event's distance to the nearest place is compared with the same distance for a
**background**: where residents are (each 2021 LSOA's Census 2021 residents spread evenly
over the 100 m squares whose centre lies in it). If events were spread like residents,
the share within ``radius`` metres would match the background's; the ratio of the two
shares says how much closer to these places events are than where people live.

The interval is Clopper-Pearson (exact binomial) on the events' share; the background
share comes from a census count of thousands of squares and is treated as known.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import stats
from scipy.spatial import cKDTree

from upstream.area import lsoa_positions

__all__ = ["BANDS", "Proximity", "nearest_distance", "proximity", "residential_background"]

BANDS = (0.0, 200.0, 400.0, 800.0, 1600.0, np.inf)
"""Distance bands (metres) of the band table."""


def nearest_distance(x: np.ndarray, y: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Distance (metres) from each point to the nearest of ``places`` (an (k, 2) array)."""
    places = np.asarray(places, dtype="float64").reshape(-1, 2)
    pts = np.column_stack([np.asarray(x, "float64"), np.asarray(y, "float64")])
    out = np.full(len(pts), np.nan)
    ok = np.isfinite(pts).all(axis=1)
    if len(places) and ok.any():
        out[ok] = cKDTree(places).query(pts[ok])[0]
    return out


def residential_background(lsoas: gpd.GeoDataFrame, cell: float = 100.0) -> pd.DataFrame:
    """Residents spread evenly over ``cell`` m squares: columns ``x``, ``y``, ``weight``.

    Each LSOA's ``population`` is shared equally among the squares whose centre it holds, by
    the placement rule (:func:`upstream.area.lsoa_positions`: a centre on an edge shared by two
    LSOAs is the lower code's, never both's or neither's; ``lsoas`` in code order). A small
    LSOA holding no centre gets one point at its representative point.
    """
    pop = lsoas["population"].astype("float64").to_numpy()
    geoms = lsoas.geometry.to_numpy()
    ok = np.isfinite(pop) & (pop > 0)
    if not ok.any():
        return pd.DataFrame({"x": [], "y": [], "weight": []})
    minx, miny, maxx, maxy = shapely.total_bounds(geoms[ok])
    xs = np.arange(np.floor(minx / cell), np.ceil(maxx / cell)) * cell + cell / 2
    ys = np.arange(np.floor(miny / cell), np.ceil(maxy / cell)) * cell + cell / 2
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    pos = lsoa_positions(geoms, gx, gy, nearest=False)
    keep = pos >= 0
    keep[keep] = ok[pos[keep]]
    gx, gy, pos = gx[keep], gy[keep], pos[keep]
    squares = np.bincount(pos, minlength=len(pop))
    alone = np.flatnonzero(ok & (squares == 0))
    spot = shapely.point_on_surface(geoms[alone])
    return pd.DataFrame(
        {
            "x": np.concatenate([gx, shapely.get_x(spot)]),
            "y": np.concatenate([gy, shapely.get_y(spot)]),
            "weight": np.concatenate([pop[pos] / squares[pos], pop[alone]]),
        }
    )


@dataclass(frozen=True)
class Proximity:
    """Events against the background, by distance to the nearest place."""

    radius: float
    events: int
    within: int
    share: float
    lower: float
    upper: float
    background_share: float
    median_events: float
    median_background: float
    bands: pd.DataFrame
    """One row per distance band: ``band``, ``events``, ``event_share``, ``background_share``."""

    @property
    def ratio(self) -> float:
        """Events' share within the radius over the background's (NaN when it is 0)."""
        return self.share / self.background_share if self.background_share else float("nan")


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, cum[-1] / 2)])


def proximity(
    event_distance: np.ndarray,
    background_distance: np.ndarray,
    background_weight: np.ndarray,
    *,
    radius: float = 400.0,
    level: float = 0.95,
) -> Proximity | None:
    """Compare events' distances to the nearest place with the background's.

    Parameters
    ----------
    event_distance
        Distance of each event to the nearest place (NaN for unplaced events, left out).
    background_distance, background_weight
        The same for the background points, with their weights (residents).
    """
    d = np.asarray(event_distance, dtype="float64")
    d = d[np.isfinite(d)]
    bd = np.asarray(background_distance, dtype="float64")
    bw = np.asarray(background_weight, dtype="float64")
    if len(d) == 0 or bw.sum() <= 0:
        return None
    n, k = len(d), int((d <= radius).sum())
    alpha = 1 - level
    lower = float(stats.beta.ppf(alpha / 2, k, n - k + 1)) if k > 0 else 0.0
    upper = float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k)) if k < n else 1.0
    bshare = float(bw[bd <= radius].sum() / bw.sum())
    labels, ev, bg = [], [], []
    for lo, hi in itertools.pairwise(BANDS):
        labels.append(f"{lo:,.0f} m or more" if np.isinf(hi) else f"{lo:,.0f}-{hi:,.0f} m")
        ev.append(int(((d >= lo) & (d < hi)).sum()))
        bg.append(float(bw[(bd >= lo) & (bd < hi)].sum() / bw.sum()))
    bands = pd.DataFrame(
        {"band": labels, "events": ev, "event_share": np.array(ev) / n, "background_share": bg}
    )
    return Proximity(
        radius=radius,
        events=n,
        within=k,
        share=k / n,
        lower=lower,
        upper=upper,
        background_share=bshare,
        median_events=float(np.median(d)),
        median_background=_weighted_median(bd, bw),
        bands=bands,
    )
