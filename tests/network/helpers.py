"""Small hand-made links and people frames for the network tests."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

AS_OF = date(2025, 6, 30)


def link(
    a: str,
    b: str,
    kind: str = "co_suspect",
    days_ago: int = 30,
    ref: str = "",
    review_days: int = 365,
    grading: str = "",
    labels: str = "",
) -> dict[str, str]:
    """One link row as a CSV holds it, evidence ``days_ago`` before :data:`AS_OF`."""
    when = AS_OF - timedelta(days=days_ago)
    return {
        "a": a,
        "b": b,
        "kind": kind,
        "evidence_ids": ref or f"INC-{a}{b}{days_ago}",
        "evidence_date": when.isoformat(),
        "source_agency": "police",
        "grading": grading,
        "review_date": (when + timedelta(days=review_days)).isoformat(),
        "labels": labels,
    }


def person(
    pid: str,
    age: int = 20,
    eth: str = "White",
    sex: str = "M",
    harmed: str = "",
    offences: str = "",
) -> dict[str, str]:
    """One person row as a CSV holds it (age on :data:`AS_OF`)."""
    return {
        "id": pid,
        "age": str(age),
        "sex": sex,
        "ethnic_group": eth,
        "harmed_dates": harmed,
        "offences": offences,
    }


def frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype="string")
