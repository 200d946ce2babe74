"""``upstream plan emerging`` through typer's CliRunner, on the bundled real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import STREET_PARQUET
from tests.forecast.conftest import write_events_csv
from tests.web.conftest import bundled_settings  # noqa: F401
from upstream.area import Area, study_grid
from upstream.config import Settings
from upstream.plan.commands_emerging import OUTPUT_COLUMNS, app, write_cells

runner = CliRunner()


def _plan() -> typer.Typer:
    """The app folded into a ``plan`` group as the lead folds it (add_typer, no name)."""
    plan = typer.Typer()

    @plan.callback()
    def group() -> None:
        """Plans."""

    plan.add_typer(app)
    return plan


def _run(*args: str) -> object:
    return runner.invoke(_plan(), ["emerging", *args])


def test_emerging_writes_every_cell_and_a_summary(tmp_path: Path, area: Area) -> None:
    out = tmp_path / "emerging.csv"
    result = _run("--events", str(STREET_PARQUET), "--until", "2017-12", "--out", str(out))
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out)
    assert tuple(cells.columns) == OUTPUT_COLUMNS
    assert len(cells) == len(study_grid(area, 250)) and (cells["cell_size"] == 250).all()
    assert (cells["x_min"] % 250 == 0).all() and (cells["slices"] == 21).all()
    assert (cells["category"] == "persistent").sum() >= 3
    text = " ".join(result.output.split())
    assert "21 months from 2016-04 to 2017-12, 250 m cells" in text
    assert "(no data for 2016-01 to 2016-03)" in text
    assert "Persistent hot spot" in text and "Gillards Way" in text
    assert not list(tmp_path.glob(".*.tmp"))


def test_help_names_the_default_cell_size() -> None:
    from upstream.analysis.emerging import DEFAULT_CELL

    text = " ".join(_run("--help").output.split())
    assert f"Grid cell size; default {DEFAULT_CELL} (sparse counts" in text


def test_quarters_and_cell_size(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    result = _run(
        "--events", str(STREET_PARQUET), "--until", "2017-12", "--slice", "quarter",
        "--cell", "300", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out)
    assert (cells["slices"] == 7).all() and (cells["cell_size"] == 300).all()
    assert "7 quarters from 2016-04 to 2017-12, 300 m cells" in " ".join(result.output.split())
    odd = _run("--events", str(STREET_PARQUET), "--until", "2017-11", "--slice", "quarter")
    assert odd.exit_code == 0, odd.output
    text = " ".join(odd.output.split())
    assert "6 quarters from 2016-06 to 2017-11" in text
    assert "(no data for 2015-12 to 2016-03; 2016-04, 2016-05 not a whole quarter)" in text


@pytest.fixture(scope="module")
def short_csv(tmp_path_factory: pytest.TempPathFactory, street_rows: pd.DataFrame) -> Path:
    rows = street_rows[street_rows["month"] <= "2016-08"]  # five months
    return write_events_csv(rows, tmp_path_factory.mktemp("emerging") / "short.csv")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2016-13"], "--until must be a month YYYY-MM, got '2016-13'"),
        (["--until", "2016-08"], "only 5 month(s) of data from 2016-04 to 2016-08"),
        (["--until", "2017-01"], "--until 2017-01 is outside the data (2016-04 to 2016-08)"),
        (["--until", "2016-08", "--slice", "week"], "--slice must be month or quarter"),
        ([], "give --until YYYY-MM"),
        (["--until", "2016-08", "--fdr", "1.5"], "--fdr must be between 0 and 1"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    short_csv: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.csv"
    result = _run("--events", str(short_csv), "--out", str(out), *args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in lines[0], result.output
    assert not out.exists()


def test_bad_file_and_no_events(tmp_path: Path, street_rows: pd.DataFrame) -> None:
    rows = street_rows[street_rows["month"] == "2017-01"].head(10).copy()
    rows.iloc[4, rows.columns.get_loc("month")] = "January"
    bad = write_events_csv(rows, tmp_path / "bad.csv")
    result = _run("--events", str(bad), "--until", "2017-01")
    assert result.exit_code == 1
    assert "bad.csv" in result.output and "line 6" in result.output
    calm = street_rows[
        ~street_rows["crime_type"].isin(
            ["Violence and sexual offences", "Robbery", "Possession of weapons"]
        )
    ]
    header = write_events_csv(street_rows.head(0), tmp_path / "header.csv")
    result = _run("--events", str(header), "--until", "2017-01")
    assert result.exit_code == 1 and "header but no rows" in result.output
    away = write_events_csv(rows.assign(longitude=-1.5, month="2017-01"), tmp_path / "away.csv")
    result = _run("--events", str(away), "--until", "2017-01")
    assert result.exit_code == 1 and "away.csv: no events inside the area" in result.output
    quiet = write_events_csv(calm, tmp_path / "quiet.csv")
    result = _run("--events", str(quiet), "--until", "2017-12")
    assert result.exit_code == 1
    assert "no serious-violence events inside the area from 2016-04 to 2017-12" in result.output


def test_empty_store_and_the_bundled_store(
    bundled_settings: Settings,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = _run("--until", "2017-12")
    assert empty.exit_code == 1 and "no street-level crime in the event store" in empty.output
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    loaded = _run("--until", "2017-12")
    assert loaded.exit_code == 0, loaded.output
    assert "Persistent hot spot" in loaded.output and "Gillards Way" in loaded.output


def test_output_is_written_atomically_and_safely(tmp_path: Path) -> None:
    cells = pd.DataFrame([dict.fromkeys(OUTPUT_COLUMNS, 1.0)])
    cells["place"] = '=HYPERLINK("http://x")'
    path = tmp_path / "deep" / "out.csv"
    write_cells(cells, path)
    written = pd.read_csv(path)
    assert written["place"].iloc[0].startswith("'=")

    # a failure part way leaves the old file whole and no temporary file behind
    class Unwritable:
        def __str__(self) -> str:
            raise OSError(28, "No space left on device")

    broken = pd.concat([cells, cells], ignore_index=True).astype(object)
    broken.loc[1, "reason"] = Unwritable()
    with pytest.raises(OSError, match="No space"):
        write_cells(broken, path)
    assert pd.read_csv(path).equals(written) and not list(path.parent.glob(".*"))
