"""``plan cctv``: deployments written, recorded once, and bad input refused in one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.conftest import STREET_PARQUET
from upstream.config import Settings
from upstream.plan.cctv import REGISTER_COLUMNS, read_register, register_path
from upstream.plan.commands_kit import app

runner = CliRunner()


def _run(*args: str) -> object:
    return runner.invoke(
        app, ["cctv", "--events", str(STREET_PARQUET), "--until", "2017-12", *args]
    )


def test_cctv_writes_and_records_once(tmp_path: Path) -> None:
    out = tmp_path / "cctv.csv"
    args = ["--cameras", "3", "--weeks", "2", "--periods", "3", "--out", str(out), "--record"]
    first = _run(*args)
    assert first.exit_code == 0, first.output
    plan = pd.read_csv(out)
    assert list(plan.columns) == list(REGISTER_COLUMNS)
    assert len(plan) == 9 and plan["start"].min() == "2018-01-01"
    assert "9 added, 0 replaced, 0 already recorded" in first.output
    assert "CCTV covers decile" in first.output.replace("\n", " ")
    again = _run(*args)
    assert "0 added, 0 replaced, 9 already recorded" in again.output
    register = read_register(register_path(Settings().data_dir))
    assert len(register) == 9
    # without --record the register is left alone
    _run("--cameras", "2", "--weeks", "2", "--periods", "1", "--out", str(out))
    assert len(read_register(register_path(Settings().data_dir))) == 9


def test_cctv_bad_input_exit_1(tmp_path: Path) -> None:
    out = tmp_path / "cctv.csv"
    none = _run("--cameras", "0", "--weeks", "2", "--out", str(out))
    assert none.exit_code == 1 and "--cameras must be at least 1" in none.output
    crowded = _run("--cameras", "3", "--weeks", "2", "--min-separation", "20000", "--out", str(out))
    assert crowded.exit_code == 1 and "use fewer cameras" in crowded.output
    date = _run("--cameras", "1", "--weeks", "2", "--start", "next week", "--out", str(out))
    assert date.exit_code == 1 and "--start must be a date" in date.output
    month = _run("--cameras", "1", "--weeks", "2", "--out", str(out), "--until", "2030-01")
    assert month.exit_code == 1 and "outside the data" in month.output
    assert not out.exists()
    args = ["--until", "2017-12", "--cameras", "1", "--weeks", "1", "--out", str(out)]
    missing = runner.invoke(app, ["cctv", "--events", str(tmp_path / "nope.csv"), *args])
    assert missing.exit_code == 1 and "file not found" in missing.output
