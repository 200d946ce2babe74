"""The statistics of emerging hot spots: Gi* per time slice, trends, FDR, categories.

The idea is that of emerging hot-spot analysis (the categories follow those ESRI
publishes for its Emerging Hot Spot Analysis tool; this code and wording are upstream's).
:mod:`upstream.analysis.emerging` cuts the window into time slices and counts events per
cell and slice; this module does the rest:

1. In every slice, each grid cell gets the Getis-Ord Gi* z-score of the events in it and
   its eight neighbours (:func:`upstream.analysis.hotspots.grid_weights`; esda's
   ``G_Local`` with ``star=True``). The z-score is esda's *analytical* one (normal
   approximation, no permutations: fast enough for dozens of slices); its two-sided
   p-value is tested with Benjamini-Hochberg false-discovery-rate control across the
   cells of that slice. A cell is a *hot spot* in a slice when its z-score is positive
   and its BH q-value is at or below ``alpha`` (a *cold spot* when negative). The normal
   approximation leans towards significance when counts are small (measured in
   ``benchmarks/emerging.py``). Conditional permutations
   (:func:`upstream.analysis.hotspots.gi_star`) were tried instead and left out: under BH
   control across hundreds of cells their smallest possible p-value (2 / (permutations
   + 1)) let almost nothing through (with 9,999 permutations, 1.2 hot cells a month on
   the bundled data against 40, and no category at all, in 8 s instead of 1 s).
2. Each cell's series of z-scores is tested for a monotonic trend with the Mann-Kendall
   test (``pymannkendall.original_test``: Kendall's S, its variance with the tie
   correction, the continuity-corrected Z and two-sided p). The trend p-values are again
   put under BH control, across the cells that had at least one event nearby in the window
   (a cell whose neighbourhood never had an event has a z-score series made only of
   area-wide totals, which says nothing about the place).
3. :func:`categorise` names each cell's pattern (:data:`CATEGORIES`).

Every function is pure: frames and arrays in, frames out.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import esda
import numpy as np
import pandas as pd
import pymannkendall
from libpysal.weights import W
from scipy.stats import false_discovery_control, norm

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "CATEGORY_MEANINGS",
    "MOSTLY",
    "Category",
    "bh_qvalues",
    "categorise",
    "category_reason",
    "gi_star_z",
    "hot_cold",
    "mann_kendall",
    "trend_tests",
]


@dataclass(frozen=True)
class Category:
    """One pattern a cell can show: its name in the output, a label and what it means."""

    name: str
    label: str
    meaning: str


MOSTLY = 0.9
"""The share of slices a place must be a hot spot in to count as hot "most of the time"."""

CATEGORIES: tuple[Category, ...] = (
    Category(
        "new",
        "New hot spot",
        "A hot spot in the latest period and never before in the window: a place that has "
        "just started to stand out.",
    ),
    Category(
        "consecutive",
        "Consecutive hot spot",
        "A hot spot in each of the latest two or more periods in a row, and never before that "
        "run, but not for most of the window: a new problem that has lasted.",
    ),
    Category(
        "intensifying",
        "Intensifying hot spot",
        "A hot spot in at least 90% of the periods, the latest included, and the clustering "
        "around it has grown stronger over time (a significant upward trend).",
    ),
    Category(
        "persistent",
        "Persistent hot spot",
        "A hot spot in at least 90% of the periods, the latest included, with no significant "
        "trend: a long-standing problem that is neither growing nor fading.",
    ),
    Category(
        "diminishing",
        "Diminishing hot spot",
        "A hot spot in at least 90% of the periods, the latest included, but the clustering "
        "around it has weakened over time (a significant downward trend).",
    ),
    Category(
        "sporadic",
        "Sporadic hot spot",
        "A hot spot in the latest period that has been on and off before (hot in fewer than "
        "90% of the periods) and never a cold spot.",
    ),
    Category(
        "oscillating",
        "Oscillating hot spot",
        "A hot spot in the latest period that was a cold spot (fewer events around it than "
        "the area's average would give) in some earlier period; hot in fewer than 90%.",
    ),
    Category(
        "historical",
        "Historical hot spot",
        "A hot spot in at least 90% of the periods, but not in the latest one: a problem that "
        "may have eased recently.",
    ),
    Category(
        "no pattern",
        "No pattern",
        "None of the above: not a hot spot in the latest period, or never one at all.",
    ),
)
"""The patterns, most pressing for planning first (the order of every listing)."""

CATEGORY_LABELS = {c.name: c.label for c in CATEGORIES}
CATEGORY_MEANINGS = {c.name: c.meaning for c in CATEGORIES}


def bh_qvalues(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the m finite p-values sorted
    ascending: a place is significant at false-discovery rate ``alpha`` when ``q <= alpha``.
    """
    values = np.asarray(p, dtype="float64")
    out = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    if finite.any():
        out[finite] = false_discovery_control(values[finite], method="bh")
    return out


def gi_star_z(counts: np.ndarray, w: W) -> np.ndarray:
    """The analytical Gi* z-score of every cell in every slice.

    Parameters
    ----------
    counts
        Events per cell (rows, in the order of ``w``'s ids) and slice (columns).
    w
        Binary spatial weights without self-weights (Gi* adds each cell itself).

    Returns
    -------
    numpy.ndarray
        z-scores of the same shape; a slice whose cells all hold the same count has no
        clustering to measure, and its z-scores are 0.
    """
    counts = np.asarray(counts, dtype="float64")
    z = np.zeros(counts.shape)
    for t in range(counts.shape[1]):
        column = counts[:, t]
        if len(column) < 3 or not np.any(column != column[0]):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = esda.G_Local(column, w, transform="B", star=True, permutations=0)
        z[:, t] = np.nan_to_num(np.asarray(g.Zs, dtype="float64"), nan=0.0)
    return z


def hot_cold(z: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hot and cold spots per slice under BH false-discovery-rate control.

    Returns ``(hot, cold, q)``: boolean matrices (z > 0, respectively z < 0, with
    ``q <= alpha``) and the q-values of the two-sided normal p-values of ``z``, adjusted
    across the cells of each slice (column) separately.
    """
    z = np.asarray(z, dtype="float64")
    p = 2.0 * norm.sf(np.abs(z))
    q = np.column_stack([bh_qvalues(p[:, t]) for t in range(z.shape[1])])
    significant = q <= alpha
    return significant & (z > 0), significant & (z < 0), q


def mann_kendall(series: Sequence[float] | np.ndarray) -> dict[str, float]:
    """The Mann-Kendall trend test of one series (``pymannkendall.original_test``).

    Returns ``s`` (Kendall's S: ups minus downs over all pairs), ``var_s`` (with the tie
    correction), ``z`` ((S - sign(S)) / sqrt(var S)), ``p`` (two-sided, normal) and
    ``tau`` (S over the number of pairs). A constant series has S = 0 and p = 1.
    """
    values = np.asarray(series, dtype="float64")
    if len(values) < 3 or np.all(values == values[0]):
        return {"s": 0.0, "var_s": float("nan"), "z": 0.0, "p": 1.0, "tau": 0.0}
    result = pymannkendall.original_test(values)
    return {
        "s": float(result.s),
        "var_s": float(result.var_s),
        "z": float(result.z),
        "p": float(result.p),
        "tau": float(result.Tau),
    }


def trend_tests(z: np.ndarray, tested: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Mann-Kendall trend of each cell's z-scores, with BH control across the tested cells.

    Parameters
    ----------
    z
        Gi* z-scores, cells by slices.
    tested
        Which cells are in the family of tests (the others get p = q = NaN, no trend).
    alpha
        False discovery rate of the trends.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``trend_tau``, ``trend_s``, ``trend_p``, ``trend_q`` and
        ``trend`` (+1 a significant rise, -1 a significant fall, 0 neither).
    """
    z = np.asarray(z, dtype="float64")
    tested = np.asarray(tested, dtype=bool)
    tau = np.zeros(len(z))
    s = np.zeros(len(z))
    p = np.full(len(z), np.nan)
    for i in np.flatnonzero(tested):
        test = mann_kendall(z[i])
        tau[i], s[i], p[i] = test["tau"], test["s"], test["p"]
    q = bh_qvalues(p)
    significant = np.nan_to_num(q, nan=1.0) <= alpha
    trend = np.where(significant, np.sign(s), 0).astype("int64")
    return pd.DataFrame(
        {"trend_tau": tau, "trend_s": s, "trend_p": p, "trend_q": q, "trend": trend}
    )


def categorise(hot: Sequence[bool], cold: Sequence[bool], trend: int) -> str:
    """The pattern of one cell (a :data:`CATEGORIES` name).

    Parameters
    ----------
    hot, cold
        Whether the cell was a significant hot (cold) spot in each slice, oldest first.
    trend
        +1, -1 or 0: the sign of a significant Mann-Kendall trend of its z-scores.
    """
    hot_ = np.asarray(hot, dtype=bool)
    cold_ = np.asarray(cold, dtype=bool)
    slices = len(hot_)
    n_hot = int(hot_.sum())
    final = bool(hot_[-1]) if slices else False
    if n_hot and n_hot >= math.ceil(MOSTLY * slices - 1e-9):
        if not final:
            return "historical"
        return {1: "intensifying", -1: "diminishing"}.get(int(trend), "persistent")
    if not final:
        return "no pattern"
    run = slices - int(np.flatnonzero(~hot_)[-1]) - 1  # the final unbroken run of hot slices
    if n_hot == run:  # never hot before the run
        return "new" if run == 1 else "consecutive"
    if cold_[: slices - run].any():
        return "oscillating"
    return "sporadic"


def category_reason(
    category: str, slices_hot: int, slices: int, unit: str, trend_tau: float, trend_q: float
) -> str:
    """Why a cell has its category, in one plain-English sentence.

    >>> category_reason("new", 1, 21, "month", 0.1, 0.9)
    'A hot spot in the latest month only (1 of 21 months).'
    """
    of = f"{slices_hot} of {slices} {unit}s"
    trend = ""
    if np.isfinite(trend_q):
        direction = "rose" if trend_tau > 0 else "fell"
        trend = (
            f"; its Gi* z-score {direction} (Mann-Kendall tau {trend_tau:+.2f}, q {trend_q:.3f})"
        )
    texts = {
        "new": f"A hot spot in the latest {unit} only ({of}).",
        "consecutive": f"A hot spot in the latest {unit}s in a row and not before ({of}).",
        "intensifying": f"A hot spot in {of}, the latest included{trend}.",
        "persistent": f"A hot spot in {of}, the latest included, with no significant trend.",
        "diminishing": f"A hot spot in {of}, the latest included{trend}.",
        "sporadic": f"A hot spot in the latest {unit}, on and off before ({of}); never cold.",
        "oscillating": f"A hot spot in the latest {unit} ({of}), a cold spot earlier.",
        "historical": f"A hot spot in {of}, but not in the latest {unit}.",
        "no pattern": f"No emerging pattern (a hot spot in {of}).",
    }
    return texts[category]
