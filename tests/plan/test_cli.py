"""The command-line contract: upstream plan posts / rota on the bundled real police.uk data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import STREET_PARQUET
from upstream.area import Area
from upstream.cli import app
from upstream.config import Settings
from upstream.plan.journeys import secondary_schools

runner = CliRunner()


@pytest.fixture(scope="module")
def posts_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("plan") / "posts.csv"
    result = runner.invoke(
        app,
        ["plan", "posts", "--events", str(STREET_PARQUET), "--until", "2017-12",
         "--teams", "10", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result.output


def _run(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["plan", *args])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def test_posts_writes_the_contract_columns_in_bng(posts_csv: tuple[Path, str], area: Area) -> None:
    out, output = posts_csv
    posts = pd.read_csv(out)
    assert list(posts.columns[:3]) == ["post_id", "easting", "northing"]
    assert {"reason", "street", "schools", "expected", "recent_events", "marginal_gain"} <= set(
        posts.columns
    )
    assert len(posts) == 10 and posts["post_id"].is_unique
    assert area.contains(posts["easting"], posts["northing"]).all()
    schools = secondary_schools(area)
    for x, y in zip(posts["easting"], posts["northing"], strict=True):
        assert ((schools["x"] - x) ** 2 + (schools["y"] - y) ** 2).min() <= 1000**2
    assert posts["reason"].str.startswith("Stands").all()
    assert "wrote 10 posts" in output and "all-day risk" in output
    assert not list(out.parent.glob(".*.tmp"))  # written atomically


def test_rota_from_a_posts_file_and_as_html(posts_csv: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = posts_csv
    rota, page = tmp_path / "rota.csv", tmp_path / "rota.html"
    code, lines = _run(
        "rota", "--posts", str(out), "--teams", "4", "--week", "2025-03-03",
        "--shift-hours", "1.25", "--out", str(rota), "--html", str(page),
    )  # fmt: skip
    assert code == 0, lines
    table = pd.read_csv(rota)
    assert len(table) == 5 * 2 * 4 and set(table["post_id"]) <= set(pd.read_csv(out)["post_id"])
    assert "Safer Routes rota" in page.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2017-12", "--teams", "0"], "--teams must be 1 or more"),
        (["--until", "2017-12", "--teams", "5000"], "--teams 5000 is more than the"),
        (["--until", "17-12", "--teams", "3"], "--until must be a month YYYY-MM"),
        (["--until", "2019-01", "--teams", "3"], "outside the data"),
        (["--until", "2016-01", "--teams", "3"], "no serious-violence crimes"),
        (["--until", "2017-12", "--teams", "3", "--window", "17:30-15:00"], "is empty"),
        (["--until", "2017-12", "--teams", "3", "--recurrence", "1.5"], "--recurrence must be"),
    ],
)
def test_posts_refusals_are_one_line_and_exit_1(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "posts.csv"
    code, lines = _run("posts", "--events", str(STREET_PARQUET), *args, "--out", str(out))
    errors = [line for line in lines if line.startswith("error:")]
    assert code == 1 and len(errors) == 1 and message in errors[0], lines
    assert not out.exists()


def test_bad_files_are_named(tmp_path: Path) -> None:
    code, lines = _run(
        "posts", "--events", str(tmp_path / "none.csv"), "--until", "2017-12", "--teams", "3",
        "--out", str(tmp_path / "p.csv"),
    )  # fmt: skip
    assert code == 1 and lines == [f"error: {tmp_path / 'none.csv'}: file not found"]
    bad = tmp_path / "posts.csv"
    bad.write_text("post_id,easting,northing\nP01,537000,189000\nP02,537,abc\n")
    code, lines = _run("rota", "--posts", str(bad), "--teams", "2", "--out", str(tmp_path / "r"))
    assert code == 1 and len(lines) == 1
    assert "posts.csv, line 3, field 'northing'" in lines[0]
    bad.write_text("id,x,y\n1,2,3\n")
    code, lines = _run("rota", "--posts", str(bad), "--teams", "2", "--out", str(tmp_path / "r"))
    assert code == 1 and "missing column(s) post_id, easting, northing" in lines[0]


def test_a_holiday_week_gives_an_empty_rota_with_the_reason(
    posts_csv: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = posts_csv
    rota = tmp_path / "rota.csv"
    code, lines = _run(
        "rota", "--posts", str(out), "--teams", "3", "--week", "2025-12-24", "--out", str(rota)
    )
    assert code == 0 and any("has no school days" in line for line in lines)
    assert pd.read_csv(rota).empty


def test_without_events_an_empty_store_is_named(tmp_path: Path) -> None:
    code, lines = _run(
        "posts", "--until", "2017-12", "--teams", "3", "--out", str(tmp_path / "p.csv")
    )
    assert code == 1 and "no street-level crime in the event store" in lines[-1]


def test_without_events_the_store_is_planned_from(
    bundled_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the demo store: real police.uk street crime to 2017-12 and synthetic incidents from
    # 2021, so none of the incidents is before --until and the posts use all-day risk
    monkeypatch.setenv("UPSTREAM_DATA_DIR", str(bundled_settings.data_dir))
    out = tmp_path / "posts.csv"
    code, lines = _run("posts", "--until", "2017-12", "--teams", "5", "--out", str(out))
    assert code == 0, lines
    posts = pd.read_csv(out)
    assert len(posts) == 5 and posts["street"].notna().sum() >= 4
    assert not posts["synthetic"].any()
    assert any("only 0 timed serious-violence incident(s) up to 2017-12" in ln for ln in lines)


def test_posts_defaults_are_the_validated_corridor_blend_and_method(
    posts_csv: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = posts_csv
    explicit, before = tmp_path / "explicit.csv", tmp_path / "before.csv"
    shipped = ["--corridor", "250", "--recurrence", "0", "--method", "ensemble"]
    previous = ["--corridor", "250", "--recurrence", "0.5", "--method", "lgbm"]
    for path, extra in ((explicit, shipped), (before, previous)):
        code, lines = _run(
            "posts", "--events", str(STREET_PARQUET), "--until", "2017-12", "--teams", "10",
            *extra, "--out", str(path),
        )  # fmt: skip
        assert code == 0, lines
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(explicit))
    assert not pd.read_csv(out)[["easting", "northing"]].equals(
        pd.read_csv(before)[["easting", "northing"]]
    )
    help_text = runner.invoke(app, ["plan", "posts", "--help"], terminal_width=200).output
    assert "Default 250." in help_text and "Default 0." in help_text
    assert "Default ensemble." in help_text


def test_posts_unknown_method_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    code, lines = _run(
        "posts", "--events", str(STREET_PARQUET), "--until", "2017-12", "--teams", "10",
        "--method", "crystal-ball", "--out", str(out),
    )  # fmt: skip
    assert code == 1
    text = " ".join(lines)
    assert "unknown --method 'crystal-ball'" in text and "ensemble" in text
    assert not out.exists()
