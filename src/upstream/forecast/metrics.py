"""How good a forecast was: pure functions of scores and what then happened.

Every method is scored by this module and nothing else. A forecast "flags" the top
units until a share of the area (the *coverage*) is used up:

* units are ranked by score descending, ties broken by unit id ascending (so the same
  scores always flag the same units; never at random);
* the flagged set is the longest prefix of that ranking whose area is at most
  ``coverage`` x the total area, and at least one unit. On the grid every cell has the same
  area, so 5% of 1,733 cells flags 86 cells.

Measures (Chainey, Tompson & Uhlig 2008; Hunt 2016):

``hit_rate``
    share of the events (of the month forecast) that fell in flagged units;
``pai``
    predictive accuracy index: hit rate / share of the area flagged;
``pei``
    predictive efficiency index (Hunt 2016): PAI / the largest PAI any selection of the same
    number of units could have had, i.e. the events caught / the most that could have been
    caught had the future been known (grid); for LSOAs of unequal area the ideal selection is
    the densest units flagged by the same rule;
``harm_capture``
    share of the harm (events x harm weight) that fell in flagged units.

A month with no events has no hit rate: NaN, never a fake 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "COVERAGES",
    "evaluate",
    "flagged",
    "harm_capture",
    "hit_rate",
    "pai",
    "pei",
    "rank_order",
]

COVERAGES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)
"""Shares of the area flagged, as the issue asks: 1%, 2%, 5% and 10%."""


def rank_order(scores: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of the units from highest score to lowest; ties by id ascending."""
    scores = np.asarray(scores, dtype="float64")
    ids = np.asarray(ids)
    if np.isnan(scores).any():
        raise ValueError("scores must not be NaN")
    return np.lexsort((ids, -scores))


def _n_flagged(area_ranked: np.ndarray, coverage: float) -> int:
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1], got {coverage}")
    total = float(area_ranked.sum())
    cum = np.cumsum(area_ranked)
    k = int(np.searchsorted(cum, coverage * total * (1 + 1e-9), side="right"))
    return max(k, 1)


def flagged(scores: pd.Series, coverage: float, area: pd.Series | None = None) -> np.ndarray:
    """Ids of the units a forecast flags at ``coverage`` (ranked, best first)."""
    ids = scores.index.to_numpy()
    order = rank_order(scores.to_numpy(), ids)
    a = _areas(scores.index, area)[order]
    return np.asarray(ids[order][: _n_flagged(a, coverage)])


def _areas(index: pd.Index, area: pd.Series | None) -> np.ndarray:
    if area is None:
        return np.ones(len(index))
    out = area.reindex(index).to_numpy(dtype="float64")
    if np.isnan(out).any() or (out <= 0).any():
        raise ValueError("every unit needs a positive area")
    return out


def _capture(
    scores: pd.Series, actual: pd.Series, coverage: float, area: pd.Series | None
) -> tuple[float, float, float]:
    """(captured, total, area share flagged) for one forecast."""
    ids = scores.index.to_numpy()
    a = _areas(scores.index, area)
    act = actual.reindex(scores.index, fill_value=0).to_numpy(dtype="float64")
    if (act < 0).any():
        raise ValueError("actual values must not be negative")
    order = rank_order(scores.to_numpy(), ids)
    k = _n_flagged(a[order], coverage)
    top = order[:k]
    return float(act[top].sum()), float(act.sum()), float(a[top].sum() / a.sum())


def hit_rate(
    scores: pd.Series, actual: pd.Series, coverage: float, area: pd.Series | None = None
) -> float:
    """Share of the actual events in the units flagged at ``coverage`` (NaN if no events)."""
    captured, total, _ = _capture(scores, actual, coverage, area)
    return captured / total if total > 0 else float("nan")


def harm_capture(
    scores: pd.Series, harm: pd.Series, coverage: float, area: pd.Series | None = None
) -> float:
    """Share of the actual harm in the units flagged at ``coverage`` (NaN if no harm)."""
    return hit_rate(scores, harm, coverage, area)


def pai(
    scores: pd.Series, actual: pd.Series, coverage: float, area: pd.Series | None = None
) -> float:
    """Predictive accuracy index: hit rate / share of the area flagged (never negative)."""
    captured, total, share = _capture(scores, actual, coverage, area)
    return (captured / total) / share if total > 0 else float("nan")


def pei(
    scores: pd.Series, actual: pd.Series, coverage: float, area: pd.Series | None = None
) -> float:
    """Predictive efficiency index (Hunt 2016): PAI / the best PAI possible at that coverage."""
    achieved = pai(scores, actual, coverage, area)
    act = actual.reindex(scores.index, fill_value=0).astype("float64")
    density = act / pd.Series(_areas(scores.index, area), index=scores.index)
    best = pai(density, act, coverage, area)
    if not np.isfinite(best) or best <= 0:
        return float("nan")
    return achieved / best


def evaluate(
    scores: pd.Series,
    actual: pd.Series,
    *,
    coverages: Sequence[float] = COVERAGES,
    area: pd.Series | None = None,
    harm: pd.Series | None = None,
) -> pd.DataFrame:
    """Every measure at every coverage, one row per coverage.

    Columns: ``coverage``, ``units`` (flagged), ``area_share``, ``hit_rate``, ``pai``,
    ``pei`` and, when ``harm`` (actual harm per unit) is given, ``harm_capture``.
    """
    rows = []
    for c in coverages:
        captured, total, share = _capture(scores, actual, c, area)
        row = {
            "coverage": float(c),
            "units": len(flagged(scores, c, area)),
            "area_share": share,
            "hit_rate": captured / total if total > 0 else float("nan"),
            "pai": (captured / total) / share if total > 0 else float("nan"),
            "pei": pei(scores, actual, c, area),
        }
        if harm is not None:
            row["harm_capture"] = harm_capture(scores, harm, c, area)
        rows.append(row)
    return pd.DataFrame(rows)
