"""``plan spaces``: the command reads, validates, plans and writes, or fails in one line."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import STREET_PARQUET
from upstream.area import Area
from upstream.plan.commands_kit import app
from upstream.plan.spaces import TABLE_COLUMNS
from upstream.synth.kit import demo_safe_spaces

runner = CliRunner()


@pytest.fixture
def spaces_csv(tmp_path: Path, area: Area) -> Path:
    path = tmp_path / "spaces.csv"
    demo_safe_spaces(area).to_csv(path, index=False)
    return path


def _run(*args: str) -> object:
    return runner.invoke(
        app, ["spaces", "--events", str(STREET_PARQUET), "--until", "2017-12", *args]
    )


def test_spaces_writes_spaces_proposals_and_gaps(spaces_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "spaces.csv"
    result = _run("--spaces", str(spaces_csv), "--add", "3", "--walk", "300", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    assert "within 300 m" in result.output.replace("\n", " ")
    table = pd.read_csv(out)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert (table["role"] == "proposed").sum() == 3
    assert table.loc[table["role"] == "proposed", "rank"].tolist() == [1, 2, 3]
    assert table["role"].str.startswith("gap").any()
    assert table["reason"].notna().all()
    assert table.loc[table["role"].isin(["open", "not open"]), "synthetic"].all()


def test_candidate_file_and_k_too_large(spaces_csv: Path, tmp_path: Path) -> None:
    candidates = tmp_path / "cands.csv"
    with candidates.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "address", "easting", "northing", "opening_hours"])
        writer.writerow(["Corner A", "", "537300", "189300", ""])
        writer.writerow(["Corner B", "", "538900", "188500", "Mon-Fri 09:00-18:00"])
    ok = _run("--spaces", str(spaces_csv), "--candidates", str(candidates), "--add", "2")
    assert ok.exit_code == 0, ok.output
    assert "Corner A" in ok.output and "Corner B" in ok.output
    too_many = _run("--spaces", str(spaces_csv), "--candidates", str(candidates), "--add", "3")
    assert too_many.exit_code == 1
    assert "3 site(s) asked for but only 2 candidate site(s)" in too_many.output


def test_bad_input_fails_in_one_line_and_writes_nothing(spaces_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    bad = tmp_path / "bad.csv"
    frame = pd.read_csv(spaces_csv, dtype=str, keep_default_na=False)
    frame.loc[2, "opening_hours"] = "9 till late"
    frame.to_csv(bad, index=False)
    env = {**os.environ, "UPSTREAM_DATA_DIR": str(tmp_path / "var")}
    cmd = [sys.executable, "-c", "from upstream.plan.commands_kit import app; app()", "spaces",
           "--events", str(STREET_PARQUET), "--until", "2017-12", "--spaces", str(bad),
           "--out", str(out)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("read ")]
    assert len(lines) == 1, done.stderr  # the events file's account, then one error line
    assert lines[0].startswith("error:") and "line 4, field 'opening_hours'" in lines[0]
    assert not out.exists()
    assert (tmp_path / "var" / "quarantine" / "bad.csv.rejected.csv").exists()
    # within --max-rejects, the plan is made without that row
    allowed = subprocess.run([*cmd, "--max-rejects", "1"], capture_output=True, text=True,
                             env=env, check=False)  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    assert "1 row(s) set aside" in allowed.stderr
    assert len(pd.read_csv(out).query("role in ['open', 'not open']")) == len(frame) - 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--window", "17:30-15:00"], "closing time must be after opening time"),
        (["--walk", "0"], "walking distance must be positive"),
        (["--journeys-weight", "1.5", "--add", "1"], "between 0 and 1"),
        (["--add", "-1"], "0 or more"),
    ],
)
def test_bad_parameters_exit_1(spaces_csv: Path, args: list[str], says: str) -> None:
    result = _run("--spaces", str(spaces_csv), *args)
    assert result.exit_code == 1
    assert says in result.output


def test_unknown_column_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "spaces.csv"
    path.write_text("name,address,easting,northing,opening_hours,phone\n"
                    "A,,537300,189200,closed,0700\n", encoding="utf-8")  # fmt: skip
    result = _run("--spaces", str(path))
    assert result.exit_code == 1
    assert "spaces.csv, line 1, field 'phone': unknown column" in result.output.replace("\n", "")


def test_output_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    path = tmp_path / "spaces.csv"
    path.write_text("name,address,easting,northing,opening_hours\n"
                    '"=HYPERLINK(""http://x"")",,537300,189200,Mon-Fri 09:00-19:00\n',
                    encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    result = _run("--spaces", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    names = pd.read_csv(out)["name"].dropna().tolist()
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(str(n).startswith("=") for n in names)
