"""Times as people in the partnership read them: Europe/London wall-clock time.

The case store keeps every instant in UTC; pages and the board show them in London time,
with the zone in force at that instant (GMT in winter, BST in summer), and forms read
``datetime-local`` values as London time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["LONDON", "from_local_input", "local_input", "london", "london_time"]

LONDON = ZoneInfo("Europe/London")


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
