"""The command-line contract: upstream forecast --events FILE --until YYYY-MM --out cells.csv."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.forecast.conftest import write_events_csv
from upstream.area import Area, study_grid
from upstream.cli import app
from upstream.config import Settings
from upstream.forecast.registry import DEFAULT_METHOD, METHODS

runner = CliRunner()


@pytest.fixture(scope="module")
def events_csv(tmp_path_factory: pytest.TempPathFactory, street_rows: pd.DataFrame) -> Path:
    """Nine months of real rows (2016-04..2016-12) as one police.uk-format CSV."""
    rows = street_rows[street_rows["month"] <= "2016-12"]
    return write_events_csv(rows, tmp_path_factory.mktemp("cli") / "wf-street.csv")


def _forecast(events: Path, out: Path, *extra: str) -> object:
    return runner.invoke(
        app,
        ["forecast", "--events", str(events), "--until", "2016-11", "--out", str(out), *extra],
    )


def test_forecast_writes_one_row_per_study_area_cell(
    events_csv: Path, tmp_path: Path, area: Area
) -> None:
    out = tmp_path / "cells.csv"
    result = _forecast(events_csv, out)
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out)
    assert list(cells.columns) == ["x_min", "y_min", "cell_size", "score"]
    grid = study_grid(area, 150)
    assert len(cells) == len(grid) == 1_733
    assert cells[["x_min", "y_min"]].equals(grid[["x_min", "y_min"]].reset_index(drop=True))
    assert (cells["cell_size"] == 150).all()
    assert (cells["score"] >= 0).all() and 300 < cells["score"].sum() < 900
    assert "lgbm" in result.output  # the default: the best method on validation


def test_forecast_is_deterministic_and_ignores_later_months(
    events_csv: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert _forecast(events_csv, a).exit_code == 0
    assert _forecast(events_csv, b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    # the file holds 2016-12 too; cutting it off changes nothing
    trimmed = tmp_path / "trimmed.csv"
    frame = pd.read_csv(events_csv)
    frame[frame["Month"] <= "2016-11"].to_csv(trimmed, index=False)
    c = tmp_path / "c.csv"
    assert _forecast(trimmed, c).exit_code == 0
    assert a.read_bytes() == c.read_bytes()


def test_forecast_cell_size_method_and_harm(events_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "cells.csv"
    result = _forecast(events_csv, out, "--cell", "250", "--method", "naive", "--harm")
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out)
    assert (cells["cell_size"] == 250).all() and (cells["x_min"] % 250 == 0).all()
    assert cells["score"].sum() > 30 * 400  # expected harm, not counts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2017-05"], "outside the data"),
        (["--until", "May"], "YYYY-MM"),
        (["--until", "2016-11", "--method", "oracle"], "unknown method"),
    ],
)
def test_forecast_errors_are_clear(
    events_csv: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "cells.csv"
    result = runner.invoke(app, ["forecast", "--events", str(events_csv), "--out", str(out), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


def test_missing_options_exit_2(events_csv: Path) -> None:
    result = runner.invoke(app, ["forecast", "--events", str(events_csv)])
    assert result.exit_code == 2 and "--until" in result.output
    assert "usually" not in result.output


def test_missing_options_say_what_the_store_holds(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an empty store: --events is needed
    empty = runner.invoke(app, ["forecast", "--until", "2017-12"])
    assert empty.exit_code == 2
    assert "--events FILE: the event store holds no street-level crime" in empty.output
    # a loaded store: it is used, and the message says so (not "usually --events")
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    loaded = runner.invoke(app, ["forecast", "--until", "2017-12"])
    assert loaded.exit_code == 2
    text = " ".join(loaded.output.split())
    assert "the event store's street-level crime (2016-04 to 2017-12) is used" in text
    assert "--events" not in text


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``upstream ARGS`` in a child process, its output captured (so not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "upstream.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_backtest_progress_shows_on_a_terminal_unless_quiet(events_csv: Path) -> None:
    args = [
        "forecast",
        "backtest",
        "--events",
        str(events_csv),
        "--last",
        "2",
        "--methods",
        "naive",
    ]
    terminal = {"TTY_COMPATIBLE": "1"}  # rich then treats the captured output as a terminal
    shown = _cli(*args, env=terminal)
    assert shown.returncode == 0, shown.stderr
    assert "backtesting" in shown.stderr and "2/2" in shown.stderr
    quiet = _cli(*args, "--quiet", env=terminal)
    assert quiet.returncode == 0 and "backtesting" not in quiet.stderr
    piped = _cli(*args)  # not a terminal: no bar either
    assert piped.returncode == 0 and "backtesting" not in piped.stderr
    assert "Backtest, 2016-11 to 2016-12" in piped.stdout


def test_output_that_is_not_a_terminal_is_not_cut_to_80_columns() -> None:
    done = _cli("forecast", "methods")
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    lines = done.stdout.splitlines()
    for name, method in METHODS.items():
        label = f"{name} (default)" if name == DEFAULT_METHOD else name
        row = [line for line in lines if line.startswith(f"│ {label} ")]
        assert len(row) == 1, name  # one line per method, nothing wrapped
        assert method.summary in row[0] and method.paper in row[0]


def test_backtest_prints_a_table_and_writes_csv(events_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt.csv"
    result = runner.invoke(
        app,
        ["forecast", "backtest", "--events", str(events_csv), "--last", "2",
         "--methods", "naive,kde", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Backtest, 2016-11 to 2016-12 (2 months)" in result.output
    # percentages, as the forecast page shows them, not fractions like 0.412
    assert re.search(r"naive\s*│\s*1%\s*│\s*\d+\.\d% \(\d+\.\d%\)", result.output)
    assert not re.search(r"\b0\.\d{3}\b", result.output)
    scores = pd.read_csv(out)
    assert set(scores["method"]) == {"naive", "kde"}
    assert len(scores) == 2 * 2 * 4
    assert {"hit_rate", "pai", "pei", "harm_capture"} <= set(scores.columns)


def test_backtest_on_lsoas(events_csv: Path) -> None:
    result = runner.invoke(
        app,
        ["forecast", "backtest", "--events", str(events_csv), "--last", "1", "--units", "lsoa",
         "--methods", "naive"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "LSOAs" in result.output


def test_methods_are_listed() -> None:
    result = runner.invoke(app, ["forecast", "methods"])
    assert result.exit_code == 0
    for name in ("naive", "prospective", "kde", "sepp", "lgbm", "ensemble"):
        assert name in result.output
