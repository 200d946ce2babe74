"""When synthetic incidents happen: day weights, time-of-day profiles and timestamps.

Each incident is given a local (Europe/London wall-clock) start time drawn in two steps:
a date, with weight by day type and month, and a minute of the day from an hourly profile.
Under-18s follow the school calendar: on school days their profile has an after-school
peak (by default the two hours after 15:15) whose hourly rate is ``after_school_ratio``
times the average hourly rate in the rest of the day; school days carry more weight than
weekends and holidays. The other profiles (night-time economy, domestic, street) peak in
the evening and at weekends. All profiles are maintainers' assumptions, not published data.

Wall-clock times are then made timezone-aware in Europe/London by the same rule the ingest
reads local times with (:func:`upstream.vocab.localise`): a time that occurs twice (last
Sunday of October, 01:00-02:00) is read as the first, British Summer Time instant; a time
that does not exist (last Sunday of March, 01:00-02:00) is moved forward one hour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upstream.area.terms import SchoolCalendar
from upstream.vocab import localise as _localise

__all__ = [
    "FAMILIES",
    "day_weights",
    "durations",
    "iso_strings",
    "localise",
    "minute_weights",
    "report_delays",
    "sample_starts",
]

FAMILIES = ("youth", "night", "domestic", "street")

_HOURLY = {
    "youth_school": [0.15, 0.08, 0.05, 0.03, 0.02, 0.03, 0.1, 0.4, 0.9, 0.5, 0.4, 0.45,
                     0.7, 0.6, 0.5, 1.0, 2.0, 2.0, 1.3, 1.1, 0.9, 0.7, 0.45, 0.25],
    "youth_free": [0.2, 0.12, 0.08, 0.05, 0.03, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6,
                   0.8, 0.9, 1.0, 1.1, 1.2, 1.25, 1.3, 1.3, 1.2, 1.0, 0.7, 0.4],
    "night": [1.3, 1.2, 0.9, 0.6, 0.35, 0.2, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6,
              0.7, 0.75, 0.8, 0.85, 0.95, 1.05, 1.15, 1.25, 1.35, 1.45, 1.5, 1.45],
    "domestic": [0.9, 0.7, 0.5, 0.35, 0.25, 0.2, 0.25, 0.4, 0.5, 0.55, 0.6, 0.65,
                 0.7, 0.75, 0.8, 0.85, 0.95, 1.05, 1.2, 1.35, 1.45, 1.5, 1.4, 1.15],
    "street": [0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.15, 0.3, 0.5, 0.6, 0.7, 0.8,
               0.9, 1.0, 1.1, 1.2, 1.3, 1.35, 1.35, 1.3, 1.2, 1.0, 0.8, 0.6],
}  # fmt: skip

_MONTH = np.array([0.92, 0.9, 0.95, 0.98, 1.03, 1.07, 1.1, 1.08, 1.02, 1.0, 0.97, 0.98])
_WEEKDAY = {
    "youth": [1.0] * 7,
    "night": [0.85, 0.85, 0.85, 0.9, 1.15, 1.4, 1.15],
    "domestic": [0.93, 0.9, 0.9, 0.93, 1.0, 1.2, 1.25],
    "street": [1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 0.9],
}


def minute_weights(
    profile: str, calendar: SchoolCalendar, after_school_ratio: float = 4.0
) -> np.ndarray:
    """Relative weight of each minute of the day (length 1440) for one profile.

    For ``"youth_school"`` the after-school window of ``calendar`` is set so that its
    hourly rate is ``after_school_ratio`` times the mean hourly rate outside it.
    """
    weights = np.repeat(np.asarray(_HOURLY[profile], dtype="float64"), 60)
    if profile == "youth_school":
        start, end = calendar.after_school_window
        outside = np.ones(1440, dtype=bool)
        outside[start:end] = False
        weights[start:end] = after_school_ratio * weights[outside].mean()
    return weights / weights.sum()


def day_weights(days: pd.DataFrame, family: str, school_day_ratio: float = 1.6) -> np.ndarray:
    """Relative weight of each day in ``days`` (a :meth:`SchoolCalendar.day_table`)."""
    month = days["date"].dt.month.to_numpy() - 1
    w = _MONTH[month] * np.asarray(_WEEKDAY[family])[days["weekday"].to_numpy()]
    if family == "youth":
        w = w * np.where(days["is_school_day"].to_numpy(), school_day_ratio, 1.0)
    elif family in ("night", "domestic"):
        w = w * np.where(days["is_bank_holiday"].to_numpy(), 1.25, 1.0)
    if family == "domestic":
        md = days["date"].dt.strftime("%m-%d")
        w = w * np.where((md >= "12-24") | (md <= "01-01"), 1.3, 1.0)
    return w


def sample_starts(
    rng: np.random.Generator,
    days: pd.DataFrame,
    family: str,
    calendar: SchoolCalendar,
    n: int | None = None,
    day_index: np.ndarray | None = None,
    after_school_ratio: float = 4.0,
    school_day_ratio: float = 1.6,
) -> np.ndarray:
    """Local wall-clock start times (``datetime64[m]``, naive) for ``n`` incidents.

    Parameters
    ----------
    days
        Candidate days (a :meth:`SchoolCalendar.day_table`).
    family
        One of :data:`FAMILIES`.
    n, day_index
        Either the number of incidents (days are drawn by weight) or the row of ``days``
        each incident falls on (only the time of day is drawn).
    """
    if day_index is None:
        w = day_weights(days, family, school_day_ratio)
        day_index = rng.choice(len(days), size=int(n or 0), p=w / w.sum())
    day_index = np.asarray(day_index, dtype="int64")
    minutes = np.empty(len(day_index), dtype="int64")
    pairs: list[tuple[str, np.ndarray]] = [(family, np.ones(len(day_index), dtype=bool))]
    if family == "youth":
        school = days["is_school_day"].to_numpy()[day_index]
        pairs = [("youth_school", school), ("youth_free", ~school)]
    for profile, mask in pairs:
        p = minute_weights(profile, calendar, after_school_ratio)
        minutes[mask] = rng.choice(1440, size=int(mask.sum()), p=p)
    dates = days["date"].to_numpy().astype("datetime64[m]")[day_index]
    return dates + minutes.astype("timedelta64[m]")


def localise(wall_clock: np.ndarray) -> pd.DatetimeIndex:
    """Make naive Europe/London wall-clock times timezone-aware (see module docstring)."""
    naive = pd.Series(np.asarray(wall_clock, dtype="datetime64[ns]"))
    return pd.DatetimeIndex(_localise(naive))


def durations(rng: np.random.Generator, n: int, p_exact: float, max_hours: float) -> np.ndarray:
    """Minutes between ``occurred_from`` and ``occurred_to``: 0 with ``p_exact``, else a range.

    Ranges are log-uniform between 20 minutes and ``max_hours`` (rounded to 5 minutes).
    """
    exact = rng.random(n) < p_exact
    span = np.exp(rng.uniform(np.log(20.0), np.log(max_hours * 60.0), size=n))
    return np.where(exact, 0, np.round(span / 5.0) * 5).astype("int64")


_DELAY = {  # median minutes and log-spread of the delay from occurred_to to reported_at
    "street": (25.0, 1.1),
    "domestic": (180.0, 1.8),
    "police": (8.0, 0.6),
    "serious": (12.0, 0.8),
}


def report_delays(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """Minutes from ``occurred_to`` to ``reported_at`` (lognormal, at least 1 minute)."""
    median, sigma = _DELAY[kind]
    delay = np.exp(rng.normal(np.log(median), sigma, size=n))
    return np.clip(np.round(delay), 1, 60 * 24 * 30).astype("int64")


def iso_strings(stamps: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """ISO 8601 strings with a ``+HH:MM`` offset, e.g. ``2023-05-08T16:32:00+01:00``."""
    text = pd.Series(pd.DatetimeIndex(stamps).strftime("%Y-%m-%dT%H:%M:%S%z"))
    return (text.str[:-2] + ":" + text.str[-2:]).to_numpy(dtype=object)
