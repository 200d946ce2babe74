"""The profile's numbers as a reader sees them: p-values, signed changes, per-section data
periods, the data-quality guide and age bands drawn as rates (issue 12, part 5)."""

from __future__ import annotations

import re

import pandas as pd

from upstream.analysis.trends import compare_periods, ratio_reading
from upstream.report.headline import comparison_row


def _monthly(old: int, new: int) -> pd.Series:
    """24 months to 2025-08: ``old`` crimes in the first 12, ``new`` in the last 12."""
    months = [str(m) for m in pd.period_range("2023-09", "2025-08", freq="M")]
    per = [old // 12 + (i < old % 12) for i in range(12)] + [
        new // 12 + (i < new % 12) for i in range(12)
    ]
    return pd.Series(per, index=months)


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    # Violence against the person in Waltham Forest, MPS: 6,208 then 6,198 (printed "-0%")
    cmp = compare_periods(_monthly(6208, 6198), "2025-08")
    assert cmp is not None
    row = comparison_row("Violence against the person", cmp)
    assert row[3] == "0%"
    assert row[5] == "0.936"  # exact conditional test, two-sided
    reading = ratio_reading(cmp, "crimes")
    assert "a fall of less than 1%" in reading and "-0%" not in reading


def test_a_tiny_p_value_is_written_as_below_one_in_a_thousand() -> None:
    # all London: 243,427 then 238,233 (printed "p 0.000")
    cmp = compare_periods(_monthly(243_427, 238_233), "2025-08")
    assert cmp is not None
    row = comparison_row("Violence against the person: all London", cmp)
    assert row[3] == "-2%"
    assert row[5] == "< 0.001"
    reading = ratio_reading(cmp, "crimes")
    assert "(exact test p < 0.001)" in reading
    assert not re.search(r"p = 0\.0+\b", reading)


def test_a_rise_keeps_its_plus_sign() -> None:
    cmp = compare_periods(_monthly(5576, 6274), "2025-08")
    assert cmp is not None
    assert comparison_row("Possession of weapons", cmp)[3] == "+13%"
