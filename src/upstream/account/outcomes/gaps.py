"""Periods missing from an outcome series: where its chart breaks and what its reading says.

A source leaves out the periods it holds no data for (police.uk stop and search has months
missing), so consecutive rows of a series are not always consecutive periods. The chart draws
them on a date axis and breaks its lines at a gap (nothing is interpolated); the reading says
which periods are missing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd

__all__ = ["gap_sentence", "missing_runs", "period_index", "period_start"]


def period_index(period: str) -> int:
    """Ordinal of a ``YYYY-MM`` month or a ``YYYYQn`` quarter (consecutive periods differ by 1)."""
    if "Q" in period:
        return int(period[:4]) * 4 + int(period[-1]) - 1
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_start(period: str) -> str:
    """The first day of a month or quarter, ``YYYY-MM-DD`` (a point on a date axis)."""
    if "Q" in period:
        return f"{period[:4]}-{(int(period[-1]) - 1) * 3 + 1:02d}-01"
    return f"{period[:7]}-01"


def _label(index: int, quarter: bool) -> str:
    if quarter:
        return f"{index // 4}Q{index % 4 + 1}"
    return pd.Period(year=index // 12, month=index % 12 + 1, freq="M").strftime("%b %Y")


def missing_runs(periods: Sequence[str]) -> list[tuple[str, str, int]]:
    """Runs of periods missing between the first and the last of ``periods`` (sorted):
    ``(first missing, last missing, how many)``, labelled as ``Mar 2019`` or ``2019Q1``."""
    if not periods:
        return []
    quarter = "Q" in periods[0]
    ordinals = [period_index(p) for p in periods]
    return [
        (_label(a + 1, quarter), _label(b - 1, quarter), b - a - 1)
        for a, b in itertools.pairwise(ordinals)
        if b - a > 1
    ]


def gap_sentence(periods: Sequence[str]) -> str:
    """Plain English for the gaps of a series (``""`` when it has none)."""
    runs = missing_runs(periods)
    if not runs:
        return ""
    unit = "quarter" if "Q" in periods[0] else "month"
    total = sum(n for _, _, n in runs)
    spans = [first if n == 1 else f"{first} to {last} ({n} {unit}s)" for first, last, n in runs]
    listed = spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} and {spans[-1]}"
    return (
        f"The data have {total} {unit}{'s' if total != 1 else ''} missing: {listed}. The "
        f"chart leaves {'them' if total != 1 else 'it'} empty and does not join the line "
        "across a gap."
    )
