"""``upstream vfm`` end to end: returns in a real store, costs from a CSV of the plan's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.account.returns.test_ingest import a_return, write
from upstream.cli import app

runner = CliRunner()


@pytest.fixture
def costs(tmp_path: Path) -> Path:
    path = tmp_path / "costs.csv"
    path.write_text(
        "programme,action_id,title,budget_gbp,start,due\n"
        "streetbase,A7,Streetbase outreach,100000,2025-01-01,2025-06-30\n"
    )
    rows = a_return(quarter="2025Q1", n=10) + a_return(quarter="2025Q2", n=30)
    imported = runner.invoke(app, ["returns", "import", str(write(tmp_path / "r.csv", rows))])
    assert imported.exit_code == 0, imported.output
    return path


def test_vfm_reports_cost_per_young_person_break_even_and_costs_averted(
    tmp_path: Path, costs: Path
) -> None:
    effect = tmp_path / "result.json"
    effect.write_text(json.dumps({"rate_ratio": 0.8, "ci_low": 0.65, "ci_high": 0.98}))
    deflator = tmp_path / "deflator.toml"
    deflator.write_text(
        '[source]\nrelease = "test"\n[index]\n"2015-16" = 50.0\n"2024-25" = 100.0\n'
    )
    out = tmp_path / "vfm.json"
    result = runner.invoke(
        app,
        ["vfm", "--programme", "streetbase", "--costs", str(costs), "--effect", str(effect),
         "--baseline", "40", "--baseline-fixed", "--deflator", str(deflator),
         "--draws", "20000", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "cost per young person £2,500 to £3,333" in text  # 100,000 / 40 and / 30
    assert "£28,100 in 2024-25 prices (GDP deflator x2.000)" in text
    data = json.loads(out.read_text())
    assert data["unit_cost"] == pytest.approx(28_100)
    years = data["years"]
    assert years == pytest.approx(181 / 365.25)
    # break-even: 100,000 / (years x 40 x 28,100)
    assert data["break_even"]["reduction"] == pytest.approx(100_000 / (years * 40 * 28_100))
    assert data["simulation"]["draws"] == 20000
    assert 0 <= data["simulation"]["probability_pays_back"] <= 1
    assert data["unit_cost_source"]["price_year"] == "2015-16"
    assert "approximate" not in text  # this deflator names its release


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--rate-ratio", "0.8"], "give --rate-ratio, --ci-low and --ci-high together"),
        (["--offence", "knife"], "no unit cost 'knife'"),
        (["--prices", "2031-32"], "no deflator for '2031-32'"),
        (["--rate-ratio", "0.8", "--ci-low", "0.85", "--ci-high", "0.9"], "does not contain"),
    ],
)
def test_vfm_refuses_input_it_cannot_use(costs: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["vfm", "--programme", "streetbase", "--costs", str(costs), *extra])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_vfm_names_the_effect_file_field_that_is_wrong(tmp_path: Path, costs: Path) -> None:
    effect = tmp_path / "result.json"
    effect.write_text(json.dumps({"rate_ratio": 0.8, "ci_low": "low", "ci_high": 0.9}))
    result = runner.invoke(
        app, ["vfm", "--programme", "streetbase", "--costs", str(costs), "--effect", str(effect)]
    )
    assert result.exit_code == 1
    assert "result.json, field 'ci_low': a number is needed" in " ".join(result.output.split())


def test_vfm_reads_the_plan_through_the_source_the_command_line_sets(
    costs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from upstream.account.vfm import commands

    frame = pd.read_csv(costs)
    seen = []

    def plan(settings: object) -> pd.DataFrame:
        seen.append(settings)
        return frame

    monkeypatch.setattr(commands, "_plan_source", [plan])
    result = runner.invoke(app, ["vfm", "--programme", "streetbase", "--baseline", "40"])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    assert "£100,000 over 2025-01-01 to 2025-06-30" in " ".join(result.output.split())

    def missing(settings: object) -> pd.DataFrame:
        raise ImportError("no action plan")

    monkeypatch.setattr(commands, "_plan_source", [missing])
    result = runner.invoke(app, ["vfm", "--programme", "streetbase", "--baseline", "40"])
    assert result.exit_code == 1
    assert "the action plan is not available" in " ".join(result.output.split())


def test_the_command_line_wires_the_action_plan() -> None:
    from upstream.account.vfm import commands

    assert [f.__module__ for f in commands._plan_source] == ["upstream.cli"]
