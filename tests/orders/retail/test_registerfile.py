"""The register file (CSV and XLSX): every bad row named by file, line or row and field,
nothing returned unless all is good; importing the same file twice changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from upstream.area import Area
from upstream.cases.db import CaseStore
from upstream.orders.retail.registerfile import RegisterFileError, read_register
from upstream.orders.retail.service import import_premises, list_premises

from .conftest import Team

GOOD = (
    "Ref,Name,Address,Type,Easting,Northing,Longitude,Latitude\n"
    "S1,Blade Shop,1 High Road,shop,537500,189500,,\n"
    'S2,"Market, kitchenware",Market St,Market stall,,,-0.0197,51.5862\n'
)


def _problems(data: bytes, name: str = "shops.csv") -> list[str]:
    with pytest.raises(RegisterFileError) as caught:
        read_register(data, name)
    return caught.value.problems


def test_every_bad_row_is_named_and_nothing_is_returned() -> None:
    bad = GOOD + (
        "S3,Kiosk,3 Road,kiosk,537500,189500,,\n"
        "S4,Half,4 Road,shop,537500,,,\n"
        "S5,Far,5 Road,shop,9999999,189500,,\n"
        "S1,Again,1 High Road,shop,537500,189500,,\n"
        ",No ref,6 Road,shop,537500,189500,,\n"
    )
    assert _problems(bad.encode()) == [
        "shops.csv, line 4, type: 'kiosk' is not one of: shop, supermarket, market stall, online",
        "shops.csv, line 5, easting: give both easting and northing, or neither",
        "shops.csv, line 6, easting: 9999999 is not between 0 and 700000",
        "shops.csv, line 7, ref: 'S1' is also given at line 2",
        "shops.csv, line 8, ref: Field required",
    ]
    assert _problems(b"ref,name,colour\n") == [
        "shops.csv, line 1: unknown column(s) colour; missing column(s) address, type"
    ]
    assert _problems(b"") == [
        "shops.csv: no header row (columns: ref, name, address, type, easting, northing, "
        "longitude, latitude)"
    ]
    assert _problems(b"\xff\xfe", "x.csv") == ["x.csv: not UTF-8 text"]
    assert _problems(b"not a workbook", "x.xlsx")[0].startswith("x.xlsx: not an XLSX workbook")


def test_xlsx_rows_are_named_by_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ref", "name", "address", "type", "easting", "northing"])
    sheet.append(["X1", "Superstore", "1 Lea Bridge Road", "Supermarket", 536000, 187500])
    sheet.append(["X2", "Stall", "Market", "stall", 536000, 187500])
    path = tmp_path / "register.xlsx"
    book.save(path)
    with pytest.raises(RegisterFileError) as caught:
        read_register(path)
    assert caught.value.problems == [
        "register.xlsx, row 3, type: 'stall' is not one of: shop, supermarket, market stall, online"
    ]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_register(buffer.getvalue(), "register.xlsx")
    assert [(r.data.ref, r.data.premises_type, r.where) for r in rows] == [
        ("X1", "supermarket", "register.xlsx, row 2")
    ]


def test_importing_the_same_file_twice_changes_nothing(
    store: CaseStore, team: Team, area: Area
) -> None:
    rows = read_register(GOOD.encode(), "shops.csv")
    first = import_premises(team.officer, store, rows, area, source="shops.csv")
    second = import_premises(team.officer, store, rows, area, source="shops.csv")
    assert (first.created, second.created, second.unchanged) == (["S1", "S2"], [], ["S1", "S2"])
    assert [p.name for p in list_premises(team.officer, store)] == [
        "Blade Shop",
        "Market, kitchenware",
    ]
