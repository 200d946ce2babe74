"""Opening hours of safe spaces, in one small written format, and whether a place is open
through the after-school window.

The format (documented in ``docs/plan-spaces-cctv.md``)::

    Mon-Fri 15:00-19:00; Sat 10:00-16:00
    Mon,Wed,Fri 09:00-12:00,13:00-18:00
    daily 08:00-22:00
    closed

Rules are separated by ``;``. Each rule is a set of days (``Mon`` .. ``Sun``, full names or
OpenStreetMap's two letters ``Mo`` .. ``Su``; ranges ``Mon-Fri``, lists ``Mon,Wed``, or
``daily``) and one or more time ranges ``HH:MM-HH:MM`` (24-hour clock, closing after
opening, ``24:00`` allowed as a closing time; hours past midnight are not supported). A day
named in two rules is open in either. ``closed`` (or an empty rule set) means never open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DAYS",
    "Hours",
    "HoursError",
    "parse_hours",
    "parse_window",
]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Days of the week, Monday first (Python's ``date.weekday()`` order)."""

_NAMES = {
    **{d.lower(): i for i, d in enumerate(DAYS)},
    **{d[:2].lower(): i for i, d in enumerate(DAYS)},
    **{
        n: i
        for i, n in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


class HoursError(ValueError):
    """Opening hours that do not follow the format (the message says what is wrong)."""


@dataclass(frozen=True)
class Hours:
    """When a place is open: per weekday (0 = Monday), intervals in minutes after midnight."""

    days: tuple[tuple[tuple[int, int], ...], ...]

    def open_through(self, weekday: int, start: int, end: int) -> bool:
        """True when the place is open without a break from ``start`` to ``end`` minutes
        after midnight on ``weekday`` (0 = Monday)."""
        reach = start
        for lo, hi in sorted(self.days[weekday]):
            if lo <= reach < hi:
                reach = hi
                if reach >= end:
                    return True
        return reach >= end

    def open_at_all(self, weekday: int, start: int, end: int) -> bool:
        """True when the place is open at some time between ``start`` and ``end``."""
        return any(lo < end and hi > start for lo, hi in self.days[weekday])

    @property
    def never(self) -> bool:
        """True for a place that is never open."""
        return not any(self.days)


def _minutes(text: str, where: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise HoursError(f"{where}: {text.strip()!r} is not a time HH:MM")
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes > 24 * 60:
        raise HoursError(f"{where}: {text.strip()!r} is later than 24:00")
    return minutes


def parse_window(text: str) -> tuple[int, int]:
    """``"15:00-17:30"`` -> ``(900, 1050)`` minutes after midnight.

    Raises
    ------
    HoursError
        If the text is not two times ``HH:MM-HH:MM`` with the second later.
    """
    parts = text.split("-")
    if len(parts) != 2:
        raise HoursError(f"{text!r} is not a time range HH:MM-HH:MM")
    start, end = _minutes(parts[0], text), _minutes(parts[1], text)
    if end <= start:
        raise HoursError(
            f"{text!r}: closing time must be after opening time "
            "(hours past midnight are not supported)"
        )
    return start, end


def _days(text: str) -> list[int]:
    spec = text.strip().lower()
    if spec in ("daily", "every day", "mon-sun", "mo-su"):
        return list(range(7))
    out: list[int] = []
    for part in spec.split(","):
        ends = [p.strip() for p in part.split("-")]
        if len(ends) > 2 or any(e not in _NAMES for e in ends):
            raise HoursError(f"{part.strip()!r} is not a day or a range of days (e.g. Mon-Fri)")
        first, last = _NAMES[ends[0]], _NAMES[ends[-1]]
        if last < first:
            raise HoursError(f"{part.strip()!r}: a range of days runs Monday to Sunday")
        out.extend(range(first, last + 1))
    return out


def parse_hours(text: str) -> Hours:
    """Read opening hours in the format above.

    Raises
    ------
    HoursError
        If the text does not follow the format; the message quotes the part that does not.
    """
    spec = " ".join(str(text).split())
    if not spec:
        raise HoursError("opening hours are empty (write 'closed' for a place never open)")
    days: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    if spec.lower() == "closed":
        return Hours(tuple(() for _ in DAYS))
    for rule in spec.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        match = re.match(r"^(.*?)\s+(\d.*)$", rule)
        if not match:
            raise HoursError(f"{rule!r} needs days then times (e.g. 'Mon-Fri 15:00-19:00')")
        day_text, time_text = match[1], match[2]
        if day_text.strip().lower().endswith("closed"):
            raise HoursError(f"{rule!r}: write the days a place is open, not those it is closed")
        spans = [parse_window(t.strip()) for t in time_text.split(",")]
        for day in _days(day_text):
            days[day].extend(spans)
    return Hours(tuple(tuple(sorted(set(d))) for d in days))
