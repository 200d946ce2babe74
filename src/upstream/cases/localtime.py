"""Times as people in the partnership read them: Europe/London wall-clock time.

The case store keeps every instant in UTC; pages and the board show them in London time,
with the zone in force at that instant (GMT in winter, BST in summer), and forms read
``datetime-local`` values as London time.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from upstream.vocab import TIME_ZONE

__all__ = [
    "LONDON",
    "age_on",
    "from_local_input",
    "from_uk_date",
    "local_input",
    "london",
    "london_time",
    "uk_date",
    "waited",
]

LONDON = ZoneInfo(TIME_ZONE)


def london(moment: datetime) -> datetime:
    """``moment`` (timezone-aware) as Europe/London wall-clock time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the case store's instants are timezone-aware")
    return moment.astimezone(LONDON)


def london_time(moment: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    """``moment`` formatted in London time, followed by its zone (``GMT`` or ``BST``).

    >>> from datetime import UTC
    >>> london_time(datetime(2026, 7, 15, 16, 30, tzinfo=UTC))
    '15 Jul 2026 17:30 BST'
    >>> london_time(datetime(2026, 1, 15, 16, 30, tzinfo=UTC))
    '15 Jan 2026 16:30 GMT'
    """
    if moment is None:
        return ""
    local = london(moment)
    return f"{local.strftime(fmt)} {local.tzname()}"


def local_input(moment: datetime | None) -> str:
    """The value of a ``datetime-local`` field showing ``moment`` in London time."""
    return "" if moment is None else london(moment).strftime("%Y-%m-%dT%H:%M")


def from_local_input(value: str) -> datetime:
    """A ``datetime-local`` value (London wall clock) as an aware instant.

    A value with its own offset is kept as given. In the repeated autumn hour the first
    instant is taken (``fold=0``); a skipped spring time is moved forward, as the ingest does.
    """
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        return parsed
    # fold=0: the first instant of the repeated autumn hour; a skipped spring time keeps
    # the winter offset, i.e. lands the same number of minutes after the change
    return parsed.replace(tzinfo=LONDON, fold=0)


def uk_date(value: date | None) -> str:
    """A date as people here write it: ``16/02/2011`` (empty for None).

    >>> uk_date(date(2011, 2, 16))
    '16/02/2011'
    """
    return "" if value is None else value.strftime("%d/%m/%Y")


_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def from_uk_date(value: str) -> str:
    """A typed date (``16/02/2011``, or ISO ``2011-02-16``) as ISO text for the schemas.

    Anything else is returned as given, for the schema to refuse naming the field.

    >>> from_uk_date("16/2/2011"), from_uk_date("2011-02-16"), from_uk_date("soon")
    ('2011-02-16', '2011-02-16', 'soon')
    """
    match = _UK_DATE.match(value)
    if match is None:
        return value.strip()
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return value.strip()


def age_on(born: date | None, today: date) -> int | None:
    """Age in whole years on ``today`` (None when the birth date is not known).

    >>> age_on(date(2011, 2, 16), date(2026, 2, 15)), age_on(date(2011, 2, 16), date(2026, 2, 16))
    (14, 15)
    """
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def waited(hours: float) -> str:
    """A waiting time people can read: hours under two days, then days.

    >>> waited(5.25), waited(47.9), waited(1033.9)
    ('5 h', '48 h', '43 days')
    """
    if hours < 47.95:
        return f"{hours:.0f} h"
    days = hours / 24
    return f"{days:.0f} day" + ("" if round(days) == 1 else "s")
