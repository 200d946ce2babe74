"""Read and check a monthly counts series for an evaluation.

The file is a CSV with a header and the columns ``month`` (``YYYY-MM``) and ``count``
(a non-negative whole number), optionally ``exposure`` (a positive number: population,
footfall, days, the denominator the counts are rates of). Every month from the first to the
last must appear exactly once. Anything else stops the evaluation with one
:class:`SeriesError` whose message names the file, the line and the field.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "MIN_PRE_MONTHS",
    "CountSeries",
    "SeriesError",
    "check_start",
    "parse_month",
    "read_counts",
    "series_from_frame",
]

MIN_PRE_MONTHS = 12
"""Fewest months before the start: one full year, so seasonality and trend can be told apart."""

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class SeriesError(ValueError):
    """A counts file (or an intervention date) an evaluation cannot use; the message is one line."""


@dataclass(frozen=True)
class CountSeries:
    """A complete monthly series: ``frame`` has a monthly ``PeriodIndex`` named ``month`` and
    the columns ``count`` (int) and ``exposure`` (float, 1.0 when the file had none)."""

    frame: pd.DataFrame
    source: str
    has_exposure: bool

    @property
    def months(self) -> pd.PeriodIndex:
        """The months, first to last."""
        index: pd.PeriodIndex = self.frame.index  # type: ignore[assignment]
        return index


def parse_month(text: str) -> pd.Period | None:
    """``YYYY-MM`` as a monthly period, or None when the text is not a valid month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return pd.Period(text.strip(), freq="M")


def _count(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value != int(value):
        return None
    return int(value)


def read_counts(path: Path) -> CountSeries:
    """Read ``path`` (``month,count[,exposure]``) into a :class:`CountSeries`.

    Raises
    ------
    SeriesError
        Unreadable file, missing column, a bad month, count or exposure, a duplicated or
        missing month, or no rows; the message names the file, the line and the field.
    """
    name = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SeriesError(f"{name}: cannot read the counts file ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        fields = [f.strip() for f in reader.fieldnames or []]
        for column in ("month", "count"):
            if column not in fields:
                raise SeriesError(
                    f"{name} line 1: no '{column}' column (the header must hold month,count"
                    " and optionally exposure)"
                )
        reader.fieldnames = fields
        has_exposure = "exposure" in fields
        seen: dict[pd.Period, int] = {}
        rows: list[tuple[pd.Period, int, float]] = []
        for row in reader:
            line = reader.line_num
            rows.append(_row(name, line, row, has_exposure, seen))
    if not rows:
        raise SeriesError(f"{name}: no months after the header line")
    return _complete(name, rows, seen, has_exposure)


def _row(
    name: str, line: int, row: dict[str, str | None], has_exposure: bool, seen: dict[pd.Period, int]
) -> tuple[pd.Period, int, float]:
    raw_month = (row.get("month") or "").strip()
    month = parse_month(raw_month)
    if month is None:
        raise SeriesError(
            f"{name} line {line}, field 'month': {raw_month!r} is not a YYYY-MM month"
        )
    if month in seen:
        raise SeriesError(
            f"{name} line {line}, field 'month': {month} appears twice (also on line {seen[month]})"
        )
    seen[month] = line
    raw_count = (row.get("count") or "").strip()
    count = _count(raw_count)
    if count is None:
        raise SeriesError(f"{name} line {line}, field 'count': {raw_count!r} is not a whole number")
    if count < 0:
        raise SeriesError(f"{name} line {line}, field 'count': {count} is negative")
    exposure = 1.0
    if has_exposure:
        raw = (row.get("exposure") or "").strip()
        try:
            exposure = float(raw)
        except ValueError:
            exposure = float("nan")
        if not math.isfinite(exposure) or exposure <= 0:
            raise SeriesError(
                f"{name} line {line}, field 'exposure': {raw!r} is not a positive number"
            )
    return month, count, exposure


def _complete(
    name: str, rows: list[tuple[pd.Period, int, float]], seen: dict[pd.Period, int], exposure: bool
) -> CountSeries:
    rows.sort(key=lambda r: r[0])
    full = pd.period_range(rows[0][0], rows[-1][0], freq="M")
    if len(full) != len(rows):
        missing = [m for m in full if m not in seen]
        after = max((m for m in seen if m < missing[0]), default=None)
        where = f"after line {seen[after]}" if after is not None else "at the start"
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise SeriesError(
            f"{name} {where}, field 'month': {missing[0]}{more} missing (every month from "
            f"{full[0]} to {full[-1]} must appear once; write 0 for a month with no offences)"
        )
    frame = pd.DataFrame(
        {"count": [r[1] for r in rows], "exposure": [r[2] for r in rows]},
        index=pd.PeriodIndex([r[0] for r in rows], freq="M", name="month"),
    )
    return CountSeries(frame=frame, source=name, has_exposure=exposure)


def series_from_frame(
    counts: pd.Series, exposure: pd.Series | None = None, source: str = "series"
) -> CountSeries:
    """A :class:`CountSeries` from an in-memory monthly series (index: ``YYYY-MM`` strings or
    monthly periods), checked as a file is."""
    index = pd.PeriodIndex(counts.index.astype(str), freq="M")
    rows = [
        (m, int(c), 1.0 if exposure is None else float(e))
        for m, c, e in zip(
            index,
            counts.to_numpy(),
            (counts if exposure is None else exposure).to_numpy(),
            strict=True,
        )
    ]
    seen = {m: i + 1 for i, (m, _, _) in enumerate(rows)}
    if len(seen) != len(rows) or any(r[1] < 0 for r in rows):
        raise SeriesError(f"{source}: months repeat or counts are negative")
    return _complete(source, rows, seen, exposure is not None)


def check_start(series: CountSeries, start: str, min_pre: int = MIN_PRE_MONTHS) -> pd.Period:
    """The intervention month ``start`` as a period, checked against ``series``.

    Raises
    ------
    SeriesError
        ``start`` is not a month, lies outside the series, leaves fewer than ``min_pre``
        months before it, or the series has no offences before it or from it on.
    """
    month = parse_month(start)
    first, last = series.months[0], series.months[-1]
    if month is None:
        raise SeriesError(f"--start: {start!r} is not a YYYY-MM month")
    if month < first or month > last:
        raise SeriesError(
            f"--start: {month} is outside the series in {series.source} ({first} to {last})"
        )
    pre = int((month - first).n)
    counts = series.frame["count"]
    for side, total in (("before", counts.iloc[:pre].sum()), ("from", counts.iloc[pre:].sum())):
        if pre >= min_pre and total == 0:
            raise SeriesError(
                f"{series.source}, field 'count': no offences {side} {month}; a rate ratio "
                "needs some on both sides of the start"
            )
    if pre < min_pre:
        raise SeriesError(
            f"--start: {month} leaves {pre} months before it in {series.source} (first month "
            f"{first}); an evaluation needs at least {min_pre} pre-period months"
        )
    return month
