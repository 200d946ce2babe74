"""Reading a counts file: every bad input named by file, line and field, and exit 1 from the
CLI with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upstream.account.evaluation.series import SeriesError, check_start, read_counts
from upstream.cli import app

runner = CliRunner()


def _csv(tmp_path: Path, rows: list[str], header: str = "month,count") -> Path:
    path = tmp_path / "counts.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _months(n: int, first_year: int = 2018) -> list[str]:
    return [f"{first_year + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def _good(tmp_path: Path, n: int = 36) -> Path:
    return _csv(tmp_path, [f"{m},{5 + i % 4}" for i, m in enumerate(_months(n))])


def test_reads_a_complete_series_with_exposure(tmp_path: Path) -> None:
    rows = [f"{m},{i},{100 + i}" for i, m in enumerate(_months(24))]
    series = read_counts(_csv(tmp_path, rows[::-1], header="month,count,exposure"))
    assert str(series.months[0]) == "2018-01" and len(series.months) == 24
    assert series.frame["count"].tolist() == list(range(24))  # sorted by month
    assert series.frame["exposure"].iloc[3] == 103.0 and series.has_exposure


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        (["2018-01,3", "2018-13,4"], "month,count", "line 3, field 'month': '2018-13'"),
        (["2018-01,3", "2018-02,-1"], "month,count", "line 3, field 'count': -1 is negative"),
        (["2018-01,3", "2018-02,2.5"], "month,count", "line 3, field 'count': '2.5'"),
        (["2018-01,3", "2018-02,"], "month,count", "line 3, field 'count': ''"),
        (["2018-01,3", "2018-01,4"], "month,count", "line 3, field 'month': 2018-01 appears twice"),
        (["2018-01,3", "2018-03,4"], "month,count", "after line 2, field 'month': 2018-02 missing"),
        (["2018-01,3,0"], "month,count,exposure", "line 2, field 'exposure': '0'"),
        (["2018-01,3"], "month,n", "line 1: no 'count' column"),
        ([], "month,count", "no months after the header"),
    ],
)
def test_bad_files_name_file_line_and_field(
    tmp_path: Path, rows: list[str], header: str, expected: str
) -> None:
    path = _csv(tmp_path, rows, header)
    with pytest.raises(SeriesError) as info:
        read_counts(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_start_outside_or_too_early(tmp_path: Path) -> None:
    series = read_counts(_good(tmp_path, 36))
    assert str(check_start(series, "2019-01")) == "2019-01"
    for start, words in [
        ("2017-12", "outside the series"),
        ("2021-01", "outside the series"),
        ("2018-06", "leaves 5 months before it"),
        ("2019-1", "not a YYYY-MM month"),
    ]:
        with pytest.raises(SeriesError, match=words):
            check_start(series, start)


@pytest.mark.parametrize(
    ("rows", "start", "expected"),
    [
        ([f"{m},4" for m in _months(30) if m != "2019-05"], "2019-06", "2019-05 missing"),
        ([f"{m},4" for m in _months(30)] + ["2019-05,3"], "2019-06", "appears twice"),
        ([f"{m},{-1 if m == '2018-04' else 4}" for m in _months(30)], "2019-06", "negative"),
        ([f"{m},4" for m in _months(30)], "2022-01", "outside the series"),
        ([f"{m},4" for m in _months(30)], "2018-09", "pre-period months"),
        ([f"{m},0" for m in _months(30)], "2019-06", "field 'count': no offences before 2019-06"),
        ([f"{m},{4 if m < '2019-06' else 0}" for m in _months(30)], "2019-06", "no offences from"),
    ],
)
def test_cli_refuses_bad_input_with_one_line_and_exit_1(
    tmp_path: Path, rows: list[str], start: str, expected: str
) -> None:
    path = _csv(tmp_path, rows)
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["evaluate", "its", "--counts", str(path), "--start", start,
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_contract_writes_rate_ratio_and_interval(tmp_path: Path) -> None:
    rows = [f"{m},{(20 if m < '2020-01' else 10) + (i % 3)}" for i, m in enumerate(_months(48))]
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["evaluate", "its", "--counts", str(_csv(tmp_path, rows)),
                                 "--start", "2020-01", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["ci_low"] < data["rate_ratio"] < data["ci_high"] < 1
    assert 0.4 < data["rate_ratio"] < 0.6  # 21 a month before, 11 after
    assert data["n_pre"] == 24 and data["n_post"] == 24
    assert "lower than expected" in data["verdict"]
    assert data["placebo_time"]["n"] > 0


def test_cli_refuses_unknown_choices(tmp_path: Path) -> None:
    path = _good(tmp_path, 36)
    out = tmp_path / "r.json"
    for option, value in [("--errors", "robust"), ("--season", "weekly"), ("--method", "ols")]:
        result = runner.invoke(app, ["evaluate", "its", "--counts", str(path), "--start",
                                     "2019-06", "--out", str(out), option, value])  # fmt: skip
        assert result.exit_code == 1 and f"{option}: '{value}' is not one of" in result.output
    assert not out.exists()
    ok = runner.invoke(app, ["evaluate", "its", "--counts", str(path), "--start", "2019-06",
                             "--out", str(out), "--errors", "hac", "--no-placebo"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    data = json.loads(out.read_text())
    assert data["method"].endswith("+hac") and "placebo_time" not in data
