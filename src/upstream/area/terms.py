"""School terms, bank holidays and the school day: which dates are school days.

Young people's exposure to violence follows the school calendar: it is higher on school days
and in the hours after the school day ends. A date is a school day when it falls inside a
term, is a weekday, and is not a bank holiday in England (bank holidays come from the
``holidays`` package, so one-off days such as the coronation bank holiday on 2023-05-08 are
included). Half-terms are the gaps between terms.

The term dates are area-pack data (the ``school_terms`` layer, read by
:func:`read_school_terms`): the bundled Waltham Forest pack holds typical London term dates
for the school years 2020/21 to 2025/26. A partnership with its own local authority's dates
puts them in its pack.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import pandas as pd

__all__ = [
    "CalendarError",
    "SchoolCalendar",
    "bank_holidays",
    "read_school_terms",
]


class CalendarError(ValueError):
    """The calendar cannot answer for the dates asked (outside its school years)."""


@cache
def _bank_holiday_set(first_year: int, last_year: int) -> frozenset[date]:
    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return frozenset(table.keys())


def bank_holidays(start: date, end: date) -> list[date]:
    """Bank holidays in England between ``start`` and ``end`` inclusive, in date order.

    Parameters
    ----------
    start, end
        First and last date of the range.

    Returns
    -------
    list of datetime.date
        Includes substitute ("observed") days and one-off bank holidays.
    """
    found = _bank_holiday_set(start.year, end.year)
    return sorted(d for d in found if start <= d <= end)


@dataclass(frozen=True)
class SchoolCalendar:
    """Term dates plus the school day's end, answering "is this a school day?".

    Parameters
    ----------
    terms
        ``(first_day, last_day)`` of each term block, inclusive, in order.
    school_day_end
        When the school day ends (local time); the after-school window starts here.
    after_school_minutes
        Length of the after-school window in minutes.
    school_year_start
        First day of the first school year covered (1 September before the first term).
    school_year_end
        Last day of the last school year covered (31 August after the last term).
    """

    terms: tuple[tuple[date, date], ...]
    school_day_end: time = time(15, 15)
    after_school_minutes: int = 120
    school_year_start: date | None = None
    school_year_end: date | None = None

    @property
    def first_day(self) -> date:
        """First date the calendar can answer for."""
        return self.school_year_start or self.terms[0][0]

    @property
    def last_day(self) -> date:
        """Last date the calendar can answer for."""
        return self.school_year_end or self.terms[-1][1]

    @property
    def after_school_window(self) -> tuple[int, int]:
        """The after-school window as minutes after midnight, ``[start, end)``."""
        start = self.school_day_end.hour * 60 + self.school_day_end.minute
        return start, min(start + self.after_school_minutes, 24 * 60)

    def check_covers(self, start: date, end: date) -> None:
        """Raise :class:`CalendarError` unless every date in ``[start, end]`` is covered."""
        if start < self.first_day or end > self.last_day:
            raise CalendarError(
                f"school calendar covers {self.first_day} to {self.last_day}; "
                f"asked for {start} to {end}. Supply term dates for those school years."
            )

    def day_table(self, start: date, end: date) -> pd.DataFrame:
        """One row per date in ``[start, end]`` with its day type.

        Returns
        -------
        pandas.DataFrame
            Columns ``date`` (datetime64, midnight), ``weekday`` (0 = Monday),
            ``is_weekend``, ``is_bank_holiday``, ``in_term`` and ``is_school_day``.
        """
        self.check_covers(start, end)
        days = pd.date_range(start, end, freq="D")
        weekday = days.day_of_week.to_numpy()
        bank = np.isin(days.date, np.array(bank_holidays(start, end), dtype=object))
        in_term = np.zeros(len(days), dtype=bool)
        values = days.to_numpy()
        for first, last in self.terms:
            in_term |= (values >= np.datetime64(first)) & (values <= np.datetime64(last))
        weekend = weekday >= 5
        return pd.DataFrame(
            {
                "date": days,
                "weekday": weekday,
                "is_weekend": weekend,
                "is_bank_holiday": bank,
                "in_term": in_term,
                "is_school_day": in_term & ~weekend & ~bank,
            }
        )

    def is_school_day(self, dates: pd.Series | pd.DatetimeIndex | list[date]) -> np.ndarray:
        """Boolean array: which of ``dates`` are school days (time of day is ignored)."""
        index = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates)).dt.tz_localize(None))
        days = index.normalize()
        if len(days) == 0:
            return np.zeros(0, dtype=bool)
        table = self.day_table(days.min().date(), days.max().date()).set_index("date")
        return table.loc[days, "is_school_day"].to_numpy(dtype=bool)


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a time HH:MM") from None


def read_school_terms(path: Path, options: Mapping[str, Any]) -> SchoolCalendar:
    """A :class:`SchoolCalendar` from a pack's term-dates CSV and its manifest table.

    The CSV has one row per term block: ``first_day``, ``last_day`` (inclusive,
    ``YYYY-MM-DD``), in order and not overlapping. ``options`` may set ``school_day_end``
    (``"15:15"``), ``after_school_minutes`` (120), and ``first_day`` / ``last_day``: the first
    and last dates the calendar answers for (default: the first term's first day and the
    last term's last day).

    Raises
    ------
    ValueError
        Naming the file and line of a bad date, or the manifest key of a bad setting.
    """
    terms: list[tuple[date, date]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"first_day", "last_day"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            where = f"{path} line {line}"
            first = _date(row["first_day"], f"{where}, first_day")
            last = _date(row["last_day"], f"{where}, last_day")
            if last < first:
                raise ValueError(f"{where}: last_day {last} is before first_day {first}")
            if terms and first <= terms[-1][1]:
                raise ValueError(f"{where}: term starts {first}, before the previous one ends")
            terms.append((first, last))
    if not terms:
        raise ValueError(f"{path}: no term dates")
    minutes = options.get("after_school_minutes", 120)
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ValueError("[school_terms] after_school_minutes must be a whole number of minutes")
    return SchoolCalendar(
        terms=tuple(terms),
        school_day_end=_time(options.get("school_day_end", "15:15"), "school_day_end"),
        after_school_minutes=minutes,
        school_year_start=_date(options["first_day"], "first_day")
        if "first_day" in options
        else None,
        school_year_end=_date(options["last_day"], "last_day") if "last_day" in options else None,
    )
