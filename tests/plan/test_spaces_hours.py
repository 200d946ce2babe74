"""Opening hours: the written format, and open through the after-school window."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream.plan.hours import HoursError, parse_hours, parse_window
from upstream.plan.spaces import open_after_school

WINDOW = (15 * 60, 17 * 60 + 30)


def test_rules_days_and_ranges() -> None:
    hours = parse_hours("Mon-Fri 15:00-19:00; Sat 10:00-16:00")
    assert hours.days[0] == ((900, 1140),)
    assert hours.days[4] == ((900, 1140),)
    assert hours.days[5] == ((600, 960),)
    assert hours.days[6] == ()
    listed = parse_hours("Mon,Wed 09:00-12:00,13:00-18:00")
    assert listed.days[0] == ((540, 720), (780, 1080))
    assert listed.days[1] == ()
    assert all(d == ((480, 1440),) for d in parse_hours("daily 08:00-24:00").days)
    assert parse_hours("closed").never
    assert parse_hours("Mo-Fr 15:00-18:00").days[3] == ((900, 1080),)  # OpenStreetMap days


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("Mon-Fri", "days then times"),
        ("Mon-Fri 19:00-09:00", "closing time must be after"),
        ("Fri-Mon 09:00-17:00", "Monday to Sunday"),
        ("Funday 09:00-17:00", "not a day"),
        ("Mon 9am-5pm", "not a time"),
        ("Mon 09:00-25:00", "not a time"),
    ],
)
def test_bad_hours_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(HoursError, match=says):
        parse_hours(text)


def test_open_through_needs_the_whole_window_without_a_break() -> None:
    assert parse_hours("Mon 15:00-17:30").open_through(0, *WINDOW)
    assert not parse_hours("Mon 15:00-17:00").open_through(0, *WINDOW)
    assert not parse_hours("Mon 15:30-19:00").open_through(0, *WINDOW)
    # two back-to-back ranges cover it; a gap between them does not
    assert parse_hours("Mon 09:00-16:00,16:00-18:00").open_through(0, *WINDOW)
    assert not parse_hours("Mon 09:00-16:00,16:15-18:00").open_through(0, *WINDOW)
    # two rules for the same day join up
    assert parse_hours("Mon-Fri 09:00-16:00; Mon 16:00-20:00").open_through(0, *WINDOW)


def test_open_after_school_means_every_school_weekday() -> None:
    table = open_after_school(
        pd.Series(
            [
                "Mon-Fri 09:00-19:00",  # open
                "Mon-Thu 09:00-19:00",  # not on Friday
                "Mon-Fri 09:00-17:00",  # closes before the window ends
                "Sat-Sun 09:00-19:00",  # weekends only
                "closed",
            ]
        ),
        WINDOW,
    )
    assert table["open_after_school"].tolist() == [True, False, False, False, False]
    assert table["weekdays_open"].tolist() == [5, 4, 0, 0, 0]
    assert table["partly_open"].tolist() == [False, True, True, False, False]
    assert table["open_days"].tolist() == ["Mon-Fri", "Mon, Tue, Wed, Thu", "none", "none", "none"]


def test_window_parameter() -> None:
    assert parse_window("15:00-17:30") == WINDOW
    with pytest.raises(HoursError):
        parse_window("17:30-15:00")
    evening = parse_window("18:00-20:00")
    table = open_after_school(pd.Series(["Mon-Fri 09:00-19:00"]), evening)
    assert not table["open_after_school"].iat[0]
