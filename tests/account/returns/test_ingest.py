"""Programme returns: import through the CLI into a real Parquet store, and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.account.returns import ete_participation, load_returns, returns_path
from upstream.cli import app
from upstream.config import Settings

runner = CliRunner()
HEADER = ["programme", "provider", "quarter", "measure", "category", "value"]


def a_return(programme: str = "streetbase", quarter: str = "2025Q1", n: int = 10) -> list[list]:
    """A whole, consistent return with ``n`` participants."""
    rows = [
        ["sessions", "", 12],
        ["participants", "", n],
        ["referrals_in", "", 4],
        ["referrals_out", "", 2],
        ["ete_starts", "", 3],
        ["participants_age", "15-17", n - 4],
        ["participants_age", "18-24", 4],
        ["participants_sex", "male", n - 3],
        ["participants_sex", "female", 3],
        ["participants_ethnicity", "Black", 5],
        ["participants_ethnicity", "White", n - 5],
        ["participants_area", "E01004336", n - 1],
        ["participants_area", "unknown", 1],
    ]
    return [[programme, "Streetbase CIC", quarter, *r] for r in rows]


def write(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_return_is_stored_and_gives_the_ete_series(tmp_path: Path, settings: Settings) -> None:
    rows = a_return(quarter="2025Q1", n=10) + a_return(programme="safe_spaces", n=20)
    rows += a_return(quarter="2025Q2", n=12)
    result = runner.invoke(app, ["returns", "import", str(write(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output
    stored = load_returns(settings)
    assert len(stored) == 39
    assert set(stored["source_file"]) == {"r.csv"}
    assert not stored["synthetic"].any()
    series = ete_participation(settings)
    assert series["quarter"].tolist() == ["2025Q1", "2025Q2"]
    assert series["participants"].tolist() == [30, 12]  # 10 + 20, then 12
    assert series["ete_starts"].tolist() == [6, 3]


def test_a_resent_return_replaces_the_one_held(tmp_path: Path, settings: Settings) -> None:
    first = write(tmp_path / "first.csv", a_return(n=10) + a_return(quarter="2025Q2"))
    assert runner.invoke(app, ["returns", "import", str(first)]).exit_code == 0
    again = runner.invoke(app, ["returns", "import", str(first)])
    assert again.exit_code == 0
    assert len(load_returns(settings)) == 26  # not doubled
    corrected = write(tmp_path / "corrected.csv", a_return(n=15))
    result = runner.invoke(app, ["returns", "import", str(corrected)])
    assert result.exit_code == 0, result.output
    assert "replaced the return held for streetbase 2025Q1" in result.output
    stored = load_returns(settings)
    assert len(stored) == 26
    q1 = stored[(stored["quarter"] == "2025Q1") & (stored["measure"] == "participants")]
    assert q1["value"].tolist() == [15]
    assert q1["source_file"].tolist() == ["corrected.csv"]
    q2 = stored[(stored["quarter"] == "2025Q2") & (stored["measure"] == "participants")]
    assert q2["source_file"].tolist() == ["first.csv"]  # the other return is untouched


@pytest.mark.parametrize(
    ("line", "field", "value", "reason"),
    [
        (3, "value", "ten", "value must be a whole number"),
        (3, "value", "-1", "value must be a whole number"),
        (2, "quarter", "2025-Q1", "quarter must be YYYYQn"),
        (2, "quarter", "abcdQ1", "quarter must be YYYYQn"),
        (2, "quarter", "2100Q1", "quarter has not started yet"),
        (7, "category", "16-17", "category for participants_age must be one of"),
        (13, "category", "Hoe Street", "category for participants_area must be a GSS code"),
        (2, "programme", "Streetbase Outreach", "programme must be an id"),
        (4, "measure", "referals_in", "measure must be one of"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_stored(
    tmp_path: Path, settings: Settings, line: int, field: str, value: str, reason: str
) -> None:
    held = write(tmp_path / "held.csv", a_return(quarter="2024Q4"))
    assert runner.invoke(app, ["returns", "import", str(held)]).exit_code == 0
    before = returns_path(settings.data_dir).read_bytes()
    rows = a_return()
    rows[line - 2][HEADER.index(field)] = value
    bad = write(tmp_path / "bad.csv", rows)
    result = runner.invoke(app, ["returns", "import", str(bad)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert f"bad.csv, line {line}, field '{field}': {reason}" in message
    assert "Nothing was stored" in message
    assert returns_path(settings.data_dir).read_bytes() == before
    (qfile,) = settings.quarantine_dir.glob("*bad.csv.rejected.csv")
    quarantine = pd.read_csv(qfile, dtype=str, keep_default_na=False)
    assert len(quarantine) == 13  # the return is refused whole
    first = quarantine[quarantine["line"] == str(line)].iloc[0]
    assert first["field"] == field and reason in first["reason"]
    whole = quarantine["reason"].str.contains("refused whole").sum()
    # a bad programme or quarter takes its row out of the return, which then lacks it
    assert whole == (11 if field in ("programme", "quarter") else 12)


def test_a_breakdown_that_does_not_add_up_refuses_that_return_only(
    tmp_path: Path, settings: Settings
) -> None:
    rows = a_return(quarter="2025Q1") + a_return(quarter="2025Q2")
    rows[5][-1] = 5  # 15-17 band of the first return: 5 + 4 = 9, but participants is 10
    path = write(tmp_path / "sums.csv", rows)
    refused = runner.invoke(app, ["returns", "import", str(path)])
    assert refused.exit_code == 1
    message = " ".join(refused.output.split())
    assert (
        "sums.csv, line 7, field 'value': participants_age rows add up to 9 but participants "
        "is 10 (line 3)" in message
    )
    kept = runner.invoke(app, ["returns", "import", "--max-rejects", "13", str(path)])
    assert kept.exit_code == 0, kept.output
    stored = load_returns(settings)
    assert stored["quarter"].unique().tolist() == ["2025Q2"]
    assert len(stored) == 13


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows.pop(4), "line 2, field 'measure': the return has no ete_starts row"),
        (lambda rows: rows.append(rows[0][:]), "line 15, field 'measure': sessions is given twice"),
        (
            lambda rows: rows[4].__setitem__(-1, 11),
            "line 6, field 'value': ete_starts (11) exceeds participants (10)",
        ),
        (
            lambda rows: rows[3].__setitem__(1, "Another provider"),
            "line 5, field 'provider': provider 'Another provider' differs",
        ),
    ],
)
def test_a_return_that_is_not_whole_is_refused(tmp_path: Path, change, expected: str) -> None:
    rows = a_return()
    change(rows)
    result = runner.invoke(app, ["returns", "import", str(write(tmp_path / "r.csv", rows))])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())


def test_a_column_that_could_identify_someone_refuses_the_file(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [[*r, "Jane Smith"] for r in a_return()]
    path = write(tmp_path / "names.csv", rows, [*HEADER, "Participant name"])
    result = runner.invoke(app, ["returns", "import", str(path)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert (
        "names.csv, line 1, field 'Participant name': this column looks like it identifies"
        in message
    )
    assert "Jane" not in result.output
    assert not returns_path(settings.data_dir).exists()
    assert not any(settings.quarantine_dir.glob("*")) if settings.quarantine_dir.exists() else True


def test_the_same_return_in_two_files_is_refused(tmp_path: Path, settings: Settings) -> None:
    one = write(tmp_path / "one.csv", a_return())
    two = write(tmp_path / "two.csv", a_return(n=12))
    result = runner.invoke(app, ["returns", "import", str(one), str(two)])
    assert result.exit_code == 1
    assert "return streetbase 2025Q1 is also in" in " ".join(result.output.split())
    assert not returns_path(settings.data_dir).exists()


def test_an_xlsx_return_is_read_with_row_numbers(tmp_path: Path, settings: Settings) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in a_return():
        sheet.append(row)
    path = tmp_path / "return.xlsx"
    book.save(path)
    assert runner.invoke(app, ["returns", "import", str(path)]).exit_code == 0
    assert int(load_returns(settings)["value"].sum()) > 0
    sheet.cell(row=3, column=6, value=-2)
    book.save(path)
    result = runner.invoke(app, ["returns", "import", str(path)])
    assert result.exit_code == 1
    assert "return.xlsx, row 3, field 'value'" in " ".join(result.output.split())


def test_categories_are_read_without_regard_to_case(tmp_path: Path, settings: Settings) -> None:
    rows = a_return()
    rows[7][4] = "Male"
    rows[9][4] = "black, black british, black welsh, caribbean or african"
    rows[11][4] = "e01004336"
    rows[1][3] = "Participants"
    path = write(tmp_path / "case.csv", rows)
    result = runner.invoke(app, ["returns", "import", str(path)])
    assert result.exit_code == 0, result.output
    stored = load_returns(settings)
    assert {"male", "Black", "E01004336"} <= set(stored["category"])
    assert "participants" in set(stored["measure"])


def test_with_no_returns_reach_says_so(settings: Settings) -> None:
    from upstream.account.returns.reach_inputs import reach
    from upstream.account.returns.section import reach_section

    assert reach_section(settings) == {
        "available": False,
        "reason": "No programme returns are held yet.",
    }
    with pytest.raises(LookupError, match="no programme returns are held at all"):
        reach(settings)
    assert ete_participation(settings).empty


def test_a_file_whose_every_row_is_malformed_is_named(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "short.csv"
    path.write_text(",".join(HEADER) + "\nstreetbase,X,2025Q1,sessions\n")
    result = runner.invoke(app, ["returns", "import", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "short.csv, line 2" in " ".join(result.output.split())
    assert not returns_path(settings.data_dir).exists()
