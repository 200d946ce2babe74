"""Compliance rate per period: the share of test purchases refused, with exact intervals
(pure functions).

A premises *complies* when it refuses to sell a knife to the under-18 volunteer. For each
period (calendar quarter or year) and, optionally, each premises type, the rate is the
refusals over the test purchases, with the exact Clopper-Pearson interval the outcome
measures use (:func:`upstream.account.outcomes.intervals.period_intervals`), and one
plain-English line that says what the figure means and how sure it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from upstream.account.outcomes.intervals import period_intervals
from upstream.orders.retail.schemas import TestRecord
from upstream.orders.retail.vocab import Result

__all__ = ["ComplianceRow", "Period", "compliance", "period_of", "sentence"]

FEW = 10
"""Below this many test purchases a period's rate is flagged as resting on few tests."""


class Period(StrEnum):
    """How test purchases are grouped in time."""

    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class ComplianceRow:
    """One period's (and premises type's) compliance: ``rate`` refused over ``tests``, with
    the 95% exact interval ``lower``-``upper``; ``premises_type`` is ``all`` unless split."""

    period: str
    premises_type: str
    tests: int
    refused: int
    rate: float
    lower: float
    upper: float
    line: str


def period_of(day: pd.Timestamp | object, period: Period) -> str:
    """The period label of a date: ``2025`` or ``2025 Q3``."""
    ts = pd.Timestamp(day)  # type: ignore[arg-type]
    return str(ts.year) if period is Period.YEAR else f"{ts.year} Q{ts.quarter}"


def sentence(row: dict[str, Any], what: str = "premises") -> str:
    """The plain-English line for one period's figures (``period``, ``tests``, ``refused``,
    ``rate``, ``lower``, ``upper``)."""
    r = row
    tests, refused = int(r["tests"]), int(r["refused"])
    rate, lower, upper = float(r["rate"]), float(r["lower"]), float(r["upper"])
    sold = tests - refused
    line = (
        f"{r['period']}: {refused} of {tests} test purchases at {what} were refused "
        f"({rate:.0%}); {sold} sold a knife to an under-18 volunteer. The true refusal rate "
        f"is likely between {lower:.0%} and {upper:.0%} (95% exact interval)."
    )
    if tests < FEW:
        line += f" Fewer than {FEW} tests: read it with care."
    return line


_PLURAL = {
    "all": "all premises",
    "shop": "shops",
    "supermarket": "supermarkets",
    "market_stall": "market stalls",
    "online": "online sellers",
}


def _label(kind: str) -> str:
    return _PLURAL.get(kind, kind)


def compliance(
    records: Iterable[TestRecord], period: Period = Period.QUARTER, *, by_type: bool = False
) -> list[ComplianceRow]:
    """Compliance per period (oldest first), per premises type too when ``by_type``."""
    frame = pd.DataFrame(
        [
            {
                "period": period_of(r.on, period),
                "premises_type": r.premises_type.value if by_type else "all",
                "refused": int(r.result is Result.REFUSED),
            }
            for r in records
        ],
        columns=["period", "premises_type", "refused"],
    )
    if frame.empty:
        return []
    grouped = (
        frame.groupby(["period", "premises_type"], as_index=False)
        .agg(numerator=("refused", "sum"), denominator=("refused", "size"))
        .sort_values(["period", "premises_type"], kind="mergesort")
    )
    rated = period_intervals("proportion", grouped)
    out = []
    for rec in rated.to_dict("records"):
        row: dict[str, Any] = {
            "period": str(rec["period"]),
            "premises_type": str(rec["premises_type"]),
            "tests": int(rec["denominator"]),
            "refused": int(rec["numerator"]),
            "rate": float(rec["value"]),
            "lower": float(rec["lower"]),
            "upper": float(rec["upper"]),
        }
        line = sentence(row, _label(row["premises_type"]))
        out.append(ComplianceRow(**row, line=line))
    return out
