"""``YYYYQn``: months and London bounds; anything else refused in one line."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from upstream.account.board.quarter import Quarter, QuarterError, parse_quarter


def test_months_and_bounds() -> None:
    q = parse_quarter("2024Q4")
    assert q == Quarter(2024, 4)
    assert q.months == ["2024-10", "2024-11", "2024-12"]
    start, end = q.bounds()
    assert (start.year, start.month, end.year, end.month) == (2024, 10, 2025, 1)
    spring = parse_quarter(" 2024Q2 ").bounds()[0]  # British Summer Time: 23:00 UTC the day before
    assert spring.utcoffset() == timedelta(hours=1)
    assert spring.astimezone(datetime.now().astimezone().tzinfo).year == 2024


@pytest.mark.parametrize("bad", ["2024Q5", "2024-Q1", "Q1 2024", "24Q1", "", "2024q1x"])
def test_refuses_what_is_not_a_quarter(bad: str) -> None:
    with pytest.raises(QuarterError, match=r"--quarter: .* is not a quarter in YYYYQn form"):
        parse_quarter(bad)
