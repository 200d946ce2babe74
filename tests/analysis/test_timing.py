"""Local times, weekday by hour, school days and the after-school window."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from upstream.analysis.timing import (
    after_school,
    known_times,
    peak_hours,
    school_days,
    weekday_hour,
)


def test_known_times_convert_to_london_and_drop_wide_ranges() -> None:
    start = pd.Series(
        pd.to_datetime(["2023-07-03 14:30Z", "2023-01-02 14:30Z", "2023-07-03 10:00Z"])
    )
    end = pd.Series(pd.to_datetime(["2023-07-03 14:30Z", "2023-01-02 16:30Z", "2023-07-03 13:00Z"]))
    local = known_times(start, end)
    assert local.iloc[0].hour == 15  # BST
    assert local.iloc[1].hour == 14  # GMT, a 2-hour range still counts
    assert pd.isna(local.iloc[2])  # 3-hour range: time not known


def test_weekday_hour_table() -> None:
    t = pd.Series(pd.to_datetime(["2024-01-01 08:10", "2024-01-01 08:50", "2024-01-07 23:00"]))
    table = weekday_hour(t.dt.tz_localize("Europe/London"))
    assert table.shape == (7, 24)
    assert table.loc["Monday", 8] == 2 and table.loc["Sunday", 23] == 1
    assert table.to_numpy().sum() == 3
    assert peak_hours(table, 1) == [("Monday", 8, 2)]


def test_school_days_and_after_school_rate_ratios(area) -> None:
    cal = area.calendar  # the bundled pack's term dates
    first, last = date(2023, 9, 1), date(2023, 9, 30)
    days = cal.day_table(first, last)
    school = days.loc[days["is_school_day"], "date"]
    other = days.loc[~days["is_school_day"], "date"]
    # two incidents at 16:00 on every school day, one at 11:00 on every other day
    stamps = [d + pd.Timedelta(hours=16) for d in school for _ in range(2)]
    stamps += [d + pd.Timedelta(hours=11) for d in other]
    local = pd.Series(pd.DatetimeIndex(stamps).tz_localize("Europe/London"))
    cmp = school_days(local, cal, first, last)
    assert cmp is not None
    assert (cmp.events_a, cmp.events_b) == (2 * len(school), len(other))
    assert cmp.result.ratio == pytest.approx(2.0)
    after = after_school(local, cal, first, last)
    assert after is not None
    assert (after.events_a, after.events_b) == (2 * len(school), 0)
    assert after.exposure_a == pytest.approx(2 * len(school))  # two hours a school day
    assert after_school(local, cal, date(2030, 1, 1), date(2030, 2, 1)) is None
