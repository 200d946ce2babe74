"""Verdicts from intervals, and the sentences that carry them."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream.account.outcomes.intervals import Comparison
from upstream.account.outcomes.verdict import (
    BETTER,
    CANNOT_TELL,
    NOT_DISTINGUISHABLE,
    WORSE,
    describe,
    verdict,
)


def _ratio(effect, lower, upper, counts=(40.0, 52.0)):
    return Comparison(
        "rate ratio", counts[0] / 12, counts[1] / 12, effect, lower, upper, 0.04, 1.0,
        "exact", counts=counts, sizes=(12.0, 12.0),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("interval", "direction", "expected"),
    [
        ((0.6, 0.9), "lower", BETTER),
        ((0.6, 0.9), "higher", WORSE),
        ((1.1, 1.5), "lower", WORSE),
        ((1.1, 1.5), "higher", BETTER),
        ((0.8, 1.2), "lower", NOT_DISTINGUISHABLE),
        ((0.8, 1.0), "lower", NOT_DISTINGUISHABLE),  # touching no change is not a change
    ],
)
def test_verdict_reads_the_interval_against_the_direction(interval, direction, expected):
    assert verdict(_ratio(1.0, *interval), direction) == expected


def test_differences_are_judged_against_zero():
    c = Comparison("difference", 0.3, 0.45, 0.15, 0.02, 0.28, 0.03, 0.0, "newcombe")
    assert verdict(c, "higher") == BETTER
    assert verdict(None, "higher") == CANNOT_TELL


def _describe(comparison, **kw):
    args = {
        "name": "Knife",
        "unit": "count",
        "direction": "lower",
        "comparison": comparison,
        "baseline": ("2022-08", "2023-07"),
        "latest": ("2023-08", "2024-07"),
        "target": None,
        "window": 12,
        "last_signals": [],
        "last_period": "2024-07",
    }
    return describe(**{**args, **kw})


def test_the_reading_gives_counts_interval_and_chart():
    text = _describe(_ratio(1.3, 0.84, 2.01))
    assert "52 in 2023-08 to 2024-07 (4.3 a month)" in text
    assert "against 40 in the baseline 2022-08 to 2023-07" in text
    assert "rate ratio of 1.30 (95% interval 0.84 to 2.01), p = 0.04" in text
    assert "not distinguishable from chance" in text
    assert "2024-07 is within the limits" in text
    signal = _describe(_ratio(1.3, 1.1, 2.01), last_signals=["shift"])
    assert "worse than baseline" in signal and "breaks a run rule (shift)" in signal
    assert "read single periods as noise" in text
    after = _describe(_ratio(1.3, 1.1, 2.01), signalled_before=8)
    assert "breaks no run rule, but the 8 periods just before it did" in after
    assert "read single periods as noise" not in after


def test_the_periods_signalled_just_before_the_last_are_counted():
    from upstream.account.outcomes.compute import _signalled_before

    table = pd.DataFrame({"signals": [["shift"], [], ["shift"], ["shift", "trend"], []]})
    assert _signalled_before(table) == 2
    assert _signalled_before(table.iloc[:-1]) == 1  # only the run just before the last counts
    assert _signalled_before(table.iloc[:2]) == 1


def test_targets_per_window():
    # 52 offences in the latest 12 months
    assert "Target 60 in 12 periods: met" in _describe(_ratio(1.3, 0.8, 2.0), target=60)
    assert "Target 48 in 12 periods: not met" in _describe(_ratio(1.3, 0.8, 2.0), target=48)


def test_cannot_tell_says_why():
    text = _describe(None, latest=None)
    assert text.startswith("Knife: cannot tell yet")
    assert "12 periods after the baseline (to 2023-07)" in text
