"""Hot spots: the Getis-Ord Gi* statistic with false-discovery-rate control (PySAL esda).

Gi* (Ord and Getis 1995, *Geographical Analysis* 27) compares the events in a place and its
neighbours with what the whole area would give such a neighbourhood on average. A large
positive z-score is a *hot spot* (the place and its neighbours together hold more than their
share), a large negative one a *cold spot*.

Significance comes from esda's conditional permutation test (9,999 permutations, a fixed seed
so two runs agree): each place's value is held fixed and the others are shuffled among its
neighbours. From esda's simulated values the two-sided pseudo p-value is
``min(1, 2 min(P(G_sim >= G), P(G_sim <= G)))`` with the usual ``(k + 1) / (m + 1)``
counting. Ties count against significance: esda's own folded ``p_sim`` counts ties as more
extreme after folding, which in sparse counts calls every empty neighbourhood a "cold
spot" at p = 0.001. Testing hundreds of places at once would call many places "significant"
by chance, so the Benjamini-Hochberg false-discovery-rate cut-off (``esda.fdr``) is applied
at 5%: among the places called hot or cold, at most about 5% are expected to be false
alarms.

Weights are binary: queen contiguity (the 8 surrounding squares) on the grid, and shared
boundaries (queen) between LSOAs; Gi* includes each place itself.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import Queen, W

from upstream.area import cell_corners, cell_ids

__all__ = ["gi_star", "grid_weights", "polygon_weights"]


def grid_weights(ids: Sequence[int] | np.ndarray, cell_size: int) -> W:
    """Queen-contiguity weights between grid cells (ids as :func:`upstream.area.cell_ids`).

    The weights' ids are positions ``0..n-1`` in the order of ``ids``.
    """
    ids = np.asarray(ids, dtype="int64")
    x, y = cell_corners(ids)
    where = {int(c): i for i, c in enumerate(ids)}
    neighbours: dict[int, list[int]] = {}
    for i in range(len(ids)):
        found = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx == 0 and dy == 0:
                    continue
                nx = np.array([x[i] + dx * cell_size + 1.0])
                ny = np.array([y[i] + dy * cell_size + 1.0])
                j = where.get(int(cell_ids(nx, ny, cell_size)[0]))
                if j is not None:
                    found.append(j)
        neighbours[i] = found
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (cells with no neighbour) are allowed
        return W(neighbours, silence_warnings=True)


def polygon_weights(polygons: gpd.GeoDataFrame) -> W:
    """Queen-contiguity weights between polygons (ids are positions ``0..n-1``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(
            polygons.reset_index(drop=True), use_index=False, silence_warnings=True
        )
    return w


def gi_star(
    values: Sequence[float] | np.ndarray,
    w: W,
    *,
    permutations: int = 9999,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Gi* for each place, with hot and cold spots chosen under false-discovery-rate control.

    Parameters
    ----------
    values
        One value per place (events, or a rate), in the order of ``w``'s ids.
    w
        Binary spatial weights without self-weights (Gi* adds each place itself).
    permutations
        Conditional permutations for the pseudo p-values.
    seed
        Random seed of the permutations.
    alpha
        False discovery rate.

    Returns
    -------
    pandas.DataFrame
        One row per place: ``value``, ``z`` (esda's analytical z-score), ``p`` (folded
        permutation pseudo p-value), ``significant`` (p at or below the FDR cut-off) and
        ``spot`` (``"hot"``, ``"cold"`` or ``""``).
    """
    y = np.asarray(values, dtype="float64")
    if len(y) != w.n:
        raise ValueError(f"{len(y)} values for {w.n} places")
    if len(y) < 3 or not np.any(y != y[0]):
        return pd.DataFrame({"value": y, "z": np.nan, "p": 1.0, "significant": False, "spot": ""})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(
            y,
            w,
            transform="B",
            star=True,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=True,
        )
    sims = np.asarray(g.rGs, dtype="float64")  # (places, permutations)
    observed = np.asarray(g.Gs, dtype="float64")[:, None]
    above = ((sims >= observed - 1e-12).sum(axis=1) + 1) / (permutations + 1)
    below = ((sims <= observed + 1e-12).sum(axis=1) + 1) / (permutations + 1)
    p = np.minimum(1.0, 2 * np.minimum(above, below))
    cutoff = float(esda.fdr(p, alpha))
    z = np.asarray(g.Zs, dtype="float64")
    significant = p <= cutoff
    spot = np.where(significant & (z > 0), "hot", np.where(significant & (z < 0), "cold", ""))
    return pd.DataFrame({"value": y, "z": z, "p": p, "significant": significant, "spot": spot})
