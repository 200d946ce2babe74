"""Mobile CCTV: the site rule (harm, separation, no staying), re-forecasting, the register
and the before/after comparison."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import STREET_PARQUET
from upstream.area import Area
from upstream.definitions import load_definitions
from upstream.forecast.data import read_events_file
from upstream.forecast.service import forecast_cells
from upstream.plan.cctv import (
    CAVEAT,
    before_after,
    choose_sites,
    default_start,
    plan_cctv,
    read_register,
    record,
    summarise_before_after,
)
from upstream.plan.coverage import PlanError


def test_choose_sites_by_harm_with_separation_and_ties_by_id() -> None:
    x = np.array([0.0, 100.0, 500.0, 1000.0, 1000.0])
    y = np.zeros(5)
    score = np.array([9.0, 8.0, 5.0, 5.0, 0.0])
    ids = np.array([10, 11, 13, 12, 14])
    # 100 is too close to 0; 500 and 1000 tie at 5: id 12 (x=1000) first
    assert choose_sites(x, y, score, ids, 2, 300.0) == [0, 3]
    assert choose_sites(x, y, score, ids, 3, 300.0) == [0, 3, 2]
    assert choose_sites(x, y, score, ids, 2, 50.0) == [0, 1]
    # a barred place keeps cameras a separation away
    assert choose_sites(x, y, score, ids, 2, 300.0, barred=[(50.0, 0.0)]) == [3, 2]
    with pytest.raises(PlanError, match="only 3 site"):
        choose_sites(x, y, score, ids, 4, 300.0)  # the zero-harm cell is never chosen


def _surface(peaks: list[tuple[float, float, float]]) -> pd.DataFrame:
    """A 150 m grid of 20 x 20 cells with harm only at the given cells (column, row, harm)."""
    xs, ys = np.meshgrid(np.arange(20) * 150.0 + 530_000, np.arange(20) * 150.0 + 186_000)
    frame = pd.DataFrame({"x_min": xs.ravel(), "y_min": ys.ravel(), "cell_size": 150, "score": 0.0})
    for i, j, harm in peaks:
        frame.loc[
            (frame["x_min"] == 530_000 + 150 * i) & (frame["y_min"] == 186_000 + 150 * j), "score"
        ] = harm
    return frame


def test_no_camera_stays_more_than_max_stay_periods(area: Area) -> None:
    surface = _surface([(2, 2, 100), (3, 2, 90), (12, 12, 50), (16, 2, 40), (2, 16, 30)])
    plan = plan_cctv(
        lambda month: surface, area, "2017-12", "2017-12",
        cameras=2, weeks=2, periods=6, separation=300, max_stay=2,
    )  # fmt: skip
    d = plan.deployments
    by_period = {p: part[["easting", "northing"]].to_numpy() for p, part in d.groupby("period")}
    top = np.array([530_375.0, 186_375.0])
    at_top = [bool((np.hypot(*(by_period[p] - top).T) < 300).any()) for p in range(1, 7)]
    assert at_top == [True, True, False, True, True, False]
    for p, places in by_period.items():
        gaps = np.hypot(
            places[:, None, 0] - places[None, :, 0], places[:, None, 1] - places[None, :, 1]
        )
        assert (gaps[np.triu_indices(len(places), 1)] >= 300).all(), f"period {p}"
        # the rule: a place with a camera nearby in each of the last two periods gets none now
        if p > 2:
            for q in by_period[p - 1]:
                streak = (np.hypot(*(by_period[p - 2] - q).T) < 300).any()
                if streak:
                    assert (np.hypot(*(places - q).T) >= 300).all()
    assert plan.surfaces[-1].endswith("(held: no later data)")
    with_one = plan_cctv(lambda month: surface, area, "2017-12", "2017-12",
                         cameras=1, weeks=1, periods=3, max_stay=1)  # fmt: skip
    assert with_one.deployments["site_id"].nunique() == 2
    assert with_one.deployments["site_id"].iloc[0] != with_one.deployments["site_id"].iloc[1]


def test_periods_dates_and_ids(area: Area) -> None:
    surface = _surface([(2, 2, 100), (12, 12, 50)])
    assert default_start("2017-12") == date(2018, 1, 1)  # a Monday
    assert default_start("2018-01") == date(2018, 2, 5)
    plan = plan_cctv(lambda month: surface, area, "2018-01", "2018-01",
                     cameras=2, weeks=3, periods=2)  # fmt: skip
    d = plan.deployments
    assert d["start"].tolist() == ["2018-02-05"] * 2 + ["2018-02-26"] * 2
    assert d["end"].tolist() == ["2018-02-25"] * 2 + ["2018-03-18"] * 2
    assert d["deployment_id"].is_unique
    assert d["site_id"].iloc[0] == "cctv-530300-186300"
    assert not d["synthetic"].any()
    for bad in ({"cameras": 0, "weeks": 1}, {"cameras": 1, "weeks": 0}):
        with pytest.raises(PlanError):
            plan_cctv(lambda month: surface, area, "2018-01", "2018-01", **bad)


@pytest.fixture(scope="module")
def events(area: Area) -> pd.DataFrame:
    return read_events_file(STREET_PARQUET, area, load_definitions(), location=True).events


def test_real_plan_reforecasts_each_period_where_data_allow(
    area: Area, events: pd.DataFrame
) -> None:
    asked: list[str] = []

    def forecast(month: str) -> pd.DataFrame:
        asked.append(month)
        return forecast_cells(events, area, month, target="harm")

    plan = plan_cctv(forecast, area, "2017-10", "2017-12", cameras=3, weeks=4, periods=5,
                     described=events)  # fmt: skip
    # periods start 2017-11-06, 12-04, 2018-01-01, 01-29, 02-26: data to 2017-10, 11, 12, 12,
    # then held (no data for 2018-01)
    assert asked == ["2017-10", "2017-11", "2017-12"]
    assert plan.surfaces[-2] == "period 4: forecast from data to 2017-12"
    assert plan.surfaces[-1] == "period 5: forecast from data to 2017-12 (held: no later data)"
    d = plan.deployments
    assert len(d) == 15
    first = d[d["period"] == 1]
    cells = forecast_cells(events, area, "2017-10", target="harm")
    assert first["expected_harm"].iat[0] == pytest.approx(cells["score"].max(), abs=0.01)
    assert d["street"].notna().all()
    assert d["reason"].str.contains("expected harm").all()


def test_register_is_idempotent_and_replaces_by_camera_and_start(
    tmp_path: Path, area: Area
) -> None:
    surface = _surface([(2, 2, 100), (12, 12, 50), (16, 2, 40), (2, 16, 30)])
    plan = plan_cctv(lambda m: surface, area, "2017-12", "2017-12", cameras=2, weeks=2, periods=3)
    path = tmp_path / "plan" / "cctv_deployments.csv"
    assert record(plan.deployments, path) == (6, 0, 0)
    first = path.read_bytes()
    assert record(plan.deployments, path) == (0, 0, 6)
    assert path.read_bytes() == first
    assert len(read_register(path)) == 6
    # a changed plan for the same dates replaces those rows, never duplicates them
    moved = _surface([(16, 16, 100), (12, 12, 50), (16, 2, 40), (2, 16, 30)])
    replan = plan_cctv(lambda m: moved, area, "2017-12", "2017-12", cameras=2, weeks=2, periods=3)
    added, replaced, same = record(replan.deployments, path)
    assert added == 0 and replaced + same == 6 and replaced > 0
    register = read_register(path)
    assert len(register) == 6
    assert set(register["site_id"]) == set(replan.deployments["site_id"])
    # synthetic rows are kept apart from real ones
    demo = plan_cctv(lambda m: surface, area, "2017-12", "2017-12", cameras=2, weeks=2,
                     periods=3, synthetic=True)  # fmt: skip
    assert record(demo.deployments, path) == (6, 0, 0)
    assert read_register(path)["synthetic"].sum() == 6
    assert not list(path.parent.glob(".*.tmp"))
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(PlanError, match="not a CCTV deployment register"):
        read_register(path)


def test_before_after_hand_counts() -> None:
    register = pd.DataFrame(
        {
            "deployment_id": ["c1", "c2"],
            "site_id": ["s", "s"],
            "start": ["2017-04-03", "2017-12-04"],
            "easting": [1000.0, 1000.0],
            "northing": [1000.0, 1000.0],
            "synthetic": [False, False],
        }
    )
    rows = [
        ("2017-01", 0), ("2017-02", 50), ("2017-03", 199),  # site, before
        ("2017-04", 100),  # site, after
        ("2017-02", 250), ("2017-03", 399), ("2017-05", 300), ("2017-06", 350),  # ring
        ("2017-03", 401),  # beyond the ring
        ("2016-12", 10),  # before the window
        ("2017-07", 10),  # after the window
    ]  # fmt: skip
    events = pd.DataFrame(
        {
            "month": [m for m, _ in rows] + ["2017-08", "2017-09", "2017-10", "2017-11"],
            "x": [1000.0 + d for _, d in rows] + [5000.0] * 4,
            "y": [1000.0] * (len(rows) + 4),
            "is_target": True,
        }
    )
    out = before_after(register, events, radius=200, months=3)
    one = out.iloc[0]
    assert (one.site_before, one.site_after, one.ring_before, one.ring_after) == (3, 1, 2, 2)
    assert one.site_change == pytest.approx(1 / 3 - 1)
    assert one.ring_change == pytest.approx(0.0)
    assert bool(one.covered)
    # the second deployment's after-months (2017-12 on) are not in the data
    two = out.iloc[1]
    assert not two.covered and np.isnan(two.site_before)
    assert out.attrs["caveat"] == CAVEAT and "regression to the mean" in CAVEAT
    text = summarise_before_after(out, 200, 3)
    assert text.startswith("Across 1 deployment: serious-violence crimes within 200 m")
    assert "from 3 in the 3 months before to 1 in the first 3 months (-67%)" in text
    assert "200-400 m away, from 2 to 2 (+0%)" in text
    assert "1 deployment(s) left out" in text and text.endswith(CAVEAT)
    synthetic = summarise_before_after(out.assign(synthetic=True), 200, 3)
    assert "SYNTHETIC deployment (no camera was moved)" in synthetic
    # non-target crimes do not count
    quiet = before_after(register, events.assign(is_target=False), radius=200, months=3)
    assert quiet.iloc[0].site_before == 0
