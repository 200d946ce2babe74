"""The ETE measure reads the programme returns held: imported through the CLI into the real
Parquet store, quarter by quarter."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from statsmodels.stats import proportion as smp
from typer.testing import CliRunner

from upstream.account.outcomes import compute_measure, load_measures, register_source
from upstream.account.outcomes.context import OutcomeContext
from upstream.account.outcomes.sources import ete_source_from
from upstream.account.returns import ete_participation
from upstream.cli import app
from upstream.config import Settings

QUARTERS = [f"{y}Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)]
STARTS = [10, 12, 9, 11, 20, 22, 25, 21]
PARTICIPANTS = [100, 110, 95, 105, 100, 100, 110, 100]


def a_return(quarter: str, participants: int, ete_starts: int) -> list[list[object]]:
    """One programme's whole, consistent return for a quarter."""
    rows: list[list[object]] = [
        ["sessions", "", 30],
        ["participants", "", participants],
        ["referrals_in", "", 5],
        ["referrals_out", "", 3],
        ["ete_starts", "", ete_starts],
        ["participants_age", "15-17", participants],
        ["participants_sex", "male", participants],
        ["participants_ethnicity", "Black", participants],
        ["participants_area", "unknown", participants],
    ]
    return [["streetbase", "Streetbase CIC", quarter, *row] for row in rows]


def import_returns(folder: Path) -> None:
    path = folder / "returns.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["programme", "provider", "quarter", "measure", "category", "value"])
        for quarter, n, e in zip(QUARTERS, PARTICIPANTS, STARTS, strict=True):
            writer.writerows(a_return(quarter, n, e))
    result = CliRunner().invoke(app, ["returns", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_the_ete_measure_from_imported_returns(tmp_path: Path, settings: Settings) -> None:
    import_returns(tmp_path)
    measure = next(m for m in load_measures() if m.id == "ete_participation")
    result = compute_measure(OutcomeContext(settings), measure)
    assert result.available and not result.synthetic
    assert result.baseline == ("2023Q1", "2023Q4") and result.latest == ("2024Q1", "2024Q4")
    c = result.comparison
    assert c is not None and c.counts == (42, 88) and c.sizes == (410, 410)
    low, high = smp.confint_proportions_2indep(88, 410, 42, 410, method="newcomb")
    assert (c.lower, c.upper) == pytest.approx((low, high))
    assert result.verdict == "better than baseline"  # higher is better
    # an end month keeps the quarters over by then
    for end, last in (("2024-08", "2024Q2"), ("2024-09", "2024Q3"), ("2025-02", "2024Q4")):
        cut = compute_measure(OutcomeContext(settings), measure, end=end)
        assert cut.table["period"].iloc[-1] == last


def test_without_returns_it_says_so(settings: Settings) -> None:
    assert ete_participation(settings).empty
    measure = next(m for m in load_measures() if m.id == "ete_participation")
    result = compute_measure(OutcomeContext(settings), measure)
    assert not result.available
    assert "no programme returns are loaded" in result.reading


def test_register_source_refuses_an_undeclared_name() -> None:
    with pytest.raises(KeyError, match="unknown outcome source 'returns_typo'"):
        register_source("returns_typo", ete_source_from(ete_participation))
