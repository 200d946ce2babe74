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
from upstream.plan.risk import MIN_TIMED, demand_points, parse_window, risk_surface, window_mask


def test_month_only_data_use_all_day_risk_and_say_so(count_plan: PostPlan) -> None:
    risk = count_plan.risk
    assert not risk.timed
    assert "all-day risk" in risk.note and "15:00 to 17:30" in risk.note
    assert (risk.cells["score"] == risk.cells["all_day"]).all()
    assert risk.month == "2017-12"


def test_the_risk_is_the_forecast_and_demand_keeps_each_cells_total(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    cells = forecast_cells(street_events, area, UNTIL)
    assert np.allclose(count_plan.risk.cells["all_day"], cells["score"].clip(lower=0))
    demand = count_plan.risk.demand
    assert demand["weight"].sum() == pytest.approx(count_plan.risk.cells["score"].sum())
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
