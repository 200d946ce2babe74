"""The files ``upstream outcomes --out DIR`` writes, each in one atomic step.

* ``<id>.csv``: one row per period: ``period``, ``numerator``, ``denominator``, ``value``,
  ``lower``, ``upper`` (95% interval), ``centre``, ``lcl``, ``ucl`` (control chart),
  ``signals`` (run rules broken, ``;``-separated), ``in_baseline``, ``in_latest``;
* ``<id>.json``: the measure's summary (:meth:`MeasureResult.summary`) and its definition;
* ``summary.csv`` and ``summary.json``: one row / entry per measure, written last.

Every file is written to a temporary name beside it and renamed over the old one, so a
reader never sees half a file; everything is computed before the first file is written.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from upstream.account.outcomes.compute import MeasureResult
from upstream.plan.files import write_csv_atomic, write_text_atomic

__all__ = ["PERIOD_COLUMNS", "SUMMARY_COLUMNS", "period_table", "summary_table", "write_outputs"]

PERIOD_COLUMNS = (
    "period",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "centre",
    "lcl",
    "ucl",
    "signals",
    "in_baseline",
    "in_latest",
)
SUMMARY_COLUMNS = (
    "id",
    "name",
    "verdict",
    "baseline_value",
    "latest_value",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "last_period",
    "last_signals",
    "synthetic",
    "audience",
    "available",
)


def period_table(result: MeasureResult) -> pd.DataFrame:
    """The per-period rows of one measure as written to ``<id>.csv``."""
    if result.table.empty:
        return pd.DataFrame(columns=list(PERIOD_COLUMNS))
    table = result.table.copy()
    table["signals"] = table["signals"].map(";".join)
    return table[list(PERIOD_COLUMNS)]


def summary_table(results: list[MeasureResult]) -> pd.DataFrame:
    """One row per measure."""
    rows = []
    for r in results:
        s = r.summary()
        c = s["comparison"] or {}
        rows.append(
            {
                "id": s["id"],
                "name": s["name"],
                "verdict": s["verdict"],
                "baseline_value": s["baseline_value"],
                "latest_value": s["latest_value"],
                "effect": c.get("effect"),
                "ci_low": c.get("ci_low"),
                "ci_high": c.get("ci_high"),
                "p_value": c.get("p_value"),
                "last_period": s["last_period"],
                "last_signals": ";".join(s["last_signals"]),
                "synthetic": s["synthetic"],
                "audience": s["audience"],
                "available": s["available"],
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _definition(result: MeasureResult) -> dict[str, Any]:
    out = asdict(result.measure)
    out["baseline"] = list(result.measure.baseline) if result.measure.baseline else None
    return out


def write_outputs(results: list[MeasureResult], out: Path, *, end: str | None) -> list[Path]:
    """Write every measure's files and the summary into ``out``; returns the paths."""
    files: list[tuple[Path, str | pd.DataFrame]] = []
    for r in results:
        detail = {"summary": r.summary(), "definition": _definition(r)}
        files.append((out / f"{r.measure.id}.csv", period_table(r)))
        files.append((out / f"{r.measure.id}.json", json.dumps(detail, indent=2) + "\n"))
    summary = {"end": end, "measures": [r.summary() for r in results]}
    files.append((out / "summary.csv", summary_table(results)))
    files.append((out / "summary.json", json.dumps(summary, indent=2) + "\n"))
    for path, content in files:
        if isinstance(content, str):
            write_text_atomic(content, path)
        else:
            write_csv_atomic(content, path)
    return [p for p, _ in files]
