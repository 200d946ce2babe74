"""Validate programme returns: each row on its own, then each return as a whole.

A *return* is one programme's rows for one quarter. It is stored whole or not at all: if
any of its rows fails, or its counts do not agree (a breakdown that does not add up to the
participants, more ETE starts than participants, a measure missing or given twice), every
row of it is quarantined, the first with the reason and the others naming that row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from upstream.account.returns.schema import AREA_CODE, BREAKDOWNS, TOTALS
from upstream.ingest.checks import not_in, not_matching
from upstream.ingest.errors import Rejection
from upstream.ingest.incidents import (
    ETHNICITY_ALIASES,
    Checked,
    _booleans,
    _Rows,
    normalise_choices,
)
from upstream.ingest.tabular import Batch
from upstream.vocab import ETHNICITIES

__all__ = ["MAX_VALUE", "check_return_rows", "check_returns", "quarter_start"]

MAX_VALUE = 1_000_000
"""Counts at or above this are refused as typing errors (no programme reaches a million)."""
_PROGRAMME = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_QUARTER = r"^\s*(19|20|21)\d{2}Q[1-4]\s*$"
_COUNT = r"^\s*\d{1,7}\s*$"
MEASURES = (*TOTALS, *BREAKDOWNS)


def quarter_start(quarter: str) -> date:
    """The first day of a ``YYYYQn`` quarter."""
    return date(int(quarter[:4]), 3 * int(quarter[5]) - 2, 1)


def _category_problems(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per reason, the rows whose category does not fit their measure."""
    measure = df["measure"]
    category = df["category"].str.strip()
    out: dict[str, np.ndarray] = {}
    total = measure.isin(TOTALS)
    out["must be empty for a total measure (" + ", ".join(TOTALS) + ")"] = (
        total & (category != "")
    ).to_numpy(dtype=bool)
    for name, allowed in BREAKDOWNS.items():
        rows = measure == name
        if allowed is None:
            ok = category.str.fullmatch(AREA_CODE).fillna(False).astype(bool)
            what = "a GSS code of an LSOA (E01...) or ward (E05...), outside or unknown"
        else:
            ok = category.isin(allowed)
            what = "one of " + ", ".join(allowed)
        out[f"for {name} must be {what}"] = (rows & ~ok).to_numpy(dtype=bool)
    return out


def check_return_rows(batch: Batch, file: str, unit: str, today: date) -> Checked:
    """Validate each row of a batch; return typed rows (with ``_line``) and rejections."""
    batch = normalise_choices(batch, {"measure": MEASURES})
    t = batch.table
    rows = _Rows(batch, file, unit)
    df = t.to_pandas(types_mapper=pd.ArrowDtype).astype("string")
    programme = df["programme"].str.strip()
    rows.check(
        "programme",
        ~programme.str.fullmatch(_PROGRAMME).fillna(False).to_numpy(dtype=bool),
        "programme must be an id of lower-case letters, digits, _ or - (as in the action "
        "plan), 1-64 characters",
    )
    provider = df["provider"].str.strip()
    rows.check("provider", (provider == "").to_numpy(dtype=bool), "provider is required")
    rows.check(
        "provider",
        (provider.str.len() > 120).fillna(False).to_numpy(dtype=bool),
        "provider is longer than 120 characters",
    )
    rows.check(
        "quarter",
        not_matching(t.column("quarter"), _QUARTER, False),
        "quarter must be YYYYQn, e.g. 2025Q1",
    )
    quarter = df["quarter"].str.strip().str.upper()
    future = np.array(
        [
            bool(q) and re.fullmatch(_QUARTER, q) is not None and quarter_start(q) > today
            for q in quarter
        ],
        dtype=bool,
    )
    rows.check("quarter", future, "quarter has not started yet")
    rows.check(
        "measure",
        not_in(t.column("measure"), MEASURES, False),
        f"measure must be one of {', '.join(MEASURES)}",
    )
    df = df.assign(
        measure=pd.Series(t.column("measure").to_pylist(), index=df.index, dtype="string")
    )
    category = df["category"].str.strip()
    category = category.where(df["measure"] != "participants_sex", category.str.lower())
    lookup = {e.lower(): e for e in ETHNICITIES} | ETHNICITY_ALIASES
    eth = df["measure"] == "participants_ethnicity"
    category = category.where(~eth, category.str.lower().map(lambda v: lookup.get(v, v)))
    category = category.where(df["measure"] != "participants_area", category.str.upper())
    category = category.replace({"OUTSIDE": "outside", "UNKNOWN": "unknown"})
    df = df.assign(category=category.fillna(""))
    for reason, failing in _category_problems(df).items():
        rows.check("category", failing, f"category {reason}")
    rows.check(
        "value",
        not_matching(t.column("value"), _COUNT, False),
        f"value must be a whole number from 0 to {MAX_VALUE - 1:,}",
    )
    value = pd.to_numeric(df["value"].str.strip(), errors="coerce")
    rows.check(
        "value",
        (value >= MAX_VALUE).fillna(False).to_numpy(dtype=bool),
        f"value must be a whole number from 0 to {MAX_VALUE - 1:,}",
    )
    synthetic, bad_syn = _booleans(df["synthetic"], False)
    rows.check("synthetic", bad_syn, "synthetic must be true or false")
    keep = ~rows.bad
    frame = pd.DataFrame(
        {
            "programme": programme,
            "provider": provider,
            "quarter": quarter,
            "measure": df["measure"],
            "category": df["category"],
            "value": value.fillna(0).astype("int64"),
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[keep]
    return Checked(frame.reset_index(drop=True), rows.rejected)


@dataclass(frozen=True)
class _Problem:
    line: int
    field: str
    reason: str


@dataclass
class _Return:
    """What one pass over a return's rows (in line order) gathers for the whole checks."""

    first: int
    provider: tuple[str, int]
    other_provider: tuple[str, int] | None = None
    repeated: tuple[str, int] | None = None
    seen: set[tuple[str, str]] = field(default_factory=set)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)  # value, line
    sums: dict[str, list[int]] = field(default_factory=dict)  # total, first line


def _gather(frame: pd.DataFrame) -> dict[tuple[str, str], _Return]:
    found: dict[tuple[str, str], _Return] = {}
    ordered = frame.sort_values("_line", kind="stable")
    columns = ["programme", "quarter", "provider", "measure", "category", "value", "_line"]
    for programme, quarter, provider, measure, category, value, line in ordered[columns].itertuples(
        index=False, name=None
    ):
        key = (str(programme), str(quarter))
        ret = found.get(key)
        if ret is None:
            ret = found[key] = _Return(int(line), (str(provider), int(line)))
        if ret.other_provider is None and provider != ret.provider[0]:
            ret.other_provider = (str(provider), int(line))
        pair = (str(measure), str(category))
        if pair in ret.seen:
            if ret.repeated is None:
                what = pair[0] + (f" {pair[1]}" if pair[1] else "")
                ret.repeated = (what, int(line))
            continue
        ret.seen.add(pair)
        if measure in TOTALS:
            ret.totals[str(measure)] = (int(value), int(line))
        else:
            part = ret.sums.setdefault(str(measure), [0, int(line)])
            part[0] += int(value)
    return found


def _return_problem(ret: _Return, unit: str) -> _Problem | None:
    """The first thing wrong with one return as a whole, or None."""
    if ret.other_provider is not None:
        (name, line), (first_name, first_line) = ret.other_provider, ret.provider
        return _Problem(
            line,
            "provider",
            f"provider {name!r} differs from {first_name!r} on {unit} {first_line}; one "
            "return has one provider",
        )
    if ret.repeated is not None:
        return _Problem(
            ret.repeated[1], "measure", f"{ret.repeated[0]} is given twice in this return"
        )
    for measure in TOTALS:
        if measure not in ret.totals:
            return _Problem(ret.first, "measure", f"the return has no {measure} row")
    participants, p_line = ret.totals["participants"]
    ete, ete_line = ret.totals["ete_starts"]
    if ete > participants:
        return _Problem(
            ete_line, "value", f"ete_starts ({ete}) exceeds participants ({participants})"
        )
    for measure in BREAKDOWNS:
        part = ret.sums.get(measure)
        if part is None and participants > 0:
            return _Problem(
                p_line,
                "measure",
                f"the return has no {measure} rows (give counts by category; use "
                "'unknown' or 'not stated' where not recorded)",
            )
        if part is not None and part[0] != participants:
            return _Problem(
                part[1],
                "value",
                f"{measure} rows add up to {part[0]} but participants is {participants} "
                f"({unit} {p_line})",
            )
    return None


def _refusal(
    rows: pd.DataFrame, file: str, unit: str, field: str | None, reason: str
) -> list[Rejection]:
    shown = [c for c in rows.columns if not c.startswith("_")]
    return [
        Rejection(
            file,
            int(line),
            field,
            reason,
            {c: "" if pd.isna(v) else str(v) for c, v in zip(shown, values, strict=True)},
            unit,
        )
        for line, values in zip(
            rows["_line"], rows[shown].itertuples(index=False, name=None), strict=True
        )
    ]


def check_returns(frame: pd.DataFrame, rejected: list[Rejection], file: str, unit: str) -> Checked:
    """Keep only the returns that are whole and consistent.

    ``frame`` holds a file's rows that passed :func:`check_return_rows`; ``rejected`` those
    that did not: a return with any of them is refused whole (matched by the programme and
    quarter the rejected row names). Returns the kept rows and the rejections for the rows
    refused here.
    """
    failed: dict[tuple[str, str], int] = {}
    for r in rejected:
        key = (r.values.get("programme", "").strip(), r.values.get("quarter", "").strip().upper())
        if r.line is not None:
            failed[key] = min(failed.get(key, r.line), r.line)
    out: list[Rejection] = []
    keep = np.ones(len(frame), dtype=bool)
    positions = frame.groupby(["programme", "quarter"], sort=True).indices
    for key, ret in sorted(_gather(frame).items()):
        programme, quarter = key
        bad_line = failed.get(key)
        # a return with a failed row is refused for that row alone: checking what is
        # left of it as a whole would report rows missing that were only rejected
        problem = _return_problem(ret, unit) if bad_line is None else None
        if problem is None and bad_line is None:
            continue
        rows = frame.iloc[positions[key]]
        keep[positions[key]] = False
        others = rows
        if problem is not None:
            first = rows[rows["_line"] == problem.line].iloc[:1]
            out += _refusal(first, file, unit, problem.field, problem.reason)
            others = rows.drop(first.index)
            bad_line = problem.line
        out += _refusal(
            others,
            file,
            unit,
            None,
            f"return {programme} {quarter} is refused whole because of {unit} {bad_line}",
        )
    return Checked(frame[keep].reset_index(drop=True), out)
