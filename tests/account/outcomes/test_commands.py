"""``upstream outcomes`` end to end on the stores ``make run`` loads."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app

runner = CliRunner()


@pytest.fixture
def demo_env(demo_settings, monkeypatch):
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(demo_settings.data_dir))
    return demo_settings


def test_writes_every_measure_and_a_summary(demo_env, tmp_path):
    out = tmp_path / "outcomes"
    result = runner.invoke(app, ["outcomes", "--end", "2024-07", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    by_id = {m["id"]: m for m in summary["measures"]}
    assert summary["end"] == "2024-07"
    u25 = by_id["knife_injury_u25"]
    assert u25["synthetic"] and u25["verdict"] == "not distinguishable from chance"
    assert u25["comparison"]["effect"] == pytest.approx(52 / 40)
    assert by_id["knife_injury_u18"]["verdict"] == "worse than baseline"
    ete = by_id["ete_participation"]  # the demo's synthetic programme returns
    assert ete["available"] and ete["synthetic"]
    table = pd.read_csv(out / "knife_injury_u25.csv")
    assert list(table.columns[:4]) == ["period", "numerator", "denominator", "value"]
    latest = table[table["in_latest"]]
    assert (latest["period"].iloc[0], latest["period"].iloc[-1]) == ("2023-08", "2024-07")
    assert latest["numerator"].sum() == 52
    assert table.loc[table["in_baseline"], "numerator"].sum() == 40
    detail = json.loads((out / "knife_injury_u25.json").read_text())
    assert detail["definition"]["filter"]["victim_max_age"] == 24
    csv_summary = pd.read_csv(out / "summary.csv")
    assert set(csv_summary["id"]) == set(by_id)
    assert not list(out.glob(".*"))  # no temporary file left behind
    assert "52 in 2023-08 to 2024-07" in " ".join(result.output.split())


def test_public_leaves_out_partnership_records(demo_env, tmp_path):
    out = tmp_path / "public"
    result = runner.invoke(app, ["outcomes", "--public", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ids = {m["id"] for m in json.loads((out / "summary.json").read_text())["measures"]}
    assert ids == {
        "stop_search_disparity",
        "mps_knife_injury_victims_u25",
        "police_uk_serious_violence",
        "police_uk_weapons",
    }
    assert not (out / "knife_injury_u25.csv").exists()


def test_a_bad_measures_file_fails_in_one_line_and_writes_nothing(demo_env, tmp_path):
    bad = tmp_path / "measures.toml"
    bad.write_text(
        '[[measure]]\nid = "x"\nname = "X"\nsource = "police_uk_street"\nunit = "ratio"\n'
        'direction = "lower"\nbaseline = { start = "2016-04", end = "2017-03" }\n'
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["outcomes", "--measures", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert f"{bad}: measure 1 (x): unit: source 'police_uk_street' gives a count" in message
    assert not out.exists()


def test_a_bad_end_month(demo_env, tmp_path):
    result = runner.invoke(app, ["outcomes", "--end", "2024-13", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "--end: '2024-13' is not a month in YYYY-MM form" in result.output
    assert not (tmp_path / "o").exists()


def test_rerun_replaces_the_files(demo_env, tmp_path):
    out = tmp_path / "again"
    for _ in range(2):
        assert runner.invoke(app, ["outcomes", "--public", "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{i}.{ext}" for i in ("stop_search_disparity", "mps_knife_injury_victims_u25",
                                "police_uk_serious_violence", "police_uk_weapons")
         for ext in ("csv", "json")] + ["summary.csv", "summary.json"]
    )  # fmt: skip
