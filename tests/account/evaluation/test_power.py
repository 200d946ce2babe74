"""Power and minimum detectable effect: the analytic formula against simulation with the
real estimator, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upstream.account.evaluation.power import (
    analytic_power,
    minimum_detectable_effect,
    simulated_power,
)
from upstream.cli import app


def test_power_at_the_mde_is_the_target_and_grows_with_counts() -> None:
    mde = minimum_detectable_effect(50, pre_months=36, post_months=24)
    assert analytic_power(50, mde.fall_ratio) == pytest.approx(0.8, abs=1e-6)
    assert analytic_power(50, mde.rise_ratio) == pytest.approx(0.8, abs=1e-6)
    bigger = minimum_detectable_effect(500, pre_months=36, post_months=24)
    assert bigger.fall_percent < mde.fall_percent
    assert analytic_power(50, 1.0) == pytest.approx(0.05, abs=1e-9)
    # estimating the trend costs power: assuming none detects smaller changes
    assert minimum_detectable_effect(50, trend=False).fall_percent < mde.fall_percent


@pytest.mark.parametrize("trend", [True, False])
def test_analytic_power_agrees_with_simulation(trend: bool) -> None:
    """At the analytic 80% MDE, 150 simulated evaluations detect the change 68-92% of the
    time (the benchmark runs more)."""
    mde = minimum_detectable_effect(60, trend=trend)
    assert 0.68 <= simulated_power(60, mde.fall_ratio, reps=150, seed=2, trend=trend) <= 0.92


def test_too_few_offences_says_no_fall_is_detectable() -> None:
    mde = minimum_detectable_effect(11, pre_months=36, post_months=24)
    assert mde.fall_ratio == 0.0
    assert "cannot detect any fall" in mde.sentence()


def test_power_cli(tmp_path: Path) -> None:
    out = tmp_path / "mde.json"
    result = CliRunner().invoke(
        app, ["evaluate", "power", "--per-year", "50", "--per-year", "30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "With about 50 offences a year, a 24-month evaluation" in result.output
    rows = json.loads(out.read_text())["rows"]
    assert [r["per_year"] for r in rows] == [50, 30]
    assert rows[0]["fall_percent"] < rows[1]["fall_percent"]
    bad = CliRunner().invoke(app, ["evaluate", "power", "--per-year", "-3"])
    assert bad.exit_code == 1 and "--per-year" in bad.output
