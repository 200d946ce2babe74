"""Missing periods of an outcome series: the words of the reading and the chart's breaks."""

from __future__ import annotations

from upstream.account.outcomes.gaps import gap_sentence, missing_runs, period_start


def test_missing_months_are_listed_as_runs() -> None:
    months = ["2018-01", "2018-04", "2018-05", "2018-07"]
    assert missing_runs(months) == [("Feb 2018", "Mar 2018", 2), ("Jun 2018", "Jun 2018", 1)]
    assert gap_sentence(months) == (
        "The data have 3 months missing: Feb 2018 to Mar 2018 (2 months) and Jun 2018. The "
        "chart leaves them empty and does not join the line across a gap."
    )


def test_quarters_and_a_year_boundary() -> None:
    assert missing_runs(["2023Q3", "2024Q2"]) == [("2023Q4", "2024Q1", 2)]
    assert gap_sentence(["2023Q4", "2024Q2"]).startswith("The data have 1 quarter missing: 2024Q1.")
    assert missing_runs(["2023-12", "2024-01"]) == []
    assert gap_sentence(["2023-12", "2024-01"]) == ""
    assert (period_start("2024Q3"), period_start("2024-11")) == ("2024-07-01", "2024-11-01")
