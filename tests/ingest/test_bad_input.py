"""Bad input: a clear message naming file, line and field, a non-zero exit, and a store left
exactly as it was before the command."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from upstream.cli import app
from upstream.events import EventStore
from upstream.testing import STREET_HEADER, write_police_uk_zip, write_street_csv

runner = CliRunner()


def snapshot(root: Path) -> dict[str, str]:
    """Every file in the store and a hash of its bytes (the lock file aside)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def loaded(tmp_path, street_rows, settings):
    """A store already holding 2016-04 and 2016-05, and its snapshot."""
    files = write_street_csv(
        street_rows[street_rows.month.isin(["2016-04", "2016-05"])], tmp_path / "good"
    )
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", *map(str, files)])
    assert result.exit_code == 0, result.output
    return snapshot(settings.events_dir)


@pytest.fixture
def june(tmp_path, street_rows) -> Path:
    """A good official CSV for 2016-06, to be damaged by each test."""
    (path,) = write_street_csv(street_rows[street_rows.month == "2016-06"], tmp_path / "june")
    return path


def edit_lines(path: Path, edit) -> Path:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(edit(lines)))
    return path


def run_fails(settings, before, *args: str) -> str:
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", *args])
    assert result.exit_code != 0, result.output
    assert snapshot(settings.events_dir) == before, "the store changed after a failed ingest"
    assert "Nothing was written to the event store" in result.output
    return " ".join(result.output.split())


def test_missing_column(loaded, settings, june):
    edit_lines(june, lambda ls: [",".join(next(csv.reader([line]))[:-1]) + "\n" for line in ls])
    out = run_fails(settings, loaded, str(june))
    assert june.name in out and "line 1" in out and "missing column(s) 'Context'" in out


def test_renamed_column(loaded, settings, june):
    edit_lines(june, lambda ls: [ls[0].replace("Crime type", "Crime Type"), *ls[1:]])
    out = run_fails(settings, loaded, str(june))
    assert "line 1, field 'Crime type'" in out and "'Crime Type'" in out


def test_malformed_row_is_refused_then_quarantined_on_request(loaded, settings, june, tmp_path):
    edit_lines(june, lambda ls: [*ls[:10], "abc,2016-06,short row\n", *ls[10:]])
    out = run_fails(settings, loaded, str(june))
    assert f"{june.name}, line 11" in out and "3 fields" in out
    quarantine = next(settings.quarantine_dir.glob("*.rejected.csv"))
    rejected = pd.read_csv(quarantine)
    assert rejected.line.tolist() == [11] and "3 fields" in rejected.reason[0]
    # A row that cannot be split into the header's columns cannot say which cell is which,
    # so none of its text is copied (it could hold anything): the line number finds it.
    assert "short row" not in quarantine.read_text()
    # The user accepts the file with the bad row quarantined: the rest is stored.
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", "--max-rejects", "1", str(june)])
    assert result.exit_code == 0, result.output
    n_lines = len(june.read_text().splitlines())
    stored = EventStore(settings.events_dir).query(
        "SELECT count(*) AS n FROM street WHERE month = '2016-06'"
    )["n"][0]
    assert stored == n_lines - 2  # header and the bad row
    assert EventStore(settings.events_dir).coverage()["police_uk_street"]["quarantined"] == 1


def test_bad_value_names_line_and_field(loaded, settings, june):
    def damage(ls):
        cells = next(csv.reader([ls[5]]))
        cells[4] = "abc"  # Longitude
        return [*ls[:5], ",".join(cells) + "\n", *ls[6:]]

    edit_lines(june, damage)
    out = run_fails(settings, loaded, str(june))
    assert "line 6, field 'Longitude'" in out and "'abc'" in out


def test_unknown_crime_type(loaded, settings, june):
    edit_lines(june, lambda ls: [*ls[:3], ls[3].replace(",", ",", 0), *ls[4:]])
    edit_lines(june, lambda ls: [*ls[:3], _set_cell(ls[3], 9, "Knife crime"), *ls[4:]])
    out = run_fails(settings, loaded, str(june))
    assert "line 4, field 'Crime type'" in out and "not a police.uk crime type" in out


def _set_cell(line: str, index: int, value: str) -> str:
    cells = next(csv.reader([line]))
    cells[index] = value
    out = []
    for c in cells:
        quoted = '"' + c.replace('"', '""') + '"'
        out.append(quoted if any(ch in c for ch in ',"\n') else c)
    return ",".join(out) + "\n"


def test_wrong_month_in_file(loaded, settings, june):
    edit_lines(june, lambda ls: [*ls[:7], _set_cell(ls[7], 1, "2016-07"), *ls[8:]])
    out = run_fails(settings, loaded, str(june))
    assert "line 8, field 'Month'" in out and "2016-06" in out


def test_empty_file(loaded, settings, tmp_path):
    empty = tmp_path / "2016-06-metropolitan-street.csv"
    empty.write_bytes(b"")
    out = run_fails(settings, loaded, str(empty))
    assert empty.name in out and "empty" in out


def test_header_only_file(loaded, settings, tmp_path):
    path = tmp_path / "2016-06-metropolitan-street.csv"
    path.write_text(",".join(STREET_HEADER) + "\n")
    out = run_fails(settings, loaded, str(path))
    assert "header but no rows" in out


def test_not_a_csv(loaded, settings, tmp_path):
    path = tmp_path / "2016-06-metropolitan-street.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = run_fails(settings, loaded, str(path))
    assert path.name in out and "binary" in out
    other = tmp_path / "crimes.txt"
    other.write_text("hello")
    out = run_fails(settings, loaded, str(other))
    assert "not a CSV, Parquet, XLSX or zip file" in out


def test_truncated_zip(loaded, settings, june, tmp_path):
    archive = write_police_uk_zip([june], tmp_path / "archive.zip")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    out = run_fails(settings, loaded, str(archive))
    assert "archive.zip" in out and "truncated" in out


def test_corrupt_zip_member(loaded, settings, june, tmp_path):
    archive = write_police_uk_zip([june], tmp_path / "archive.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    archive.write_bytes(bytes(data))
    out = run_fails(settings, loaded, str(archive))
    assert "archive.zip" in out


def test_a_bad_second_file_commits_nothing_from_the_first(loaded, settings, street_rows, tmp_path):
    good, bad = write_street_csv(
        street_rows[street_rows.month.isin(["2016-08", "2016-09"])], tmp_path / "two"
    )
    edit_lines(bad, lambda ls: [ls[0].replace("Location", "Place"), *ls[1:]])
    run_fails(settings, loaded, str(good), str(bad))
    assert "2016-08" not in EventStore(settings.events_dir).coverage()["police_uk_street"]["months"]


def test_unrecognised_file_name(loaded, settings, june, tmp_path):
    renamed = june.rename(tmp_path / "june-crimes.csv")
    out = run_fails(settings, loaded, str(renamed))
    assert "file name must be data.police.uk's" in out


def test_missing_path(loaded, settings, tmp_path):
    out = run_fails(settings, loaded, str(tmp_path / "nope"))
    assert "no such file or folder" in out


def test_real_process_exit_code(tmp_path):
    """The installed console script itself exits non-zero with the message on stderr."""
    path = tmp_path / "2016-06-metropolitan-street.csv"
    path.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "upstream.cli", "ingest", "police-uk", "--quiet", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert path.name in proc.stderr and "empty" in proc.stderr


# ---- issue 11: attacks that used to give silently wrong results, unclear refusals or crashes


def run_ok(*args: str) -> str:
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", *args])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def street_count(settings, month: str) -> int:
    return int(
        EventStore(settings.events_dir).query(
            "SELECT count(*) AS n FROM street WHERE month = ?", [month]
        )["n"][0]
    )


def test_a_duplicated_column_is_refused_naming_both_positions(loaded, settings, june):
    """A second 'Month' column used to be ignored without a word."""
    edit_lines(
        june,
        lambda ls: [
            ls[0].rstrip("\n") + ",Month\n",
            *(x.rstrip("\n") + ",2099-01\n" for x in ls[1:]),
        ],
    )
    out = run_fails(settings, loaded, str(june))
    assert "columns 2 and 13 are both named 'Month'" in out and "line 1" in out


def test_a_duplicated_parquet_column_is_refused(loaded, settings, street_rows, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = street_rows[street_rows.month == "2016-06"].head(20).astype(str)
    table = pa.Table.from_pandas(rows, preserve_index=False)
    table = table.append_column("month", pa.array(["2099-01"] * len(rows)))
    pq.write_table(table, tmp_path / "june.parquet")
    out = run_fails(settings, loaded, str(tmp_path / "june.parquet"))
    assert "are both named 'month'" in out


def test_a_nul_byte_after_the_first_64_kb_is_refused_naming_its_line(loaded, settings, june):
    """Only the first 64 KB used to be checked for binary content."""
    lines = june.read_text().splitlines(keepends=True)
    sizes = [len(x) for x in lines]
    number = next(i for i in range(len(lines)) if sum(sizes[: i + 1]) > 100_000) + 1
    lines[number] = lines[number][:20] + "\x00" + lines[number][20:]
    june.write_text("".join(lines))
    out = run_fails(settings, loaded, str(june))
    assert f"line {number + 1}" in out and "binary data" in out


def test_parquet_and_csv_of_the_same_month_are_refused(
    loaded, settings, street_rows, june, tmp_path
):
    """The same-month check used file names, so Parquet input bypassed it."""
    june_rows = street_rows[street_rows.month == "2016-06"]
    june_rows.to_parquet(tmp_path / "june.parquet")
    out = run_fails(settings, loaded, str(june), str(tmp_path / "june.parquet"))
    assert "both hold street rows for 2016-06" in out
    june_rows.to_parquet(tmp_path / "again.parquet")
    out = run_fails(
        settings, loaded, str(tmp_path / "june.parquet"), str(tmp_path / "again.parquet")
    )
    assert "both hold street rows for 2016-06" in out
    # Different months in Parquet and CSV, and two forces' CSVs of one month, are fine.
    street_rows[street_rows.month == "2016-07"].to_parquet(tmp_path / "july.parquet")
    (kent,) = write_street_csv(june_rows.head(10), tmp_path / "kent", force="kent")
    run_ok(str(june), str(kent), str(tmp_path / "july.parquet"))
    assert street_count(settings, "2016-06") == len(june_rows) + 10


def test_swapped_longitude_and_latitude_are_refused(loaded, settings, street_rows, tmp_path):
    """A whole-file swap used to be stored as an empty month (every row 'outside')."""
    rows = street_rows[street_rows.month == "2016-06"].copy()
    rows[["longitude", "latitude"]] = rows[["latitude", "longitude"]].to_numpy()
    (path,) = write_street_csv(rows, tmp_path / "swapped")
    out = run_fails(settings, loaded, str(path))
    assert "field 'Longitude'" in out and "look swapped" in out
    # Another force's file, all outside the area but not swapped, is still counted.
    rows = street_rows[street_rows.month == "2016-06"].copy()
    rows["longitude"] = rows["longitude"] + 0.9  # Kent
    (kent,) = write_street_csv(rows, tmp_path / "kent", force="kent")
    out = run_ok(str(kent))
    assert street_count(settings, "2016-06") == 0
    assert EventStore(settings.events_dir).coverage()["police_uk_street"]["outside_area"] == len(
        rows
    )


def test_blank_lines_and_empty_rows_are_skipped_with_exact_line_numbers(settings, june):
    """One trailing empty line used to fail the file ('month differs ... got ''')."""
    n = len(june.read_text().splitlines()) - 1
    empty = ",".join([""] * len(STREET_HEADER)) + "\n"
    edit_lines(june, lambda ls: [ls[0], "\n", *ls[1:5], "   \n", empty, *ls[5:], "\n", "\r\n"])
    out = run_ok(str(june))
    assert street_count(settings, "2016-06") == n and "1 empty row(s) skipped" in out
    # A bad row after them is named by its true line: header, blank, 4 rows, 2 blanks, 3 rows.
    edit_lines(june, lambda ls: [*ls[:11], _set_cell(ls[11], 4, "abc"), *ls[12:]])
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(june)])
    assert "line 12, field 'Longitude'" in " ".join(result.output.split())


def test_line_numbers_after_a_quoted_multi_line_field(settings, june):
    """A row after a quoted field spanning two lines used to be numbered one line too low."""
    edit_lines(june, lambda ls: [*ls[:3], _set_cell(ls[3], 6, "On or near\nHoe Street"), *ls[4:]])
    edit_lines(june, lambda ls: [*ls[:8], _set_cell(ls[8], 4, "abc"), *ls[9:]])
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(june)])
    assert "line 9, field 'Longitude'" in " ".join(result.output.split()), result.output
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", "--max-rejects", "1", str(june)])
    assert result.exit_code == 0, result.output
    stored = EventStore(settings.events_dir).query(
        "SELECT location FROM street WHERE location LIKE '%Hoe Street'"
    )
    assert "On or near\nHoe Street" in stored.location.tolist()


def test_an_over_long_line_is_refused_in_one_line(loaded, settings, june):
    """A 50 MB line used to give pyarrow's 'try to increase block size?' in a 66 KB message."""
    edit_lines(june, lambda ls: [*ls[:6], "x" * (17 << 20) + "\n", *ls[6:]])
    result = runner.invoke(app, ["ingest", "police-uk", "--quiet", str(june)])
    assert result.exit_code == 1
    assert snapshot(settings.events_dir) == loaded
    first = result.output.strip().splitlines()[0]
    assert "line 7 is longer than the limit of 16 MB" in first and len(result.output) < 400


def test_other_files_in_a_folder_are_listed_as_skipped(settings, june):
    """The README says so; a non-police.uk CSV in a folder used to stop the ingest."""
    (june.parent / "notes.csv").write_text("a,b\n1,2\n")
    (june.parent / "extract.xlsx").write_bytes(b"not read")
    out = run_ok(str(june.parent))
    assert "notes.csv: not a police.uk crime or stop-and-search file" in out
    assert "extract.xlsx: not a police.uk" in out
    assert street_count(settings, "2016-06") > 0


def test_a_zip_member_with_corrupt_compressed_data(loaded, settings, june, tmp_path):
    """Garbage where the deflate stream should be used to end in a zlib.error traceback."""
    archive = write_police_uk_zip([june], tmp_path / "archive.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    data[start : start + 64] = b"\xff" * 64  # an invalid deflate block type
    archive.write_bytes(bytes(data))
    out = run_fails(settings, loaded, str(archive))
    assert "archive.zip:2016-06/2016-06-metropolitan-street.csv" in out
    assert "corrupt or truncated" in out and "Traceback" not in out


def test_parquet_with_list_and_struct_columns(loaded, settings, street_rows, tmp_path):
    """Nested columns used to end in ArrowNotImplementedError."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = street_rows[street_rows.month == "2016-06"].head(20).astype(str)
    table = pa.Table.from_pandas(rows, preserve_index=False)
    at = table.schema.get_field_index("crime_type")
    table = table.set_column(at, "crime_type", pa.array([["Robbery"]] * len(rows)))
    pq.write_table(table, tmp_path / "nested.parquet")
    out = run_fails(settings, loaded, str(tmp_path / "nested.parquet"))
    assert "field 'Crime type'" in out and "list<" in out and "expected text" in out
    table = table.set_column(at, "crime_type", pa.array([{"a": "Robbery"}] * len(rows)))
    pq.write_table(table, tmp_path / "nested.parquet")
    out = run_fails(settings, loaded, str(tmp_path / "nested.parquet"))
    assert "struct<" in out
