"""Count panels into forecasting events (``upstream.forecast.panel``), and the bundled MPS
Waltham Forest LSOA file that ``benchmarks/forecast_recent.py`` scores the methods on.

Real components throughout: the package's own history builder, backtest actuals, feature
builder and LightGBM model, the bundled 2021 LSOA polygons and the bundled MPS file (checked
against the shared catalogue's copy when that is on this machine).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upstream.config import PROJECT_ROOT, Settings
from upstream.forecast.backtest import actuals
from upstream.forecast.base import build_history
from upstream.forecast.data import Units, lsoa_units
from upstream.forecast.features import RINGS, FeatureBuilder
from upstream.forecast.panel import (
    MPS_SERIOUS_VIOLENCE,
    complete_panel,
    first_context_month,
    isolated_units,
    month_range,
    pseudo_events,
)
from upstream.forecast.registry import make

WF_FILE = PROJECT_ROOT / "data" / "london" / "mps_lsoa_monthly_waltham_forest.parquet"
SHARED_LSOA = (
    PROJECT_ROOT.parent / "shared" / "data" / "london" / "mps_recorded_crime_lsoa_monthly.parquet"
)
COLUMNS = [
    "month", "borough_code", "lsoa_code", "lsoa_name", "major_category", "minor_category",
    "count",
]  # fmt: skip


def hand_made() -> pd.DataFrame:
    """Three wards, zero rows left out as in the MPS ward file; ward C has no rows at all."""
    return pd.DataFrame(
        {
            "ward_code": ["B", "A", "A", "A", "B", "A", "B"],
            "month": ["2020-01", "2020-01", "2020-01", "2020-03", "2020-03", "2020-03", "2020-01"],
            "major_category": [
                "ROBBERY",
                "VIOLENCE AGAINST THE PERSON",
                "THEFT",
                "POSSESSION OF WEAPONS",
                "BURGLARY",
                "ROBBERY",
                "VIOLENCE AGAINST THE PERSON",
            ],
            "count": [2, 3, 5, 1, 4, 2, 1],
        }
    )


@pytest.fixture(scope="module")
def wf_raw() -> pd.DataFrame:
    return pd.read_parquet(WF_FILE)


@pytest.fixture(scope="module")
def wf_units() -> Units:
    from upstream.area import area_from_settings

    return lsoa_units(area_from_settings(Settings()), vintage=2021)


# ---- complete_panel ----------------------------------------------------------------------
def test_month_range_is_consecutive_across_years() -> None:
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_range("2025-02", "2025-01") == []
    with pytest.raises(ValueError):
        month_range("2025-2", "2025-03")


def test_complete_panel_fills_zeros_and_splits_target_from_context() -> None:
    panel = complete_panel(hand_made(), "ward_code", MPS_SERIOUS_VIOLENCE, units=["A", "B", "C"])
    assert list(panel.columns) == ["ward_code", "month", "target", "context"]
    # every ward x every month from the first to the last, 2020-02 (absent) included
    assert list(zip(panel["ward_code"], panel["month"], strict=True)) == [
        (w, m) for w in "ABC" for m in ("2020-01", "2020-02", "2020-03")
    ]
    assert panel["target"].tolist() == [3, 0, 3, 3, 0, 0, 0, 0, 0]
    assert panel["context"].tolist() == [5, 0, 0, 0, 0, 4, 0, 0, 0]
    assert panel["target"].dtype == "int64"


def test_complete_panel_keeps_only_the_units_and_months_asked_for() -> None:
    panel = complete_panel(
        hand_made(), "ward_code", MPS_SERIOUS_VIOLENCE, units=["B"], months=["2020-03"]
    )
    assert panel.to_dict("records") == [
        {"ward_code": "B", "month": "2020-03", "target": 0, "context": 4}
    ]


@pytest.mark.parametrize("bad", [-1, 1.5, None])
def test_complete_panel_refuses_counts_that_are_not_whole_and_non_negative(bad: object) -> None:
    frame = hand_made().astype({"count": "object"})
    frame.loc[0, "count"] = bad
    with pytest.raises(ValueError, match="whole numbers"):
        complete_panel(frame, "ward_code", MPS_SERIOUS_VIOLENCE)


# ---- pseudo_events round trip --------------------------------------------------------------
def test_pseudo_events_give_back_every_unit_month_count_exactly() -> None:
    codes = ["A", "B", "C"]
    panel = complete_panel(hand_made(), "ward_code", MPS_SERIOUS_VIOLENCE, units=codes)
    units = isolated_units(np.array([0, 0, 1]))
    x, y = pd.Series(units.x, index=codes), pd.Series(units.y, index=codes)
    events = pseudo_events(panel, "ward_code", x, y)
    assert len(events) == panel["target"].sum() + panel["context"].sum()
    assert events["is_target"].sum() == panel["target"].sum()
    # the package's own binning gives back the table, target and context
    history = build_history(events, units, "2020-03", "count")
    assert history.months == ("2020-01", "2020-02", "2020-03")
    want = panel.pivot(index="month", columns="ward_code", values="target")[codes]
    np.testing.assert_array_equal(history.counts, want.to_numpy(dtype=float))
    ctx = panel.pivot(index="month", columns="ward_code", values="context")[codes]
    np.testing.assert_array_equal(history.context, ctx.to_numpy(dtype=float))
    # and so does the backtest's count of what happened, month by month
    for month in history.months:
        count, _ = actuals(events, units, month)
        np.testing.assert_array_equal(count.to_numpy(), want.loc[month].to_numpy(dtype=float))


def test_pseudo_events_can_leave_out_old_context_only() -> None:
    codes = ["A", "B", "C"]
    panel = complete_panel(hand_made(), "ward_code", MPS_SERIOUS_VIOLENCE, units=codes)
    units = isolated_units(np.zeros(3, dtype="int64"))
    x, y = pd.Series(units.x, index=codes), pd.Series(units.y, index=codes)
    late = pseudo_events(panel, "ward_code", x, y, context_from="2020-02")
    assert late["is_target"].sum() == 9  # every target crime kept
    assert (~late["is_target"]).sum() == 4  # only B's burglaries of 2020-03
    assert set(late.loc[~late["is_target"], "month"]) == {"2020-03"}
    none = pseudo_events(panel, "ward_code", x, y, context=False)
    assert none["is_target"].all() and len(none) == 9
    with pytest.raises(KeyError, match="no point"):
        pseudo_events(panel, "ward_code", x.drop("C"), y)


# ---- units -----------------------------------------------------------------------------------
def test_isolated_units_are_equal_separate_and_located_by_their_own_centres() -> None:
    n = 8_000  # more than one column of the lattice
    group = np.arange(n) % 7
    units = isolated_units(group)
    assert units.kind == "grid" and units.n == n
    assert (np.diff(units.ids) > 0).all()
    assert np.unique(units.area).size == 1
    assert units.x.max() > units.x.min()  # wrapped into a second column
    np.testing.assert_array_equal(units.locate(units.x, units.y), np.arange(n))
    assert units.neighbours(RINGS[-1][1] * units.cell_size).nnz == 0


def test_isolated_units_make_rings_empty_and_group_features_group_means() -> None:
    units = isolated_units(np.array([0, 0, 1]))
    counts = np.array([[1.0, 3.0, 5.0], [2.0, 0.0, 7.0]])
    table = FeatureBuilder(units, counts, np.zeros_like(counts), "2020-01").table(2)
    for i in (1, 2, 3):
        assert (table[f"ring{i}_12"] == 0).all()
    np.testing.assert_allclose(table["lsoa12"], [1.5, 1.5, 6.0])  # mean per ward of the group


def test_lsoa21_units_are_the_bundled_2021_lsoas_at_representative_points(wf_units: Units) -> None:
    units = wf_units
    assert units.kind == "lsoa" and units.n == 146
    assert units.labels is not None and list(units.labels) == sorted(units.labels)
    np.testing.assert_array_equal(units.locate(units.x, units.y), np.arange(146))
    assert 38e6 < units.area.sum() < 40e6  # the borough is 38.8 km²
    assert units.features is not None and units.features["imd_decile"].notna().all()


# ---- the bundled Waltham Forest MPS LSOA file -----------------------------------------------
def test_bundled_file_holds_exactly_the_waltham_forest_2021_lsoas(
    wf_raw: pd.DataFrame, wf_units: Units
) -> None:
    assert list(wf_raw.columns) == COLUMNS
    assert set(wf_raw["borough_code"]) == {"E09000031"}
    assert set(wf_raw["lsoa_code"]) == set(wf_units.labels)
    assert (wf_raw["month"].min(), wf_raw["month"].max()) == ("2024-03", "2025-08")
    assert not wf_raw.duplicated(["month", "lsoa_code", "major_category", "minor_category"]).any()


def test_bundled_file_matches_a_hand_checked_lsoa_month(wf_raw: pd.DataFrame) -> None:
    # Waltham Forest 017C, June 2025, read off the MPS table by hand: violence without
    # injury 18, with injury 5, stalking and harassment 2, personal robbery 2, possession
    # of weapons 1 (28 serious violence); 86 offences in all
    panel = complete_panel(
        wf_raw, "lsoa_code", MPS_SERIOUS_VIOLENCE, units=["E01004397"], months=["2025-06"]
    )
    assert panel[["target", "context"]].iloc[0].tolist() == [28, 58]


@pytest.mark.skipif(not SHARED_LSOA.exists(), reason="shared MPS LSOA file not on this machine")
def test_bundled_file_is_the_shared_files_waltham_forest_rows_unchanged(
    wf_raw: pd.DataFrame,
) -> None:
    shared = pd.read_parquet(SHARED_LSOA)
    subset = shared[shared["borough_code"] == "E09000031"].reset_index(drop=True)
    pd.testing.assert_frame_equal(wf_raw, subset)


# ---- context trimming changes no LightGBM forecast -------------------------------------------
def test_context_before_first_context_month_changes_no_lgbm_forecast(
    wf_raw: pd.DataFrame, wf_units: Units
) -> None:
    codes = list(wf_units.labels)
    panel = complete_panel(wf_raw, "lsoa_code", MPS_SERIOUS_VIOLENCE, units=codes)
    x, y = pd.Series(wf_units.x, index=codes), pd.Series(wf_units.y, index=codes)
    origin, train_months = "2025-06", 3
    cut = first_context_month(origin, train_months)
    assert cut == "2024-04"  # 2025-06 - (3 + 12 - 1) months
    full = pseudo_events(panel, "lsoa_code", x, y)
    trimmed = pseudo_events(panel, "lsoa_code", x, y, context_from=cut)
    assert len(trimmed) < len(full)  # 2024-03's context is gone
    model = make("lgbm", train_months=train_months, n_estimators=60)
    a = model.clone().fit(full, wf_units, origin).predict(1)
    b = model.clone().fit(trimmed, wf_units, origin).predict(1)
    pd.testing.assert_series_equal(a, b, check_exact=True)
    # one month more taken away does reach the features
    later = pseudo_events(panel, "lsoa_code", x, y, context_from="2024-05")
    c = model.clone().fit(later, wf_units, origin).predict(1)
    assert not np.array_equal(a.to_numpy(), c.to_numpy())
