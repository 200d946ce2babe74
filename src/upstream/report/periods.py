"""Which data each profile section uses, over which months, and how old they are.

A profile can put nine-year-old police.uk street data beside partnership data that end last
year; each section therefore opens with the sources it draws on, their months and their age
on the day the profile is built, all computed from the data (never written in by hand).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from upstream.formatting import data_age, month_period, months_between
from upstream.report.inputs import ProfileData
from upstream.report.model import Section
from upstream.status import is_synthetic_source

__all__ = ["SECTION_SOURCES", "assign_periods", "source_period", "source_periods"]

SECTION_SOURCES: dict[str, tuple[str, ...]] = {
    "headline": ("partnership", "london", "street"),
    "rates": ("events", "london"),
    "place": ("events",),
    "deprivation": ("events",),
    "time": ("partnership",),
    "people": ("partnership", "stop_search"),
    "forecast": ("street",),
    "quality": ("street", "stop_search", "partnership", "a_and_e"),
}
"""The data each section is computed from; ``events`` is whichever :func:`place_events`
chose (police.uk street crime when loaded, else partnership incidents)."""


def source_period(name: str, months: Sequence[str], today: date) -> str:
    """``police.uk street-level crime, Apr 2016 – Dec 2017 (nine years old)``.

    Parameters
    ----------
    name
        The source as the reader knows it.
    months
        Its months present (``YYYY-MM``); months missing between the first and the last
        are counted and said.
    today
        The day the profile is built, for the age of its last month.
    """
    present = sorted(set(months))
    first, last = present[0], present[-1]
    gaps = months_between(first, last) + 1 - len(present)
    missing = f", {gaps} month{'s' if gaps != 1 else ''} missing" if gaps else ""
    return f"{name}, {month_period(first, last)}{missing} ({data_age(last, today)})"


def _months(coverage: Mapping[str, Any], prefix: str) -> list[str]:
    """Months present in any source whose name starts with ``prefix``."""
    sources = coverage["sources"]
    return sorted(
        {m for s, info in sources.items() if s.startswith(prefix) for m in info["months"]}
    )


def _synthetic(coverage: Mapping[str, Any], prefix: str) -> str:
    sources = [s for s in coverage["sources"] if s.startswith(prefix)]
    return " (SYNTHETIC)" if sources and all(is_synthetic_source(s) for s in sources) else ""


def source_periods(data: ProfileData, today: date) -> dict[str, str]:
    """The period and age of every source the profile has, keyed as in
    :data:`SECTION_SOURCES` (``events`` is added by :func:`assign_periods`)."""
    out: dict[str, str] = {}
    if data.street_months:
        out["street"] = source_period("police.uk street-level crime", data.street_months, today)
    if data.stop_search_months:
        out["stop_search"] = source_period(
            "police.uk stop and search", data.stop_search_months, today
        )
    if data.partnership_months:
        synthetic = " (SYNTHETIC)" if data.partnership_synthetic else ""
        out["partnership"] = source_period(
            f"partnership police incidents{synthetic}", data.partnership_months, today
        )
    a_and_e = _months(data.coverage, "incidents_a_and_e")
    if a_and_e:
        label = _synthetic(data.coverage, "incidents_a_and_e")
        out["a_and_e"] = source_period(f"A&E attendances{label}", a_and_e, today)
    london = data.london
    if london is not None and data.area.name in set(london["borough"]):
        months = [str(m) for m in london["month"].unique()]
        out["london"] = source_period("MPS London borough counts", months, today)
    return out


def assign_periods(
    sections: list[Section], periods: Mapping[str, str], events_partnership: bool | None
) -> None:
    """Set each section's ``periods`` from :data:`SECTION_SOURCES`.

    ``events_partnership``: whether the place sections count partnership incidents (True),
    police.uk street crime (False), or nothing (None).
    """
    resolved = dict(periods)
    if events_partnership is not None:
        key = "partnership" if events_partnership else "street"
        if key in periods:
            resolved["events"] = periods[key]
    for section in sections:
        keys = SECTION_SOURCES.get(section.id, ())
        section.periods = list(dict.fromkeys(resolved[k] for k in keys if k in resolved))
