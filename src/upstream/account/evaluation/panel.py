"""Read and check a comparison-areas file: monthly counts for many areas.

The file is a CSV with the columns ``month`` (``YYYY-MM``), ``area`` (a name) and ``count``
(a non-negative whole number), one row per area and month; every area must cover exactly the
treated series' months. A deprivation file has the columns ``area`` and ``deprivation``
(a number, e.g. IMD score or mean rank; only its ordering across areas matters for matching).
Problems raise :class:`~upstream.account.evaluation.series.SeriesError` naming the file, the
line and the field.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from upstream.account.evaluation.series import SeriesError, parse_month

__all__ = ["read_deprivation", "read_panel"]


def _open(path: Path, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[int]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SeriesError(f"{path}: cannot read the file ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        fields = [f.strip() for f in reader.fieldnames or []]
        for column in columns:
            if column not in fields:
                raise SeriesError(f"{path} line 1: no '{column}' column (need {','.join(columns)})")
        reader.fieldnames = fields
        rows, lines = [], []
        for row in reader:
            rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
            lines.append(reader.line_num)
    if not rows:
        raise SeriesError(f"{path}: no rows after the header line")
    return rows, lines


def read_panel(path: Path, months: pd.PeriodIndex) -> pd.DataFrame:
    """Comparison areas' counts: index ``YYYY-MM`` (exactly ``months``), one column per area."""
    rows, lines = _open(path, ("month", "area", "count"))
    seen: dict[tuple[str, pd.Period], int] = {}
    for row, line in zip(rows, lines, strict=True):
        month = parse_month(row["month"])
        if month is None:
            raise SeriesError(f"{path} line {line}, field 'month': {row['month']!r} is not YYYY-MM")
        if not row["area"]:
            raise SeriesError(f"{path} line {line}, field 'area': empty")
        try:
            value = float(row["count"])
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value != int(value):
            raise SeriesError(
                f"{path} line {line}, field 'count': {row['count']!r} is not a whole number"
            )
        if value < 0:
            raise SeriesError(f"{path} line {line}, field 'count': {int(value)} is negative")
        key = (row["area"], month)
        if key in seen:
            raise SeriesError(
                f"{path} line {line}, field 'month': {row['area']} {month} appears twice "
                f"(also on line {seen[key]})"
            )
        seen[key] = line
        row["count"] = str(int(value))
    wanted = set(months)
    for area in sorted({a for a, _ in seen}):
        have = {m for a, m in seen if a == area}
        missing = sorted(wanted - have)
        if missing:
            raise SeriesError(
                f"{path}, field 'month': area {area!r} has no row for {missing[0]}"
                + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
                + f" (every area needs every month {months[0]} to {months[-1]})"
            )
    frame = pd.DataFrame(rows)
    frame = frame[frame["month"].isin(set(months.astype(str)))]
    wide = frame.pivot(index="month", columns="area", values="count").astype(int)
    wide = wide.reindex(months.astype(str))
    wide.columns.name = None
    return wide


def read_deprivation(path: Path) -> pd.Series:
    """Deprivation per area (index: area name)."""
    rows, lines = _open(path, ("area", "deprivation"))
    values: dict[str, float] = {}
    for row, line in zip(rows, lines, strict=True):
        try:
            value = float(row["deprivation"])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise SeriesError(
                f"{path} line {line}, field 'deprivation': {row['deprivation']!r} is not a number"
            )
        values[row["area"]] = value
    return pd.Series(values, dtype=float)
