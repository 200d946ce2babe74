"""Safer Routes posts on the bundled real police.uk data and area pack."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from tests.plan.conftest import UNTIL
from upstream.area import Area
from upstream.plan.coverage import PlanError
from upstream.plan.journeys import school_journeys, secondary_schools
from upstream.plan.posts import (
    DEFAULT_CORRIDOR,
    MAX_SCHOOL_M,
    POST_COLUMNS,
    PostPlan,
    candidate_sites,
    plan_posts,
)
from upstream.plan.risk import risk_surface


def test_every_post_is_within_1000_m_of_an_open_secondary_school(
    count_plan: PostPlan, area: Area
) -> None:
    schools = secondary_schools(area)
    distance, _ = cKDTree(schools[["x", "y"]].to_numpy()).query(
        count_plan.posts[["easting", "northing"]].to_numpy()
    )
    assert len(count_plan.posts) == 10
    assert (distance <= MAX_SCHOOL_M).all()
    assert area.contains(count_plan.posts["easting"], count_plan.posts["northing"]).all()


def test_candidate_sites_keep_their_spacing_and_the_school_rule(area: Area) -> None:
    sites = candidate_sites(area, school_journeys(area), spacing=75)
    xy = sites[["x", "y"]].to_numpy()
    nearest, _ = cKDTree(xy).query(xy, k=2)
    assert nearest[:, 1].min() >= 75
    schools = secondary_schools(area)
    distance, _ = cKDTree(schools[["x", "y"]].to_numpy()).query(xy)
    assert (distance <= MAX_SCHOOL_M).all()
    assert sites["gate"].sum() >= 1


def test_posts_are_the_same_every_run(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    again = plan_posts(street_events, risk_surface(street_events, area, UNTIL), area, 10)
    pd.testing.assert_frame_equal(again.posts, count_plan.posts)
    assert count_plan.posts["post_id"].tolist() == [f"P{i:02d}" for i in range(1, 11)]
    gains = count_plan.posts["marginal_gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()  # numbered by marginal gain


def test_every_post_says_why_with_a_school_and_numbers(count_plan: PostPlan, area: Area) -> None:
    posts = count_plan.posts
    assert list(posts.columns) == list(POST_COLUMNS)
    names = set(secondary_schools(area)["name"])
    for rec in posts.to_dict("records"):
        reason = rec["reason"]
        assert any(name in reason for name in names), reason
        assert re.search(r"\(\d[\d,]* pupils\)", reason), reason
        assert re.search(r"\d+(\.\d)? serious-violence crimes expected within 250 m", reason)
        assert f"{rec['recent_events']:,} in the last 3 months" in reason
        if rec["street"]:
            assert f"on {rec['street']}" in reason
    assert posts["street"].notna().sum() >= 8  # police.uk descriptions name the streets
    assert (posts["pupils"] > 0).all() and (posts["expected"] > 0).all()


def test_expected_and_recent_counts_are_what_lies_within_the_radius(
    count_plan: PostPlan, street_events: pd.DataFrame
) -> None:
    first = count_plan.posts.iloc[0]
    demand = count_plan.risk.demand
    near = np.hypot(demand["x"] - first["easting"], demand["y"] - first["northing"]) <= 250
    assert first["expected"] == pytest.approx(demand.loc[near, "weight"].sum(), abs=1e-3)
    recent = street_events[
        street_events["is_target"] & street_events["month"].isin(["2017-09", "2017-10", UNTIL])
    ]
    close = np.hypot(recent["x"] - first["easting"], recent["y"] - first["northing"]) <= 250
    assert first["recent_events"] == int(close.sum())


def test_harm_mode_plans_for_harm(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    risk = risk_surface(street_events, area, UNTIL, target="harm")
    harm = plan_posts(street_events, risk, area, 10)
    assert (harm.posts["measure"] == "harm").all()
    assert "harm of" in harm.posts["reason"].iloc[0]
    assert "serious-violence crimes in the last 3 months" in harm.posts["reason"].iloc[0]
    assert harm.posts["expected"].sum() > 10 * count_plan.posts["expected"].sum()
    assert not harm.posts[["easting", "northing"]].equals(count_plan.posts[["easting", "northing"]])


def test_refusals_name_the_problem(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    risk = count_plan.risk
    with pytest.raises(PlanError, match="--teams must be 1 or more"):
        plan_posts(street_events, risk, area, 0)
    with pytest.raises(PlanError, match=r"--teams 5000 is more than the \d+ candidate"):
        plan_posts(street_events, risk, area, 5000)
    no_schools = dataclasses.replace(area, schools=area.schools.iloc[0:0])
    with pytest.raises(PlanError, match="no open secondary"):
        plan_posts(street_events, risk, no_schools, 3)


def test_a_corridor_adds_sites_near_the_journeys_and_keeps_the_rest(area: Area) -> None:
    journeys = school_journeys(area)
    on = candidate_sites(area, journeys)
    wide = candidate_sites(area, journeys, corridor=150)
    assert len(wide) > 2 * len(on)
    pd.testing.assert_frame_equal(wide.head(len(on)), on)  # the sites on the lines come first
    extra = wide.iloc[len(on) :]
    lines = journeys.lines
    for x, y in extra[["x", "y"]].to_numpy()[::25]:
        x0, y0 = lines["x0"].to_numpy(), lines["y0"].to_numpy()
        dx, dy = lines["x1"].to_numpy() - x0, lines["y1"].to_numpy() - y0
        t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        assert np.hypot(x0 + t * dx - x, y0 + t * dy - y).min() <= 150 + 1e-6
    xy = wide[["x", "y"]].to_numpy()
    assert cKDTree(xy).query(xy, k=2)[0][:, 1].min() >= 75
    schools = secondary_schools(area)[["x", "y"]].to_numpy()
    assert (cKDTree(schools).query(xy)[0] <= MAX_SCHOOL_M).all()


def test_plans_with_a_corridor_still_keep_the_school_rule(
    count_plan: PostPlan, street_events: pd.DataFrame, area: Area
) -> None:
    on_lines = plan_posts(street_events, count_plan.risk, area, 10, corridor=0)
    plan = plan_posts(street_events, count_plan.risk, area, 10, corridor=150)
    assert plan.coverage.covered >= on_lines.coverage.covered - 1e-9  # more sites, no worse
    schools = secondary_schools(area)[["x", "y"]].to_numpy()
    assert (cKDTree(schools).query(plan.posts[["easting", "northing"]].to_numpy())[0] <= 1000).all()


def test_by_default_posts_may_stand_a_walking_radius_off_the_straight_journeys(
    count_plan: PostPlan, area: Area
) -> None:
    assert DEFAULT_CORRIDOR == 250
    wide = candidate_sites(area, count_plan.journeys, corridor=250)
    pd.testing.assert_frame_equal(count_plan.candidates, wide)
    on_lines = candidate_sites(area, count_plan.journeys)
    assert len(count_plan.candidates) > 2 * len(on_lines)
    # the reasons still name a school walk: every site is within the radius of a journey
    assert count_plan.posts["schools"].str.len().gt(0).all()
