"""The demo: ``upstream bootstrap`` loads the synthetic returns; reach runs on the demo stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.web.conftest import bundled_settings  # noqa: F401
from upstream.account.returns import ete_participation, load_returns
from upstream.account.returns.reach_inputs import reach
from upstream.bootstrap import bootstrap
from upstream.cli import app
from upstream.config import Settings
from upstream.synth.returns import DEMO_PROGRAMMES, DEMO_QUARTERS

runner = CliRunner()


def test_bootstrap_loads_the_synthetic_returns_once(bundled_settings: Settings) -> None:  # noqa: F811
    returns = load_returns(bundled_settings)
    assert returns["synthetic"].all()
    held = returns[["programme", "quarter"]].drop_duplicates()
    assert len(held) == len(DEMO_PROGRAMMES) * len(DEMO_QUARTERS)
    assert {"streetbase", "life_skills"} <= set(returns["programme"])
    assert ete_participation(bundled_settings)["quarter"].tolist() == list(DEMO_QUARTERS)
    again = list(bootstrap(bundled_settings))
    assert "programme returns are already held" in again
    assert len(load_returns(bundled_settings)) == len(returns)


def test_reach_on_the_demo_says_what_is_synthetic(bundled_settings: Settings) -> None:  # noqa: F811
    result = reach(bundled_settings, "streetbase")
    assert result.returns_synthetic
    assert "SYNTHETIC" in result.victims_source
    assert "in the returns' quarters" in result.victims_source
    assert result.groups is not None and result.places is not None
    sex = result.groups[result.groups["dimension"] == "sex"]
    assert sex["participants"].sum() > 0 and sex["victims"].sum() > 0
    assert result.places.areas == 144
    assert len(result.places.top_areas) == 29  # a fifth of 144, rounded up
    assert 0 < result.places.participant_low <= result.places.participant_high < 1


def test_returns_reach_command(
    bundled_settings: Settings,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    out = tmp_path / "reach.json"
    result = runner.invoke(app, ["returns", "reach", "--out", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Reach of all programmes (SYNTHETIC returns), 2023Q3 to 2025Q2" in result.output
    data = json.loads(out.read_text())
    assert data["returns_synthetic"] is True
    assert {g["dimension"] for g in data["groups"]} == {"age", "sex", "ethnicity"}
    missing = runner.invoke(app, ["returns", "reach", "--programme", "nope"])
    assert missing.exit_code == 1
    assert "no programme returns are held for programme 'nope'" in missing.output
