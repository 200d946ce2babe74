"""Conditions as data: when a condition is in force and when a curfew window covers an instant.

Pure functions, no database. Times are London wall-clock times (the time a court writes in an
order): an instant is turned into London time with the zone in force at that instant
(:func:`upstream.cases.localtime.london`), so a curfew of 21:00 to 02:00 means 21:00 to 02:00
on the clock in Walthamstow, in GMT and in BST, and on the nights the clocks change.

A window *starts* on the days listed; an ``overnight`` window ends the next morning, so a
Friday window of 21:00 to 06:00 covers Saturday 05:00. A same-day window must end after it
starts; a window ending at or before its start is only allowed when marked overnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from upstream.cases.localtime import london
from upstream.orders.vocab import DAYS

__all__ = ["CurfewWindow", "days_text", "in_force", "parse_days"]


def parse_days(text: str | Iterable[str]) -> frozenset[int]:
    """Weekday numbers (Monday 0) of ``mon,tue`` style text or a list of day names.

    Raises
    ------
    ValueError
        A name that is not a day (``mon`` ... ``sun``), or no day at all.
    """
    names = text.split(",") if isinstance(text, str) else list(text)
    days: set[int] = set()
    for name in names:
        key = name.strip().lower()[:3]
        if not key:
            continue
        if key not in DAYS:
            raise ValueError(f"{name.strip()!r} is not a day of the week ({', '.join(DAYS)})")
        days.add(DAYS.index(key))
    if not days:
        raise ValueError("choose at least one day")
    return frozenset(days)


def days_text(days: Iterable[int]) -> str:
    """``mon,fri`` for weekday numbers (stored form, Monday first)."""
    return ",".join(DAYS[d] for d in sorted(set(days)))


@dataclass(frozen=True)
class CurfewWindow:
    """A curfew: from ``start`` to ``end`` London time, starting on ``days`` (Monday 0)."""

    start: time
    end: time
    days: frozenset[int]
    overnight: bool = False

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("curfew_end: the window ends when it starts")
        if not self.overnight and self.end < self.start:
            raise ValueError(
                f"curfew_end: the window ends at {self.end:%H:%M}, before it starts at "
                f"{self.start:%H:%M}; mark it overnight if it ends the next day"
            )
        if self.overnight and self.end > self.start:
            raise ValueError(
                f"curfew_end: an overnight window must end the next day earlier than it "
                f"started ({self.end:%H:%M} is after {self.start:%H:%M})"
            )
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("curfew_days: choose at least one day of the week")

    def covers(self, moment: datetime) -> bool:
        """Whether the (timezone-aware) instant ``moment`` falls in the window, London time."""
        local = london(moment)
        clock = local.time().replace(tzinfo=None)
        today = local.weekday()
        if not self.overnight:
            return today in self.days and self.start <= clock < self.end
        if clock >= self.start and today in self.days:
            return True
        return clock < self.end and (today - 1) % 7 in self.days

    def describe(self) -> str:
        """``21:00 to 06:00 (overnight), fri, sat``."""
        night = " (overnight)" if self.overnight else ""
        names = ", ".join(DAYS[d] for d in sorted(self.days))
        return f"{self.start:%H:%M} to {self.end:%H:%M}{night}, {names}"


def in_force(first: date, last: date | None, moment: datetime) -> bool:
    """Whether ``moment`` falls on a London date from ``first`` to ``last`` inclusive
    (``last`` None: no end)."""
    day = london(moment).date()
    return first <= day and (last is None or day <= last)
