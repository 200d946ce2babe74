"""Review dates, deadlines and what to flag in advance (pure).

**Statutory review defaults** (a user may set other dates, or more):

* Knife Crime Prevention Order made for more than a year: a review hearing within the last
  four weeks of each year it has effect (Offensive Weapons Act 2019); the default is two
  weeks before each anniversary of the order being made, while it lasts.
* Criminal Behaviour Order on someone under 18 when made: reviewed every 12 months (Anti-
  social Behaviour, Crime and Policing Act 2014); the default is each anniversary.
* Other types: none by default.

**Deadlines.** An alert is due a number of working days (England: weekends and bank
holidays skipped, :func:`upstream.area.bank_holidays`) after it is raised, at the end of
that London day.

**Flags.** Reviews not yet held and expiries within ``days`` are flagged on the register.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from upstream.area import bank_holidays
from upstream.cases.localtime import LONDON, london
from upstream.orders.vocab import OrderType

__all__ = ["add_years", "deadline", "default_reviews", "flags"]


def add_years(day: date, years: int) -> date:
    """``day`` moved ``years`` years on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_reviews(
    order_type: OrderType, made_on: date, expires_on: date | None, age_when_made: int | None
) -> list[date]:
    """The statutory review dates of a new order (see the module's rules).

    An order without an expiry date gets the reviews of its first five years.
    """
    last = expires_on or add_years(made_on, 5)
    if order_type is OrderType.KCPO:
        if expires_on is not None and expires_on <= add_years(made_on, 1):
            return []
        back = timedelta(weeks=2)
    elif order_type is OrderType.CBO and age_when_made is not None and age_when_made < 18:
        back = timedelta(0)
    else:
        return []
    out = []
    year = 1
    while (due := add_years(made_on, year) - back) < last:
        out.append(due)
        year += 1
    return out


def deadline(raised: datetime, working_days: int) -> datetime:
    """The end (23:59:59 London time) of the ``working_days``-th working day after ``raised``."""
    start = london(raised).date()
    holidays = bank_holidays(start, start + timedelta(days=working_days * 3 + 30))
    due = np.busday_offset(
        np.datetime64(start),
        working_days,
        roll="forward",
        holidays=[np.datetime64(h) for h in holidays],
    )
    day = date.fromisoformat(str(due))
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def flags(
    today: date,
    days: int,
    expires_on: date | None,
    reviews: list[tuple[date, date | None]],
) -> list[str]:
    """What to flag about an order: reviews not held that are due within ``days`` (or past),
    and an expiry within ``days``. ``reviews``: (due, held on or None)."""
    out = []
    horizon = today + timedelta(days=days)
    for due, held in reviews:
        if held is None and due <= horizon:
            out.append(f"review {'overdue since' if due < today else 'due'} {due:%d/%m/%Y}")
    if expires_on is not None and today <= expires_on <= horizon:
        out.append(f"expires {expires_on:%d/%m/%Y}")
    return out
