"""Survey import through the CLI into a real Parquet store, and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from typer.testing import CliRunner

from tests.account.survey.helpers import respondent, write
from upstream.account.survey import load_responses, responses_path
from upstream.cli import app
from upstream.config import Settings

runner = CliRunner()


def test_a_wave_is_stored_with_codes_normalised(tmp_path: Path, settings: Settings) -> None:
    rows = [respondent(i) for i in range(5)]
    rows[1] |= {"worry_knife_crime": "Not at all worried", "safe_after_dark": "Don't know",
                "ethnic_group": "white", "sex": "MALE"}  # fmt: skip
    rows[2] |= {"fear_affects_life": "", "area": "e05009999"}
    result = runner.invoke(app, ["survey", "import", str(write(tmp_path / "w.csv", rows))])
    assert result.exit_code == 0, result.output
    stored = load_responses(settings)
    assert len(stored) == 5
    assert set(stored["wave"]) == {"2025Q1"}
    one = stored.set_index("respondent_id").loc["R0001"]
    assert one["worry_knife_crime"] == "not_at_all_worried"
    assert one["safe_after_dark"] == "dont_know"
    assert (one["ethnic_group"], one["sex"]) == ("White", "male")
    two = stored.set_index("respondent_id").loc["R0002"]
    assert pd.isna(two["fear_affects_life"])  # not asked: left out of the base
    assert two["area"] == "E05009999"
    assert stored["weight"].tolist() == [1.0] * 5


def test_reimport_is_idempotent_and_a_wave_is_replaced(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "w.csv", [respondent(i) for i in range(4)])
    for _ in range(2):
        assert runner.invoke(app, ["survey", "import", str(path)]).exit_code == 0
    first = load_responses(settings)
    assert len(first) == 4
    write(path, [respondent(i, weight="2") for i in range(3)])
    result = runner.invoke(app, ["survey", "import", str(path)])
    assert "replaced the wave held for 2025Q1" in result.output
    again = load_responses(settings)
    assert len(again) == 3 and again["weight"].tolist() == [2.0] * 3


def test_missing_weight_unknown_code_and_impossible_wave_are_quarantined(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [respondent(i) for i in range(6)]
    rows[1]["weight"] = ""
    rows[2]["confidence_police"] = "maybe"
    rows[3]["wave_date"] = "2099-01-01"
    rows[4]["weight"] = "-1"
    path = write(tmp_path / "bad.csv", rows)
    result = runner.invoke(app, ["survey", "import", str(path)])
    assert result.exit_code == 1
    assert "bad.csv, line 3, field 'weight': weight is missing" in result.output
    assert "Nothing was stored" in result.output
    assert not responses_path(settings.data_dir).exists()
    quarantine = list(settings.quarantine_dir.glob("*.rejected.csv"))
    assert len(quarantine) == 1
    with quarantine[0].open(encoding="utf-8") as fh:
        found = {(r["line"], r["field"]) for r in csv.DictReader(fh)}
    assert found == {("3", "weight"), ("4", "confidence_police"), ("5", "wave_date"),
                     ("6", "weight")}  # fmt: skip
    # with enough allowance the good rows are stored and the bad stay in quarantine
    result = runner.invoke(app, ["survey", "import", str(path), "--max-rejects", "4"])
    assert result.exit_code == 0, result.output
    assert sorted(load_responses(settings)["respondent_id"]) == ["R0000", "R0005"]


def test_an_early_wave_and_a_repeated_respondent_are_refused(tmp_path: Path) -> None:
    rows = [respondent(0), respondent(1, wave_date="1899-12-31"), respondent(0)]
    result = runner.invoke(app, ["survey", "import", str(write(tmp_path / "r.csv", rows))])
    assert result.exit_code == 1
    assert "line 3, field 'wave_date'" in result.output
    assert "impossible wave" in result.output
    quarantine = next(Path(tmp_path / "var").rglob("*.rejected.csv")).read_text()
    assert "respondent_id is given twice in wave 2025Q1 (first at line 2)" in quarantine


def test_a_name_column_refuses_the_file(tmp_path: Path, settings: Settings) -> None:
    rows = [respondent(0) | {"Full name": "Jo Bloggs"}]
    result = runner.invoke(app, ["survey", "import", str(write(tmp_path / "n.csv", rows))])
    assert result.exit_code == 1
    assert "n.csv, line 1, field 'Full name': this column looks like it identifies" in result.output
    assert "Jo Bloggs" not in result.output
    assert not responses_path(settings.data_dir).exists()
    assert not list(settings.quarantine_dir.glob("*"))


def test_xlsx_rows_are_named_by_row(tmp_path: Path, settings: Settings) -> None:
    rows = [respondent(i) for i in range(3)]
    rows[2]["tenure"] = "castle"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append(list(r.values()))
    path = tmp_path / "w.xlsx"
    book.save(path)
    result = runner.invoke(app, ["survey", "import", str(path)])
    assert result.exit_code == 1
    assert "w.xlsx, row 4, field 'tenure'" in result.output
    assert runner.invoke(app, ["survey", "import", str(path), "--max-rejects", "1"]).exit_code == 0
    assert len(load_responses(settings)) == 2


def test_xlsx_date_cells_and_numeric_weights_are_read(tmp_path: Path, settings: Settings) -> None:
    from datetime import datetime

    rows = [respondent(i) for i in range(2)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for r in rows:
        cells = list(r.values())
        cells[1] = 1.25  # weight as a number
        cells[2] = datetime(2025, 7, 14)  # an Excel date cell
        sheet.append(cells)
    path = tmp_path / "dates.xlsx"
    book.save(path)
    result = runner.invoke(app, ["survey", "import", str(path)])
    assert result.exit_code == 0, result.output
    stored = load_responses(settings)
    assert stored["wave"].tolist() == ["2025Q3", "2025Q3"]
    assert stored["weight"].tolist() == [1.25, 1.25]
