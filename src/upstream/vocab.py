"""One fact, one place: the time zone, months, and the partnership data's vocabularies.

Every module that needs one of these imports it from here, so a value list or a rule is
never written twice and cannot drift:

* the partnership's **time zone** (Europe/London) and how naive wall-clock times become
  instants (:func:`localise`);
* **months** as ``YYYY-MM`` text: the pattern, :func:`is_month`, :func:`month_index` and
  :func:`local_month`;
* the **values** of the canonical partnership format (docs/data-formats.md): agencies,
  location types, weapons, injuries, roles, sexes, ONS 2021 ethnic groups, relationships;
* the **identity fields** no analytic file may carry (:data:`IDENTIFYING_COLUMNS`);
* the **knife-injury definition** of the strategy's headline measure (:func:`is_knife_injury`).

The grid's cell-id scheme lives with the grid (:mod:`upstream.area.grid`) and placement with
the area (:mod:`upstream.area.placement`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "AGENCIES",
    "ETHNICITIES",
    "ETHNIC_GROUPS",
    "IDENTIFYING_COLUMNS",
    "INJURED",
    "INJURIES",
    "KNIFE",
    "LOCATION_TYPES",
    "MONTH_PATTERN",
    "NAME_LIKE",
    "RELATIONSHIPS",
    "ROLES",
    "SEXES",
    "TIME_ZONE",
    "WEAPONS",
    "is_knife_injury",
    "is_month",
    "local_month",
    "localise",
    "month_index",
    "month_label",
]

# ---- time -----------------------------------------------------------------------------------
TIME_ZONE = "Europe/London"
"""The partnership's time zone: GMT in winter, BST in summer."""

MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
"""A month as ``YYYY-MM`` (match the whole text)."""
_MONTH = re.compile(MONTH_PATTERN)


def is_month(text: object) -> bool:
    """True when ``text`` is a month ``YYYY-MM``."""
    return isinstance(text, str) and _MONTH.fullmatch(text) is not None


def month_index(month: str | pd.Period) -> int:
    """Months since year 0 of a ``YYYY-MM`` month (so consecutive months differ by one).

    Raises ValueError for anything but a ``YYYY-MM`` month.
    """
    if isinstance(month, pd.Period):
        return int(month.year) * 12 + int(month.month) - 1
    text = str(month)
    if not _MONTH.fullmatch(text):
        raise ValueError(f"not a month in YYYY-MM form: {month!r}")
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_label(index: int) -> str:
    """The ``YYYY-MM`` month of a :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def local_month(instants: pd.Series) -> pd.Series:
    """The Europe/London calendar month (``YYYY-MM``) of each timezone-aware instant."""
    return pd.to_datetime(instants, utc=True).dt.tz_convert(TIME_ZONE).dt.strftime("%Y-%m")


def localise(wall_clock: pd.Series) -> pd.Series:
    """Naive Europe/London wall-clock times as timezone-aware instants.

    A time that occurs twice (the autumn hour repeated when clocks go back) is read as the
    first, British Summer Time, instant; one that does not exist (the spring hour skipped
    when clocks go forward) is moved forward one hour (01:30 is read as 02:30 BST), as a
    clock that was not changed would show it. Neither is ever refused.
    """
    first = np.ones(len(wall_clock), dtype=bool)
    return wall_clock.dt.tz_localize(TIME_ZONE, ambiguous=first, nonexistent=pd.Timedelta(hours=1))


# ---- the canonical partnership format ---------------------------------------------------------
AGENCIES = ("police", "a_and_e", "ambulance", "council")
"""Agencies that supply incidents (``source``); each is its own event-store source."""
LOCATION_TYPES = ("street", "school", "transport", "park", "shop", "residential", "other")
WEAPONS = ("knife_or_sharp", "firearm", "blunt", "other", "none", "unknown")
INJURIES = ("none", "minor", "serious", "fatal", "unknown")
ROLES = ("victim", "suspect", "witness")
SEXES = ("male", "female", "other", "unknown")
ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
"""The ONS 2021 census high-level ethnic groups, in their short form."""
ETHNICITIES = (*ETHNIC_GROUPS, "not stated")
"""Values of the ethnicity fields: a group, or not stated."""
RELATIONSHIPS = ("stranger", "acquaintance", "partner_or_ex", "family", "other", "unknown")

NAME_LIKE = r"(?:\s|^\D*$)"
"""Matches a person id that looks like a name: a pseudonym has no spaces and at least one
digit (``P-7F3A9C21``, not ``Jane``, ``SMITH-J`` or ``JOHN_SMITH_JR``: without a digit, any
separators still spell a name)."""

IDENTIFYING_COLUMNS = re.compile(
    r"(^|_)(name|forename|first_?name|surname|last_?name|dob|date_of_birth|birth|address|"
    r"postcode|phone|telephone|mobile|email|nhs|pnc|upn)(_|$)",
    re.IGNORECASE,
)
"""Column names that would carry identifying details (names, dates of birth, addresses,
contact details, NHS/PNC/pupil numbers). The ingest never reads such columns."""

# ---- the knife-injury definition --------------------------------------------------------------
KNIFE = "knife_or_sharp"
"""The weapon value of a knife or sharp instrument."""
INJURED = ("minor", "serious", "fatal")
"""Injuries that count as an injury (not ``none`` or ``unknown``)."""


def is_knife_injury(weapon: pd.Series, injury: pd.Series) -> pd.Series:
    """True for knife-injury offences: a knife or sharp instrument, and an injury that was
    minor, serious or fatal. (The strategy's headline measure also leaves out domestic abuse
    and counts offences with a young victim; those filters are applied where it is counted.)"""
    return weapon.eq(KNIFE).fillna(False).astype(bool) & injury.isin(INJURED)
