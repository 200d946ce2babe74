"""Numbers, months and the age of data as people read them (values checked by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from upstream.formatting import (
    data_age,
    month_name,
    month_period,
    months_between,
    p_equals,
    p_value,
    percent,
    signed_percent,
)


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "< 0.001"),
        (0.00049, "< 0.001"),  # would print as 0.000
        (0.000999, "< 0.001"),
        (0.001, "0.001"),
        (0.0424, "0.042"),
        (0.936, "0.936"),
        (1.0, "1.000"),
        (1.0000000002, "1.000"),  # floating error above 1
        (float("nan"), "not defined"),
    ],
)
def test_p_value(p: float, text: str) -> None:
    assert p_value(p) == text


def test_p_equals() -> None:
    assert p_equals(0.0) == "p < 0.001"
    assert p_equals(0.0424) == "p = 0.042"
    assert p_equals(0.936, digits=2) == "p = 0.94"


def test_p_value_digits() -> None:
    assert p_value(0.004, digits=2) == "< 0.01"
    assert p_value(0.0149, digits=2) == "0.01"


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.13, "+13%"),
        (-0.07, "-7%"),
        (-0.0016, "0%"),  # 6,208 -> 6,198 printed "-0%" before
        (0.004, "0%"),
        (0.0, "0%"),
        (-0.005, "0%"),  # rounds half to even: -0.5 -> "-0"
        (-0.0051, "-1%"),
        (1.5, "+150%"),
    ],
)
def test_signed_percent(fraction: float, text: str) -> None:
    assert signed_percent(fraction) == text


def test_signed_percent_digits() -> None:
    assert signed_percent(-0.0004, digits=1) == "0.0%"
    assert signed_percent(0.0125, digits=1) == "+1.2%"  # 1.25 rounds half to even


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(0.4123, "41%"), (0.05, "5%"), (1.0, "100%"), (-0.001, "0%"), (0.0, "0%")],
)
def test_percent(fraction: float, text: str) -> None:
    assert percent(fraction) == text


def test_percent_digits() -> None:
    assert percent(0.2405, digits=1) == "24.1%"
    assert percent(0.123, digits=1) == "12.3%"


def test_months() -> None:
    assert months_between("2016-04", "2017-12") == 20
    assert months_between("2017-12", "2026-12") == 108
    assert months_between("2018-01", "2017-12") == -1
    assert month_name("2017-12") == "Dec 2017"
    assert month_name("2021-09") == "Sep 2021"
    assert month_period("2016-04", "2017-12") == "Apr 2016 – Dec 2017"
    assert month_period("2016-04", "2016-04") == "Apr 2016"


@pytest.mark.parametrize(
    ("last", "today", "words"),
    [
        ("2026-12", date(2026, 12, 1), "up to date"),
        ("2026-11", date(2026, 12, 31), "up to date"),
        ("2026-10", date(2026, 12, 1), "two months old"),
        ("2025-12", date(2026, 11, 30), "eleven months old"),
        ("2025-12", date(2026, 12, 1), "one year old"),
        ("2025-08", date(2026, 12, 1), "over one year old"),  # 16 months
        ("2024-02", date(2026, 12, 1), "nearly three years old"),  # 34 months
        ("2024-06", date(2026, 12, 1), "two and a half years old"),  # 30 months
        ("2024-09", date(2026, 12, 1), "over two years old"),  # 27 months
        ("2017-12", date(2026, 12, 1), "nine years old"),  # 108 months
        ("2017-12", date(2026, 9, 1), "nearly nine years old"),  # 105 months
        ("2000-01", date(2026, 1, 1), "26 years old"),
        ("2027-03", date(2026, 12, 1), "ends in the future"),
    ],
)
def test_data_age(last: str, today: date, words: str) -> None:
    assert data_age(last, today) == words
