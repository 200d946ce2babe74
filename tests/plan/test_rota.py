"""The weekly rota: school days only, no team in two places, riskier posts staffed more."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from upstream.area import Area
from upstream.plan.coverage import PlanError
from upstream.plan.posts import PostPlan
from upstream.plan.rota import (
    ROTA_COLUMNS,
    default_week,
    make_rota,
    parse_days,
    parse_week,
    rota_html,
    share_visits,
    shift_times,
)

TERM_WEEK = date(2025, 3, 3)  # Monday 3 March 2025: five school days
HALF_TERM = date(2025, 2, 17)  # February half-term in the bundled London term dates
BANK_HOLIDAY_WEEK = date(2025, 5, 5)  # Monday 5 May 2025 is a bank holiday


def _no_team_twice(rows: pd.DataFrame) -> None:
    assert not rows.duplicated(["date", "start", "team"]).any()


def test_a_term_week_staffs_every_school_day(count_plan: PostPlan, area: Area) -> None:
    rota = make_rota(count_plan.posts, 10, TERM_WEEK, area.calendar, shift_hours=1.25)
    assert list(rota.rows.columns) == list(ROTA_COLUMNS)
    assert rota.shifts == (("15:00", "16:15"), ("16:15", "17:30"))
    assert len(rota.days) == 5 and len(rota.rows) == 5 * 2 * 10
    _no_team_twice(rota.rows)
    assert not rota.rows.duplicated(["date", "start", "post_id"]).any()
    assert rota.note == ""
    assert not rota.rows["synthetic"].any()
    marked = make_rota(count_plan.posts.assign(synthetic=True), 10, TERM_WEEK, area.calendar)
    assert marked.rows["synthetic"].all()  # a demonstration plan stays labelled


def test_bank_holidays_and_chosen_days_are_left_out(count_plan: PostPlan, area: Area) -> None:
    rota = make_rota(count_plan.posts, 4, BANK_HOLIDAY_WEEK, area.calendar)
    assert "2025-05-05" not in set(rota.rows["date"])
    assert len(rota.days) == 4
    some = make_rota(count_plan.posts, 4, TERM_WEEK, area.calendar, days=parse_days("tue,thu"))
    assert sorted(set(some.rows["day"])) == ["Thursday", "Tuesday"]


def test_a_holiday_week_gives_an_empty_rota_and_says_why(count_plan: PostPlan, area: Area) -> None:
    rota = make_rota(count_plan.posts, 10, HALF_TERM, area.calendar)
    assert rota.rows.empty and rota.days == ()
    assert "has no school days" in rota.note and "rota is empty" in rota.note
    page = rota_html(rota, count_plan.posts, area_name=area.name)
    assert "No posts are staffed this week" in page and "has no school days" in page


def test_fewer_teams_rotate_with_the_riskiest_posts_most_often(
    count_plan: PostPlan, area: Area
) -> None:
    posts = count_plan.posts
    rota = make_rota(posts, 4, TERM_WEEK, area.calendar, shift_hours=1.25)
    _no_team_twice(rota.rows)
    assert not rota.rows.duplicated(["date", "start", "post_id"]).any()
    slots = rota.rows.groupby(["date", "start"]).size()
    assert (slots == 4).all() and len(slots) == 10
    visits = rota.rows.groupby("post_id").size().reindex(posts["post_id"], fill_value=0)
    assert visits.to_dict() == rota.visits.to_dict()
    ranked = posts.sort_values("expected", ascending=False)["post_id"]
    assert visits[ranked.iloc[0]] == visits.max()
    assert visits[ranked.iloc[0]] > visits[ranked.iloc[-1]]
    assert "D'Hondt" in rota.note


def test_more_teams_than_posts_double_up_without_clashes(count_plan: PostPlan, area: Area) -> None:
    posts = count_plan.posts.head(3)
    rota = make_rota(posts, 5, TERM_WEEK, area.calendar)
    _no_team_twice(rota.rows)
    assert len(rota.rows) == 5 * 5 and "double up" in rota.note


def test_share_visits_is_proportional_and_capped() -> None:
    assert share_visits([3.0, 1.0], 4, 1).tolist() == [3, 1]
    assert share_visits([10.0, 1.0, 1.0], 4, 2).tolist() == [4, 2, 2]  # capped at 4 slots
    assert share_visits([0.0, 0.0], 3, 1).tolist() == [2, 1]  # no risk: even, ties first


def test_weeks_days_and_shifts_are_parsed_or_refused() -> None:
    assert parse_week("2025-03-05") == TERM_WEEK
    assert default_week("2017-12", date(2030, 1, 1)) == date(2018, 1, 1)
    assert default_week(None, date(2026, 12, 2)) == date(2026, 12, 7)
    assert shift_times((900, 1050), 1.0) == [(900, 960), (960, 1020), (1020, 1050)]
    with pytest.raises(PlanError, match="--week must be a date"):
        parse_week("2025-02-30")
    with pytest.raises(PlanError, match="--days"):
        parse_days("mon,funday")
    with pytest.raises(PlanError, match="--shift-hours"):
        shift_times((900, 1050), 0)


def test_weeks_outside_the_term_dates_say_so(count_plan: PostPlan, area: Area) -> None:
    rota = make_rota(count_plan.posts, 10, date(2018, 1, 1), area.calendar)
    assert "2018-01-01" not in set(rota.rows["date"])  # New Year's Day
    assert len(rota.days) == 4 and "School days are not known" in rota.note


def test_the_printable_rota_holds_every_day_team_and_post(count_plan: PostPlan, area: Area) -> None:
    rota = make_rota(count_plan.posts, 3, TERM_WEEK, area.calendar)
    page = rota_html(rota, count_plan.posts, area_name=area.name, note="Synthetic <b>")
    assert "@media print" in page and "<script" not in page and "http" not in page
    for label in ("Monday 03 March 2025", "Friday 07 March 2025", "Team 3", "P10"):
        assert label in page
    assert count_plan.posts["reason"].iloc[0].replace("'", "&#39;") in page
    assert "Synthetic &lt;b&gt;" in page


def test_a_week_when_term_starts_staffs_only_its_school_days(
    count_plan: PostPlan, area: Area
) -> None:
    assert area.calendar is not None
    rota = make_rota(count_plan.posts, 10, date(2024, 9, 2), area.calendar)  # term: Wed 4th
    assert [d.isoformat() for d in rota.days] == ["2024-09-04", "2024-09-05", "2024-09-06"]
    dates = pd.to_datetime(rota.rows["date"])
    assert area.calendar.is_school_day(dates).all() and len(rota.rows) == 3 * 10
