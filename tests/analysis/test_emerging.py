"""Emerging hot spots: hand-computed statistics, planted space-time patterns on the real
grid, and a run on the bundled real police.uk data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pymannkendall
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import STREET_PARQUET
from upstream.analysis.emerging import (
    EmergingError,
    emerging_from_counts,
    emerging_hot_spots,
    summary,
    time_slices,
)
from upstream.analysis.emergingstats import (
    CATEGORIES,
    bh_qvalues,
    categorise,
    gi_star_z,
    hot_cold,
    mann_kendall,
)
from upstream.analysis.hotspots import gi_star, grid_weights
from upstream.area import Area, cell_id, study_grid
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file

SIZE = 250


# ---- the statistics, by hand ------------------------------------------------------------------
def test_mann_kendall_by_hand_with_a_tie() -> None:
    series = [1.0, 3.0, 2.0, 2.0, 5.0]
    # pairs (i < j), sign(x_j - x_i): from 1: + + + +; from 3: - - +; from 2: 0 +; from 2: +
    s = 4 + (-2 + 1) + (0 + 1) + 1
    assert s == 5
    # var S = [n(n-1)(2n+5) - sum over tied groups t(t-1)(2t+5)] / 18, one pair of 2s tied
    var_s = (5 * 4 * 15 - 2 * 1 * 9) / 18
    assert var_s == pytest.approx(15.6667, abs=1e-4)
    z = (s - 1) / math.sqrt(var_s)  # continuity correction towards zero
    p = math.erfc(abs(z) / math.sqrt(2))  # two-sided normal tail
    ours = mann_kendall(series)
    assert ours["s"] == s and ours["var_s"] == pytest.approx(var_s)
    assert ours["z"] == pytest.approx(z) and ours["p"] == pytest.approx(p)
    assert ours["tau"] == pytest.approx(s / 10)  # 10 pairs
    theirs = pymannkendall.original_test(series)
    assert (theirs.s, theirs.var_s) == (pytest.approx(s), pytest.approx(var_s))
    assert theirs.z == pytest.approx(z) and theirs.p == pytest.approx(p)
    falling = mann_kendall(series[::-1])
    assert falling["s"] == -s and falling["z"] == pytest.approx(-z)


def test_mann_kendall_of_a_constant_series_is_no_trend() -> None:
    assert mann_kendall([2.0] * 8) == {"s": 0.0, "var_s": pytest.approx(np.nan, nan_ok=True),
                                       "z": 0.0, "p": 1.0, "tau": 0.0}  # fmt: skip


def test_benjamini_hochberg_q_values_by_hand() -> None:
    # sorted: 0.01 (rank 1), 0.03 (2), 0.04 (3), 0.20 (4); m p / rank = .04, .06, .0533, .20;
    # running minimum from the largest rank down: .04, .0533, .0533, .20
    p = [0.01, 0.04, 0.03, 0.20]
    assert bh_qvalues(p) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    with_nan = bh_qvalues([0.01, np.nan, 0.04, 0.03, 0.20])
    assert np.isnan(with_nan[1])  # not counted among the m tests
    assert with_nan[[0, 2, 3, 4]] == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert bh_qvalues([0.5, 0.9]) == pytest.approx([0.9, 0.9])


def test_z_scores_per_slice_are_those_of_the_hot_spot_module(area: Area) -> None:
    ids = study_grid(area, SIZE)["cell_id"].to_numpy()
    counts = np.random.default_rng(4).poisson(1.0, (len(ids), 3)).astype(float)
    counts[:, 2] = 0.0  # a slice without events: no clustering, z = 0, nothing hot
    w = grid_weights(ids, SIZE)
    z = gi_star_z(counts, w)
    for t in range(2):
        assert z[:, t] == pytest.approx(gi_star(counts[:, t], w, permutations=9)["z"].to_numpy())
    assert not z[:, 2].any()
    hot, cold, q = hot_cold(z, 0.05)
    assert not hot[:, 2].any() and not cold[:, 2].any() and (q[:, 2] == 1).all()


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    [
        ("0000000001", 0, "new"),
        ("0000000111", 0, "consecutive"),
        ("1111111111", 1, "intensifying"),
        ("1101111111", 0, "persistent"),  # 9 of 10 is 90%
        ("1111111111", -1, "diminishing"),
        ("1001001011", 0, "sporadic"),
        ("1111111110", 0, "historical"),
        ("1011111110", 1, "no pattern"),  # 8 of 10, not hot at the end
        ("0000000000", 0, "no pattern"),
    ],
)
def test_categories_from_hand_made_histories(pattern: str, trend: int, expected: str) -> None:
    hot = [c == "1" for c in pattern]
    assert categorise(hot, [False] * len(hot), trend) == expected


def test_oscillating_needs_an_earlier_cold_spot() -> None:
    hot = [c == "1" for c in "0010000101"]
    cold = [c == "1" for c in "1000000000"]
    assert categorise(hot, cold, 0) == "oscillating"
    assert categorise(hot, [False] * 10, 0) == "sporadic"
    assert categorise([c == "1" for c in "0000000001"], cold, 0) == "new"


# ---- planted space-time patterns on the real grid ----------------------------------------------
def _blocks(area: Area, count: int) -> tuple[np.ndarray, list[list[int]]]:
    """The study grid's ids and ``count`` 3x3 blocks of cells inside it, far apart."""
    grid = study_grid(area, SIZE)
    ids = grid["cell_id"].to_numpy()
    where = {int(c): i for i, c in enumerate(ids)}
    blocks: list[list[int]] = []
    corners: list[tuple[int, int]] = []
    for x, y in zip(grid["x_min"], grid["y_min"], strict=True):
        around = [
            where.get(int(cell_id(x + dx * SIZE, y + dy * SIZE)))
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        ]
        if None in around or any(math.hypot(x - a, y - b) < 1500 for a, b in corners):
            continue
        blocks.append([int(i) for i in around if i is not None])  # centre at position 4
        corners.append((x, y))
        if len(blocks) == count:
            break
    return ids, blocks


def test_planted_patterns_are_categorised_and_noise_is_not(area: Area) -> None:
    slices = 24
    t = np.arange(slices)
    planted = {
        "new": np.where(t == slices - 1, 5.0, 0.0),
        "consecutive": np.where(t >= slices - 4, 5.0, 0.0),
        "intensifying": np.linspace(2.5, 7.0, slices),
        "persistent": np.full(slices, 3.5),
        "diminishing": np.linspace(7.0, 2.5, slices),
        "sporadic": np.where(t % 3 == 2, 5.0, 0.0),
    }
    ids, blocks = _blocks(area, len(planted))
    rate = np.full((len(ids), slices), 0.9)  # about Waltham Forest's mean per 250 m cell
    for block, extra in zip(blocks, planted.values(), strict=True):
        rate[block] += extra
    counts = np.random.default_rng(7).poisson(rate).astype(float)
    cells, z, status = emerging_from_counts(counts, ids, SIZE)
    centres = [block[4] for block in blocks]
    assert cells["category"].iloc[centres].tolist() == list(planted)
    # the consecutive run at the end is a rise too (its category needs no trend)
    assert cells["trend"].iloc[centres].tolist() == [0, 1, 1, 0, -1, 0]
    assert cells["slices_hot"].iloc[centres[0]] == 1 and status[centres[0], -1] == 1
    # places sharing no neighbour with a planted block are pure noise: no pattern
    touched = {k for block in blocks for j in block for k in _neighbours(ids, j)}
    far = [i for i in range(len(ids)) if i not in touched]
    assert len(far) > 450
    assert (cells["category"].iloc[far] == "no pattern").all()
    assert z.shape == (len(ids), slices) and status.shape == z.shape


def _neighbours(ids: np.ndarray, i: int) -> list[int]:
    w = grid_weights(ids, SIZE)
    return [i, *w.neighbors[i]]


def test_noise_over_many_cells_gives_few_false_patterns(area: Area) -> None:
    ids = study_grid(area, SIZE)["cell_id"].to_numpy()
    false = 0
    for seed in range(4):
        noise = np.random.default_rng(seed).poisson(0.9, (len(ids), 24)).astype(float)
        cells, _, status = emerging_from_counts(noise, ids, SIZE)
        assert (cells["trend"] == 0).all()  # no trend survives FDR control
        assert cells["category"].isin(["no pattern", "new", "sporadic"]).all()
        false += int((cells["category"] != "no pattern").sum())
        assert (status == 1).mean() < 0.002  # false hot spots in under 0.2% of cell-months
    assert false <= 4  # of 4 x 626 cells


# ---- time slices ----------------------------------------------------------------------------
def test_time_slices_trim_to_the_data_and_make_quarters_back_from_until() -> None:
    covered = [f"2016-{m:02d}" for m in range(4, 13)] + [f"2017-{m:02d}" for m in range(1, 13)]
    months = time_slices(covered, "2017-12", 24)
    assert len(months.months) == 21 and months.first == "2016-04" and months.last == "2017-12"
    assert months.before_data == ("2016-01", "2016-02", "2016-03") and not months.partial
    quarters = time_slices(covered, "2017-12", 24, "quarter")
    assert quarters.months[-1] == ("2017-10", "2017-11", "2017-12")
    assert quarters.labels[0] == "2016-04..2016-06" and len(quarters.months) == 7
    odd = time_slices(covered, "2017-11", 24, "quarter")
    assert odd.months[0] == ("2016-06", "2016-07", "2016-08")
    assert odd.partial == ("2016-04", "2016-05")
    assert odd.before_data == ("2015-12", "2016-01", "2016-02", "2016-03")
    assert time_slices(covered, "2017-06", 6).labels == tuple(f"2017-{m:02d}" for m in range(1, 7))


@pytest.mark.parametrize(
    ("until", "months", "unit", "message"),
    [
        ("2017-13", 24, "month", "--until must be a month YYYY-MM"),
        ("Dec 2017", 24, "month", "--until must be a month YYYY-MM"),
        ("2018-01", 24, "month", "outside the data"),
        ("2017-12", 5, "month", "only 5 month"),
        ("2017-12", 24, "week", "--slice must be month or quarter"),
        ("2017-12", 12, "quarter", "only 4 quarter"),
    ],
)
def test_bad_windows_are_refused(until: str, months: int, unit: str, message: str) -> None:
    covered = [f"2017-{m:02d}" for m in range(1, 13)]
    with pytest.raises(EmergingError, match=message):
        time_slices(covered, until, months, unit)


def test_a_gap_in_the_data_is_refused() -> None:
    covered = [f"2017-{m:02d}" for m in (1, 2, 3, 5, 6, 7, 8, 9)]
    with pytest.raises(EmergingError, match="no rows for 2017-04"):
        time_slices(covered, "2017-09", 24)


# ---- the bundled real data ------------------------------------------------------------------
@pytest.fixture(scope="module")
def wf(area: Area) -> pd.DataFrame:
    return read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events


def test_real_data_gives_sensible_stable_output(wf: pd.DataFrame, area: Area) -> None:
    described = wf[wf["is_target"]][["x", "y", "location"]]
    result = emerging_hot_spots(wf, area, "2017-12", described=described)
    cells = result.cells
    assert len(cells) == len(study_grid(area, SIZE)) and cells["cell_id"].is_unique
    assert result.slices.labels[0] == "2016-04" and len(result.slices.months) == 21
    # every serious-violence crime inside the area is counted once, but for the few in
    # edge cells whose centre is outside the area (not in the study grid): said, not hidden
    assert cells["events"].sum() + result.outside_grid == int(wf["is_target"].sum()) == 12_288
    assert 0 < result.outside_grid < 0.01 * 12_288
    # long-standing hot spots exist, in the busiest places, each hot in at least 19 of 21
    persistent = cells[cells["category"] == "persistent"]
    assert len(persistent) >= 3
    assert (persistent["slices_hot"] >= 19).all()
    by_id = cells.set_index("cell_id")["events"]
    ids = by_id.index.to_numpy()
    w = grid_weights(ids, SIZE)
    nearby = by_id.to_numpy() + np.asarray(w.sparse @ by_id.to_numpy()).ravel()  # Gi*'s sum
    nearby_of = pd.Series(nearby, index=ids)
    assert nearby_of[persistent["cell_id"]].min() > np.quantile(nearby, 0.95)
    # the listing is most pressing first, and every row names its place and says why
    order = {c.name: i for i, c in enumerate(CATEGORIES)}
    assert cells["category"].map(order).is_monotonic_increasing
    assert persistent["place"].str.contains("Waltham Forest").all()
    assert persistent["street"].notna().all()
    assert "Hoe Street" in set(persistent["street"])
    assert persistent["reason"].str.contains("the latest included, with no significant").all()
    sporadic = cells[cells["category"] == "sporadic"]
    assert (result.status.loc[sporadic["cell_id"]].iloc[:, -1] == 1).all()
    # deterministic (names by default from the events' own locations), and with a month
    # less of data the long-standing places stay long-standing
    again = emerging_hot_spots(wf, area, "2017-12")
    pd.testing.assert_frame_equal(again.cells, cells)
    before = emerging_hot_spots(wf, area, "2017-11")
    earlier = before.cells.set_index("cell_id")["category"]
    kept = earlier.loc[persistent["cell_id"]].isin(["persistent", "intensifying", "diminishing"])
    assert kept.mean() >= 0.8
    table = summary(cells)
    assert table["cells"].sum() == len(cells) and list(table["category"]) == [
        c.name for c in CATEGORIES
    ]


def test_real_data_by_quarter(wf: pd.DataFrame, area: Area) -> None:
    result = emerging_hot_spots(wf, area, "2017-12", unit="quarter")
    assert len(result.slices.months) == 7
    assert result.z.shape == (len(result.cells), 7)
    assert (result.cells["category"] == "persistent").sum() >= 5


def test_no_events_in_the_window_is_refused(wf: pd.DataFrame, area: Area) -> None:
    none = wf.assign(is_target=False)
    with pytest.raises(EmergingError, match="no serious-violence events"):
        emerging_hot_spots(none, area, "2017-12")
    with pytest.raises(EmergingError, match="--cell must be a positive"):
        emerging_hot_spots(wf, area, "2017-12", cell_size=0)


@given(
    st.lists(st.sampled_from([1, 0, -1]), min_size=6, max_size=30),
    st.sampled_from([1, 0, -1]),
)
def test_categories_keep_their_definitions(history: list[int], trend: int) -> None:
    hot = np.array(history) == 1
    cold = np.array(history) == -1
    category = categorise(hot, cold, trend)
    mostly = hot.sum() >= math.ceil(0.9 * len(hot) - 1e-9)
    assert (category == "new") == (hot[-1] and hot.sum() == 1)
    if category not in ("no pattern", "historical"):
        assert hot[-1]
    assert (category in ("intensifying", "persistent", "diminishing", "historical")) == (
        bool(mostly and hot.sum())
    )
    if category == "sporadic":
        assert not cold.any() and not mostly
    if category == "oscillating":
        assert cold[:-1].any()
    if category in ("intensifying", "diminishing"):
        assert trend == (1 if category == "intensifying" else -1)
