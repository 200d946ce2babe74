"""School terms, bank holidays and the school day, for timing synthetic incidents.

Young people's exposure to violence follows the school calendar: it is higher on school days
and in the hours after the school day ends. This module says which dates are school days.

A date is a school day when it falls inside a term, is a weekday, and is not a bank holiday
in England (bank holidays come from the ``holidays`` package, so one-off days such as the
coronation bank holiday on 2023-05-08 are included). Half-terms are the gaps between terms.

The default calendar holds typical London term dates for the school years 2020/21 to
2025/26. They are approximate (a week either way of each borough's published dates), do not
model INSET days, and ignore the 2021 lockdown school closures. A partnership with its own
local authority's dates should build a :class:`SchoolCalendar` from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import cache

import holidays
import numpy as np
import pandas as pd

__all__ = [
    "LONDON_TERMS",
    "CalendarError",
    "SchoolCalendar",
    "bank_holidays",
    "default_calendar",
]


class CalendarError(ValueError):
    """The calendar cannot answer for the dates asked (outside its school years)."""


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _terms(*pairs: tuple[str, str]) -> tuple[tuple[date, date], ...]:
    return tuple((_d(a), _d(b)) for a, b in pairs)


LONDON_TERMS: tuple[tuple[date, date], ...] = _terms(
    # 2020/21
    ("2020-09-03", "2020-10-23"),
    ("2020-11-02", "2020-12-18"),
    ("2021-01-05", "2021-02-12"),
    ("2021-02-22", "2021-03-31"),
    ("2021-04-19", "2021-05-28"),
    ("2021-06-07", "2021-07-21"),
    # 2021/22
    ("2021-09-02", "2021-10-22"),
    ("2021-11-01", "2021-12-17"),
    ("2022-01-04", "2022-02-11"),
    ("2022-02-21", "2022-04-01"),
    ("2022-04-19", "2022-05-27"),
    ("2022-06-06", "2022-07-22"),
    # 2022/23
    ("2022-09-05", "2022-10-21"),
    ("2022-10-31", "2022-12-20"),
    ("2023-01-04", "2023-02-10"),
    ("2023-02-20", "2023-03-31"),
    ("2023-04-17", "2023-05-26"),
    ("2023-06-05", "2023-07-21"),
    # 2023/24
    ("2023-09-04", "2023-10-20"),
    ("2023-10-30", "2023-12-20"),
    ("2024-01-04", "2024-02-09"),
    ("2024-02-19", "2024-03-27"),
    ("2024-04-15", "2024-05-24"),
    ("2024-06-03", "2024-07-23"),
    # 2024/25
    ("2024-09-04", "2024-10-25"),
    ("2024-11-04", "2024-12-20"),
    ("2025-01-06", "2025-02-14"),
    ("2025-02-24", "2025-04-04"),
    ("2025-04-22", "2025-05-23"),
    ("2025-06-02", "2025-07-22"),
    # 2025/26
    ("2025-09-03", "2025-10-24"),
    ("2025-11-03", "2025-12-19"),
    ("2026-01-05", "2026-02-13"),
    ("2026-02-23", "2026-03-27"),
    ("2026-04-13", "2026-05-22"),
    ("2026-06-01", "2026-07-22"),
)
"""Approximate London term dates (first and last day of each half-term block, inclusive)."""


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


def default_calendar() -> SchoolCalendar:
    """Typical London term dates for school years 2020/21 to 2025/26; school ends 15:15."""
    return SchoolCalendar(
        terms=LONDON_TERMS,
        school_year_start=date(2020, 9, 1),
        school_year_end=date(2026, 8, 31),
    )
