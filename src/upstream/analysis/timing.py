"""When violence happens: weekday by hour, school days, and the hours after school.

These need event times. police.uk data give the month only, so callers must check
:func:`has_times` and say so instead of drawing these views. Partnership incidents carry
``occurred_from`` and ``occurred_to`` as exact instants; they are converted to Europe/London
wall-clock time here, and only incidents whose recorded range is at most two hours have a
known time (``known_times``); the rest are counted as "time not known", never spread over
the day.

School days come from a :class:`~upstream.area.SchoolCalendar` (term dates, weekdays,
England's bank holidays): the area pack's term dates (``Area.calendar``; the bundled pack
holds typical London term dates for 2020/21 to 2025/26).

Rate ratios use the exact conditional Poisson interval of :mod:`upstream.analysis.trends`
with the exposure of each side (days, or school-day hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from upstream.analysis.trends import RatioCI, poisson_ratio_ci
from upstream.area import SchoolCalendar
from upstream.vocab import TIME_ZONE

__all__ = [
    "WEEKDAYS",
    "DayTypeComparison",
    "after_school",
    "has_times",
    "known_times",
    "peak_hours",
    "school_days",
    "weekday_hour",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def has_times(frame: pd.DataFrame, column: str = "occurred_from") -> bool:
    """True when ``frame`` has event timestamps (partnership data), not just months."""
    return column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column])


def known_times(
    occurred_from: pd.Series, occurred_to: pd.Series | None = None, max_hours: float = 2.0
) -> pd.Series:
    """Local (Europe/London) time of each event whose recorded range is at most ``max_hours``.

    Returns a tz-aware Series aligned with ``occurred_from``; NaT where the time is not known
    (a wider range, or no timestamp).
    """
    start = pd.to_datetime(occurred_from, utc=True)
    if occurred_to is None:
        width = pd.Series(pd.Timedelta(0), index=start.index)
    else:
        end = pd.to_datetime(occurred_to, utc=True).fillna(start)
        width = end - start
    known = width <= pd.Timedelta(hours=max_hours)
    return start.dt.tz_convert(TIME_ZONE).where(known)


def weekday_hour(local: pd.Series) -> pd.DataFrame:
    """Events per weekday (rows, Monday first) and hour of day (columns 0-23)."""
    t = local.dropna()
    table = pd.crosstab(t.dt.day_of_week, t.dt.hour).reindex(
        index=range(7), columns=range(24), fill_value=0
    )
    table.index = pd.Index(WEEKDAYS, name="weekday")
    table.columns.name = "hour"
    return table.astype("int64")


@dataclass(frozen=True)
class DayTypeComparison:
    """Events in one kind of time against another, per unit of exposure."""

    label_a: str
    label_b: str
    events_a: int
    events_b: int
    exposure_a: float
    exposure_b: float
    unit: str
    result: RatioCI
    first: date
    last: date

    @property
    def rate_a(self) -> float:
        return self.events_a / self.exposure_a if self.exposure_a else float("nan")

    @property
    def rate_b(self) -> float:
        return self.events_b / self.exposure_b if self.exposure_b else float("nan")


def _covered(calendar: SchoolCalendar, first: date, last: date) -> tuple[date, date] | None:
    lo, hi = max(first, calendar.first_day), min(last, calendar.last_day)
    return (lo, hi) if lo <= hi else None


def school_days(
    local: pd.Series, calendar: SchoolCalendar, first: date, last: date
) -> DayTypeComparison | None:
    """Events per school day against events per other day, over the dates the calendar covers.

    Parameters
    ----------
    local
        Local event times (or dates); NaT values are left out.
    first, last
        The period the events cover; trimmed to the calendar's school years. None when
        they do not overlap.
    """
    span = _covered(calendar, first, last)
    if span is None:
        return None
    days = calendar.day_table(*span)
    school = set(days.loc[days["is_school_day"], "date"].dt.date)
    d = pd.Series(local.dropna().dt.date)
    d = d[(d >= span[0]) & (d <= span[1])]
    on_school = d.isin(school)
    n_school = int(days["is_school_day"].sum())
    n_other = len(days) - n_school
    a, b = int(on_school.sum()), int((~on_school).sum())
    result = poisson_ratio_ci(a, b, exposure_new=max(n_school, 1), exposure_old=max(n_other, 1))
    return DayTypeComparison(
        "school days", "other days", a, b, n_school, n_other, "day", result, *span
    )


def after_school(
    local: pd.Series, calendar: SchoolCalendar, first: date, last: date
) -> DayTypeComparison | None:
    """On school days: events per hour in the after-school window against the rest of the day.

    The window is ``calendar.after_school_window`` (15:15 to 17:15 by default); the rest of
    the day is the other 22 hours of the same school days.
    """
    span = _covered(calendar, first, last)
    if span is None:
        return None
    days = calendar.day_table(*span)
    school = set(days.loc[days["is_school_day"], "date"].dt.date)
    t = local.dropna()
    t = t[pd.Series(t.dt.date, index=t.index).isin(school)]
    minute = (t.dt.hour * 60 + t.dt.minute).to_numpy()
    lo, hi = calendar.after_school_window
    inside = (minute >= lo) & (minute < hi)
    n_days = len(school)
    hours_in = n_days * (hi - lo) / 60
    hours_out = n_days * 24 - hours_in
    a, b = int(inside.sum()), int((~inside).sum())
    result = poisson_ratio_ci(a, b, exposure_new=max(hours_in, 1), exposure_old=max(hours_out, 1))
    start = f"{lo // 60:02d}:{lo % 60:02d}"
    end = f"{hi // 60:02d}:{hi % 60:02d}"
    return DayTypeComparison(
        f"{start} to {end} on school days",
        "the rest of school days",
        a,
        b,
        hours_in,
        hours_out,
        "hour",
        result,
        *span,
    )


def peak_hours(table: pd.DataFrame, top: int = 3) -> list[tuple[str, int, int]]:
    """The busiest (weekday, hour, events) cells of a weekday-by-hour table."""
    stacked = pd.Series(table.stack()).sort_values(ascending=False, kind="mergesort")
    out: list[tuple[str, int, int]] = []
    for key, n in stacked.head(top).items():
        pair: tuple[str, int] = key  # type: ignore[assignment]
        out.append((str(pair[0]), int(pair[1]), int(n)))
    return out
