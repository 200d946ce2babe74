"""The risk surface posts cover: the forecast, spread over map points, timed where it can be."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.plan.conftest import UNTIL
from upstream.area import Area
from upstream.forecast.service import forecast_cells
from upstream.plan.coverage import PlanError
from upstream.plan.posts import PostPlan, plan_posts
from upstream.plan.risk import (
    DEFAULT_PLAN_METHOD,
    DEFAULT_RECURRENCE,
    MIN_TIMED,
    blend_demand,
    demand_points,
    parse_window,
    recurrence_points,
    risk_surface,
    window_mask,
)


def test_month_only_data_use_all_day_risk_and_say_so(count_plan: PostPlan) -> None:
    risk = count_plan.risk
    assert not risk.timed
    assert "all-day risk" in risk.note and "15:00 to 17:30" in risk.note
    assert (risk.cells["score"] == risk.cells["all_day"]).all()
    assert risk.month == "2017-12"


def test_the_risk_is_the_forecast_and_demand_keeps_each_cells_total(
    street_events: pd.DataFrame, area: Area
) -> None:
    risk = risk_surface(street_events, area, UNTIL, recurrence=0.0)
    cells = forecast_cells(street_events, area, UNTIL, method=DEFAULT_PLAN_METHOD)
    assert DEFAULT_PLAN_METHOD == "ensemble"
    assert np.allclose(risk.cells["all_day"], cells["score"].clip(lower=0))
    demand = risk.demand
    assert demand["weight"].sum() == pytest.approx(risk.cells["score"].sum())
    assert "blends" not in risk.note
    # demand sits where serious violence was recorded, not at cell centres
    target = street_events[street_events["is_target"]]
    at_points = demand.merge(target[["x", "y"]].drop_duplicates(), on=["x", "y"])
    assert at_points["weight"].sum() > 0.9 * demand["weight"].sum()


def test_demand_points_share_a_cell_by_its_recorded_crimes() -> None:
    cells = pd.DataFrame(
        {"x_min": [0, 150], "y_min": [0, 0], "cell_size": [150, 150], "x": [75.0, 225.0],
         "y": [75.0, 75.0], "score": [3.0, 2.0]}
    )  # fmt: skip
    events = pd.DataFrame({"x": [10.0, 10.0, 100.0], "y": [10.0, 10.0, 20.0]})
    out = demand_points(cells, events)
    assert out.to_dict("list") == {
        "x": [10.0, 100.0, 225.0],
        "y": [10.0, 20.0, 75.0],
        "weight": [2.0, 1.0, 2.0],
    }


def test_timed_incidents_weight_the_risk_to_the_after_school_window(
    street_events: pd.DataFrame, area: Area
) -> None:
    # timed incidents on school days in March 2025: near one place all at 16:00, elsewhere
    # all at 22:00 (the calendar says 2025-03-03..07 are school days)
    hot = (537_500.0, 189_500.0)
    cold = (538_500.0, 186_800.0)
    rows = []
    for day in range(3, 8):
        for _ in range(8):
            rows.append((f"2025-03-{day:02d} 16:00", *hot))
            rows.append((f"2025-03-{day:02d} 22:00", *cold))
    incidents = pd.DataFrame(rows, columns=["occurred", "x", "y"])
    incidents["occurred"] = pd.to_datetime(incidents["occurred"]).dt.tz_localize("Europe/London")
    incidents = incidents.assign(month=UNTIL, is_target=True, harm=60.0, synthetic=False)
    assert len(incidents) >= MIN_TIMED
    risk = risk_surface(street_events, area, UNTIL, incidents=incidents)
    assert risk.timed and "50% of 80 timed" in risk.note
    cells = risk.cells
    share = cells["score"] / cells["all_day"].where(cells["all_day"] > 0)
    near_hot = np.hypot(cells["x"] - hot[0], cells["y"] - hot[1]) < 200
    near_cold = np.hypot(cells["x"] - cold[0], cells["y"] - cold[1]) < 200
    far = np.hypot(cells["x"] - hot[0], cells["y"] - hot[1]) > 3000
    far &= np.hypot(cells["x"] - cold[0], cells["y"] - cold[1]) > 3000
    assert share[near_hot].min() > 0.75  # (40 + 20 * 0.5) / (40 + 20)
    assert share[near_cold].max() < 0.25
    assert share[far].dropna().round(6).eq(0.5).all()  # no local incidents: the area's share
    assert not risk.synthetic and "synthetic" not in risk.note
    few = risk_surface(street_events, area, UNTIL, incidents=incidents.head(MIN_TIMED - 1))
    assert not few.timed and f"only {MIN_TIMED - 1} timed" in few.note
    fake = risk_surface(street_events, area, UNTIL, incidents=incidents.assign(synthetic=True))
    assert fake.synthetic and "synthetic partnership incidents" in fake.note
    posts = plan_posts(street_events, fake, area, 3)
    assert posts.posts["synthetic"].all()
    assert "in the after-school window on school days" in posts.posts["reason"].iloc[0]


def test_window_mask_uses_school_days_and_local_time(area: Area) -> None:
    times = pd.Series(
        pd.to_datetime(
            [
                "2025-03-03 15:30:00+00:00",  # Monday in term, 15:30 GMT
                "2025-03-03 17:30:00+00:00",  # end of window: outside
                "2025-03-08 16:00:00+00:00",  # Saturday
                "2025-07-01 14:30:00+00:00",  # 15:30 BST, in term
                "2025-08-05 16:00:00+00:00",  # summer holiday
                "2019-03-04 16:00:00+00:00",  # before the calendar
            ]
        )
    )
    covered, hit = window_mask(times, area.calendar, parse_window("15:00", "17:30"))
    assert covered.tolist() == [True, True, True, True, True, False]
    assert hit.tolist() == [True, False, False, True, False, False]


def test_bad_plans_are_refused(street_events: pd.DataFrame, area: Area) -> None:
    with pytest.raises(PlanError, match="--until must be a month"):
        risk_surface(street_events, area, "2017-13")
    with pytest.raises(PlanError, match="outside the data"):
        risk_surface(street_events, area, "2018-06")
    with pytest.raises(PlanError, match="no serious-violence crimes inside the area up to"):
        risk_surface(street_events, area, "2015-01")
    with pytest.raises(PlanError, match="empty"):
        risk_surface(street_events, area, UNTIL, window=("17:30", "15:00"))
    with pytest.raises(PlanError, match="HH:MM"):
        parse_window("3pm", "17:30")


def test_recurrence_points_are_mean_monthly_crimes_over_the_months_there_are() -> None:
    events = pd.DataFrame(
        {"month": ["2016-04", "2016-05", "2016-05", "2016-06", "2017-06"],
         "x": [1.0, 1.0, 2.0, 1.0, 2.0], "y": [0.0] * 5, "harm": [10.0, 20.0, 30.0, 40.0, 50.0]}
    )  # fmt: skip
    # up to 2016-06 the data hold 3 months (they start 2016-04): means over 3, not 12
    early = recurrence_points(events, "2016-06")
    assert early.to_dict("list") == {"x": [1.0, 2.0], "y": [0.0, 0.0], "weight": [1.0, 1 / 3]}
    # up to 2017-06 the 12 months are 2016-07..2017-06: only the last row counts
    late = recurrence_points(events, "2017-06", target="harm")
    assert late.to_dict("list") == {"x": [2.0], "y": [0.0], "weight": [50.0 / 12]}


def test_blend_demand_mixes_point_by_point_in_the_cells_window_share() -> None:
    cells = pd.DataFrame({"x_min": [0, 150], "y_min": [0, 0], "cell_size": [150, 150]})
    demand = pd.DataFrame({"x": [10.0, 200.0], "y": [10.0, 10.0], "weight": [4.0, 2.0]})
    recent = pd.DataFrame(
        {"x": [10.0, 200.0, 900.0], "y": [10.0, 10.0, 10.0], "weight": [2.0, 6.0, 5.0]}
    )
    assert blend_demand(demand, recent, cells, None, 0.0) is demand
    out = blend_demand(demand, recent, cells, None, 0.5)  # (900, 10) is in no cell: dropped
    assert out.to_dict("list") == {"x": [10.0, 200.0], "y": [10.0, 10.0], "weight": [3.0, 4.0]}
    timed = blend_demand(demand, recent, cells, np.array([0.5, 0.25]), 0.5)
    assert timed["weight"].tolist() == [2.0 + 0.5, 1.0 + 0.75]
    with pytest.raises(PlanError, match="--recurrence must be between 0 and 1"):
        blend_demand(demand, recent, cells, None, 1.5)


def test_the_risk_blends_the_forecast_with_recent_crimes_at_map_points(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    # the default (validated) is the forecast alone; --recurrence 0.5 blends half and half
    assert DEFAULT_RECURRENCE == 0.0
    target = street_events[street_events["is_target"]]
    recent = recurrence_points(target[target["month"] <= UNTIL], UNTIL)
    forecast_only = risk_surface(street_events, area, UNTIL, recurrence=0.0).demand
    pd.testing.assert_frame_equal(count_plan.risk.demand, forecast_only)
    risk = risk_surface(street_events, area, UNTIL, recurrence=0.5)
    recent_only = risk_surface(street_events, area, UNTIL, recurrence=1.0).demand
    # the recent half is the mean monthly crimes at each map point (those in study cells)
    held = recent_only[recent_only["weight"] > 0]
    at = held.merge(recent, on=["x", "y"], suffixes=("", "_recent"))
    assert len(at) == len(held) and np.allclose(at["weight"], at["weight_recent"])
    assert recent_only["weight"].sum() > 0.99 * recent["weight"].sum()
    both = forecast_only.merge(recent_only, on=["x", "y"], how="outer", suffixes=("_f", "_r"))
    both = both.fillna(0.0).merge(risk.demand, on=["x", "y"], how="outer")
    assert not both["weight"].isna().any()
    assert np.allclose(both["weight"], 0.5 * both["weight_f"] + 0.5 * both["weight_r"])
    assert not forecast_only["weight"].equals(risk.demand["weight"])
    assert "blends the forecast (50%)" in risk.note
    with pytest.raises(PlanError, match="--recurrence must be between 0 and 1"):
        risk_surface(street_events, area, UNTIL, recurrence=-0.1)
