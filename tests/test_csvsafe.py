"""CSV cells that spreadsheets would run as formulas are neutralised; numbers are kept."""

from __future__ import annotations

import csv
import io

import pytest

from upstream.csvsafe import safe_cell, safe_row


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.25", "-0.25"),
        ("+12", "+12"),
        ("-1e-05", "-1e-05"),
        ("On or near Hoe Street", "On or near Hoe Street"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(given: object, expected: object) -> None:
    assert safe_cell(given) == expected


def test_a_written_row_reads_back_as_text() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(safe_row(["=1+1", "ok", -3, "-3"]))
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "ok", "-3", "-3"]
