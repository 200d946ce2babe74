"""Safe-space files are validated like every ingest: columns, rows, quarantine, limits."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from upstream.area import Area, to_lonlat
from upstream.ingest import IngestError
from upstream.ingest.quarantine import TooManyRejections
from upstream.plan.spaces_file import read_spaces_file

HEADER = ["name", "address", "easting", "northing", "opening_hours", "kind"]
GOOD = [
    ["Walthamstow Library", "High Street", "537300", "189200", "Mon-Fri 09:00-19:00", "library"],
    ["Leyton Youth Hub", "", "538000", "186600", "Mon-Fri 15:00-21:00; Sat 12:00-18:00", ""],
]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_good_file_reads_every_row(tmp_path: Path, area: Area) -> None:
    read = read_spaces_file(
        write(tmp_path / "s.csv", HEADER, GOOD), area, quarantine_dir=tmp_path / "q"
    )
    s = read.spaces
    assert s["name"].tolist() == ["Walthamstow Library", "Leyton Youth Hub"]
    assert s["site_id"].tolist() == ["space-walthamstow-library", "space-leyton-youth-hub"]
    assert s[["x", "y"]].to_numpy().tolist() == [[537300, 189200], [538000, 186600]]
    assert s["line"].tolist() == [2, 3]
    assert not s["synthetic"].any()
    assert read.quarantine is None and not (tmp_path / "q").exists()


def test_longitude_latitude_are_placed_in_bng(tmp_path: Path, area: Area) -> None:
    lon, lat = to_lonlat([537300.0], [189200.0])
    header = ["name", "address", "longitude", "latitude", "opening_hours", "synthetic"]
    rows = [["Library", "x", str(lon[0]), str(lat[0]), "closed", "true"]]
    s = read_spaces_file(
        write(tmp_path / "s.csv", header, rows), area, quarantine_dir=tmp_path
    ).spaces
    assert abs(s["x"].iat[0] - 537300) < 1 and abs(s["y"].iat[0] - 189200) < 1
    assert s["synthetic"].iat[0]


def test_xlsx_is_read_with_row_numbers(tmp_path: Path, area: Area) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    sheet.append(["Bad hours", "", 537400, 189300, "whenever", ""])
    path = tmp_path / "spaces.xlsx"
    book.save(path)
    with pytest.raises(IngestError) as caught:
        read_spaces_file(path, area, quarantine_dir=tmp_path / "q")
    assert "row 4, field 'opening_hours'" in str(caught.value)
    read = read_spaces_file(path, area, quarantine_dir=tmp_path / "q", max_rejects=1)
    assert len(read.spaces) == 2


def test_unknown_column_is_refused_by_name(tmp_path: Path, area: Area) -> None:
    path = write(tmp_path / "s.csv", [*HEADER, "manager_phone"], [[*GOOD[0], "0700"]])
    with pytest.raises(IngestError) as caught:
        read_spaces_file(path, area, quarantine_dir=tmp_path / "q")
    message = str(caught.value)
    assert "s.csv, line 1, field 'manager_phone'" in message
    assert "unknown column" in message


def test_missing_columns_are_named(tmp_path: Path, area: Area) -> None:
    no_hours = write(tmp_path / "a.csv", HEADER[:4], [g[:4] for g in GOOD])
    with pytest.raises(IngestError, match=r"missing column.*'opening_hours'"):
        read_spaces_file(no_hours, area, quarantine_dir=tmp_path / "q")
    no_place = write(
        tmp_path / "b.csv", ["name", "address", "opening_hours"], [["a", "b", "closed"]]
    )
    with pytest.raises(IngestError, match="no location columns"):
        read_spaces_file(no_place, area, quarantine_dir=tmp_path / "q")


def test_bad_rows_are_quarantined_with_file_line_field_and_reason(
    tmp_path: Path, area: Area
) -> None:
    rows = [
        GOOD[0],
        ["Bad easting", "", "east", "189200", "closed", ""],
        ["Far away", "", "437300", "189200", "closed", ""],
        ["Overnight", "", "537350", "189250", "Mon-Fri 19:00-09:00", ""],
        ["", "", "537350", "189250", "closed", ""],
    ]
    path = write(tmp_path / "spaces.csv", HEADER, rows)
    quarantine = tmp_path / "q"
    with pytest.raises(TooManyRejections) as caught:
        read_spaces_file(path, area, quarantine_dir=quarantine, max_rejects=3)
    assert "4 row(s) failed validation (allowed: 3)" in str(caught.value)
    assert "line 3, field 'easting': not a BNG easting" in str(caught.value)
    with (quarantine / "spaces.csv.rejected.csv").open(encoding="utf-8") as fh:
        rejected = list(csv.DictReader(fh))
    assert [(r["line"], r["field"]) for r in rejected] == [
        ("3", "easting"),
        ("4", "easting"),
        ("5", "opening_hours"),
        ("6", "name"),
    ]
    assert "outside Waltham Forest" in rejected[1]["reason"]
    assert "closing time must be after opening time" in rejected[2]["reason"]
    read = read_spaces_file(path, area, quarantine_dir=quarantine, max_rejects=4)
    assert read.spaces["name"].tolist() == ["Walthamstow Library"]
    assert read.quarantine == quarantine / "spaces.csv.rejected.csv"
    # fixed and read again: the stale quarantine file goes
    write(path, HEADER, GOOD)
    assert read_spaces_file(path, area, quarantine_dir=quarantine).quarantine is None
    assert not (quarantine / "spaces.csv.rejected.csv").exists()


def test_candidate_files_may_leave_hours_empty(tmp_path: Path, area: Area) -> None:
    path = write(tmp_path / "c.csv", HEADER, [["Corner", "", "537300", "189200", "", ""]])
    with pytest.raises(IngestError, match="opening hours"):
        read_spaces_file(path, area, quarantine_dir=tmp_path / "q")
    read = read_spaces_file(
        path, area, quarantine_dir=tmp_path / "q", hours_required=False, prefix="candidate"
    )
    assert read.spaces["site_id"].tolist() == ["candidate-corner"]


def test_duplicate_names_get_distinct_ids(tmp_path: Path, area: Area) -> None:
    rows = [GOOD[0], [*GOOD[0][:2], "537500", "189300", *GOOD[0][4:]]]
    s = read_spaces_file(
        write(tmp_path / "s.csv", HEADER, rows), area, quarantine_dir=tmp_path
    ).spaces
    assert s["site_id"].tolist() == ["space-walthamstow-library", "space-walthamstow-library-2"]
