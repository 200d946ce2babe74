"""Gi* against a hand-computed value, against esda directly (Columbus), and planted patterns."""

from __future__ import annotations

import math

import esda
import geopandas as gpd
import numpy as np
import pytest
from libpysal import examples
from libpysal.weights import Queen

from upstream.analysis.hotspots import gi_star, grid_weights
from upstream.area import cell_ids


def _grid(side: int, size: int = 100) -> np.ndarray:
    xs, ys = np.meshgrid(np.arange(side) * size + 1.0, np.arange(side) * size + 1.0)
    return cell_ids(xs.ravel(), ys.ravel(), size)


def test_hand_computed_gi_star_on_a_3x3_lattice() -> None:
    ids = _grid(3)
    w = grid_weights(ids, 100)
    assert sorted(w.cardinalities.values()) == [3, 3, 3, 3, 5, 5, 5, 5, 8]
    y = np.ones(9)
    y[4] = 9.0  # the centre cell
    result = gi_star(y, w, permutations=99)
    # corner cell: itself + 3 neighbours (W = 4), sum = 1 + 1 + 1 + 9 = 12; mean 17/9,
    # s = sqrt(512)/9; z = (12 - 4 * 17/9) / (s * sqrt(4 * (9 - 4) / 8)) = sqrt(5) / 2
    corner = int(np.flatnonzero(ids == ids.min())[0])
    assert result["z"].iloc[corner] == pytest.approx(math.sqrt(5) / 2)


def test_same_z_as_esda_on_columbus() -> None:
    frame = gpd.read_file(examples.get_path("columbus.shp"))
    w = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    y = frame["CRIME"].to_numpy()
    ours = gi_star(y, w, permutations=999, seed=3)
    theirs = esda.G_Local(y, w, transform="B", star=True, permutations=999, seed=3, n_jobs=1)
    assert ours["z"].to_numpy() == pytest.approx(theirs.Zs)
    # the high-crime core of Columbus is hot, the suburbs cold
    assert (ours["spot"] == "hot").sum() > 0 and (ours["spot"] == "cold").sum() > 0
    assert ours.loc[ours["spot"] == "hot", "value"].mean() > y.mean() * 1.5
    # each significant place is significant on esda's folded p_sim too
    assert (theirs.p_sim[ours["significant"].to_numpy()] <= 0.05).all()


def test_planted_hot_spot_found_and_noise_gives_none() -> None:
    ids = _grid(10)
    w = grid_weights(ids, 100)
    y = np.zeros(100)
    y[::7] += 1
    planted = [44, 45, 54, 55]
    y[planted] = [30, 20, 20, 25]
    result = gi_star(y, w)
    assert set(np.flatnonzero(result["spot"] == "hot")) == set(planted)
    # empty neighbourhoods are not "cold" (ties count against significance)
    assert (result["spot"] == "cold").sum() == 0
    noise = np.random.default_rng(1).poisson(3, 625).astype(float)
    assert gi_star(noise, grid_weights(_grid(25), 100))["significant"].sum() == 0


def test_constant_values_have_no_spots() -> None:
    ids = _grid(4)
    result = gi_star(np.zeros(16), grid_weights(ids, 100))
    assert not result["significant"].any()
    with pytest.raises(ValueError):
        gi_star(np.zeros(3), grid_weights(ids, 100))
