"""How numbers, months and the age of data are written for people: one place for all of it.

Pages, reports and the command line print p-values, signed changes, percentages, month
ranges and "how old is this data" the same way, so a reader never sees ``p 0.000``,
``-0%`` or ``0.412`` on one screen and ``41%`` on another for the same thing.

Every function here is pure: values in, text out (the age of data takes today's date as an
argument, so the same call always gives the same words).
"""

from __future__ import annotations

import math
from datetime import date

__all__ = [
    "data_age",
    "month_name",
    "month_period",
    "months_between",
    "p_equals",
    "p_value",
    "percent",
    "signed_percent",
]

_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def p_value(p: float, *, digits: int = 3) -> str:
    """A p-value as a reader should see it: ``0.042``, ``< 0.001`` (never ``0.000``).

    Parameters
    ----------
    p
        The p-value, between 0 and 1.
    digits
        Decimal places; a value that would round to zero at this precision is written as
        ``< 0.001`` (for 3 digits), a value that would round to 1 as ``1.000``.

    Returns
    -------
    str
        ``"< 0.001"``, ``"0.042"``; ``"not defined"`` for NaN.
    """
    if not math.isfinite(p):
        return "not defined"
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{min(p, 1.0):.{digits}f}"


def p_equals(p: float, *, digits: int = 3) -> str:
    """``p`` with its value for a sentence: ``p = 0.042``, ``p < 0.001``."""
    text = p_value(p, digits=digits)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def percent(fraction: float, *, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.4123`` -> ``41%``; never ``-0%``.

    Parameters
    ----------
    fraction
        The share (0.41 for 41%).
    digits
        Decimal places of the percentage.
    """
    text = f"{fraction * 100:.{digits}f}"
    if float(text) == 0:  # -0.2 rounds to "-0": a change too small to show has no sign
        text = f"{0:.{digits}f}"
    return f"{text}%"


def signed_percent(fraction: float, *, digits: int = 0) -> str:
    """A change as a signed percentage: ``+13%``, ``-7%``, and ``0%`` when it rounds to zero.

    Parameters
    ----------
    fraction
        The relative change (0.13 for a 13% rise).
    digits
        Decimal places of the percentage.
    """
    text = percent(fraction, digits=digits)
    if float(text[:-1]) > 0:
        return "+" + text
    return text


def _month(value: str) -> tuple[int, int]:
    year, month = value[:7].split("-")
    return int(year), int(month)


def months_between(first: str, last: str) -> int:
    """Whole months from month ``first`` to month ``last`` (``YYYY-MM``); negative if before."""
    (y1, m1), (y2, m2) = _month(first), _month(last)
    return (y2 - y1) * 12 + (m2 - m1)


def month_name(value: str) -> str:
    """``2017-12`` -> ``Dec 2017``."""
    year, month = _month(value)
    return date(year, month, 1).strftime("%b %Y")


def month_period(first: str, last: str) -> str:
    """``2016-04``, ``2017-12`` -> ``Apr 2016 – Dec 2017`` (one month: ``Apr 2016``)."""
    if first[:7] == last[:7]:
        return month_name(first)
    return f"{month_name(first)} – {month_name(last)}"


def _count_words(n: int, unit: str) -> str:
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else f"{n:,}"
    return f"{word} {unit}{'s' if n != 1 else ''}"


def data_age(last: str, today: date) -> str:
    """How old data ending in month ``last`` (``YYYY-MM``) are on ``today``, in words.

    Counted in whole calendar months from the last month to today's month: ``up to date``
    (this month or last month), ``five months old``, ``one year old``, ``over two years
    old`` (1 to 5 months more), ``two and a half years old`` (6 to 8 more), ``nearly three
    years old`` (9 to 11 more).

    Parameters
    ----------
    last
        The data's last month, ``YYYY-MM``.
    today
        The date to measure from.
    """
    months = months_between(last, today.strftime("%Y-%m"))
    if months <= 1:
        return "up to date" if months >= 0 else "ends in the future"
    if months < 12:
        return f"{_count_words(months, 'month')} old"
    years, rest = divmod(months, 12)
    if rest == 0:
        return f"{_count_words(years, 'year')} old"
    if rest <= 5:
        return f"over {_count_words(years, 'year')} old"
    if rest <= 8:
        word = _NUMBER_WORDS[years] if years < len(_NUMBER_WORDS) else f"{years:,}"
        return f"{word} and a half years old"
    return f"nearly {_count_words(years + 1, 'year')} old"
