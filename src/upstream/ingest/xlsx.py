"""XLSX workbooks as rows of text: the first sheet, streamed, every cell as a spreadsheet shows it.

A workbook keeps, for a formula cell, both the formula and the value last computed by the
program that saved it. Files written by scripts often hold formulas with no saved value;
reading those as empty would store wrong data (an age as "not recorded"), so such a cell is
refused, naming it. So is a cell holding a spreadsheet error (``#DIV/0!``, ``#N/A``). Nothing
is ever evaluated.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from upstream.ingest.errors import IngestError, machine_error

__all__ = ["XLSX_ERRORS", "cell_text", "xlsx_rows"]

XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    ParseError,
)
"""What openpyxl raises on a truncated, corrupt or non-XLSX file."""

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")


def cell_text(value: Any) -> str:
    """A cell's value as text: numbers as written, dates in ISO 8601, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _has_formulas(stream: IO[bytes]) -> bool:
    """True when any worksheet of the workbook holds a formula (a quick scan of its XML)."""
    with zipfile.ZipFile(stream) as archive:
        for member in archive.namelist():
            if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                continue
            with archive.open(member) as fh:
                carry = b""
                while block := fh.read(1 << 20):
                    if _FORMULA.search(carry + block):
                        return True
                    carry = block[-16:]
    return False


def _open_sheet(stream: IO[bytes], data_only: bool) -> Any:
    import openpyxl

    book = openpyxl.load_workbook(stream, read_only=True, data_only=data_only)
    if not book.worksheets:
        raise ValueError("the workbook has no sheet")
    return book, book.worksheets[0]


def xlsx_rows(open_stream: Any, name: str) -> Generator[tuple[int, list[str]], None, None]:
    """Yield ``(row number, cell texts)`` for every row of the first sheet, header included.

    ``open_stream`` opens the workbook afresh (it is read twice when it holds formulas:
    once for the saved values, once to see which cells are formulas).

    Raises
    ------
    IngestError
        An unreadable workbook, a formula with no saved value, or an error cell, naming
        the file, row and cell.
    """
    streams: list[IO[bytes]] = []
    books: list[Any] = []
    try:
        try:
            with open_stream() as probe:
                formulas = _has_formulas(probe)
            values_stream = open_stream()
            streams.append(values_stream)
            book, values = _open_sheet(values_stream, data_only=True)
            books.append(book)
            rows: Iterator[Any] = values.iter_rows()
            shadow: Iterator[Any] | None = None
            if formulas:
                formula_stream = open_stream()
                streams.append(formula_stream)
                fbook, formula_sheet = _open_sheet(formula_stream, data_only=False)
                books.append(fbook)
                shadow = formula_sheet.iter_rows()
            for number, cells in enumerate(rows, start=values.min_row or 1):
                raw = next(shadow) if shadow is not None else None
                yield number, _row_text(cells, raw, name, number)
        except XLSX_ERRORS as exc:
            if machine_error(exc):
                raise
            raise IngestError(name, f"not a readable XLSX workbook ({exc})") from exc
    finally:
        for book in books:
            book.close()
        for stream in streams:
            stream.close()


def _row_text(cells: Any, raw: Any, name: str, number: int) -> list[str]:
    out = []
    for i, cell in enumerate(cells):
        kind = getattr(cell, "data_type", None)
        if kind == "e":
            raise IngestError(
                name,
                f"cell {_coordinate(cell, number, i)} holds the spreadsheet error "
                f"{cell.value!r}, not a value",
                line=number,
                unit="row",
            )
        if cell.value is None and raw is not None and i < len(raw):
            formula = raw[i]
            if getattr(formula, "data_type", None) == "f":
                raise IngestError(
                    name,
                    f"cell {_coordinate(cell, number, i)} holds a formula with no saved "
                    "value, and formulas are not evaluated; "
                    "open the workbook in a spreadsheet program and save it (or paste the "
                    "values) so every cell has its value",
                    line=number,
                    unit="row",
                )
        out.append(cell_text(cell.value))
    return out


def _coordinate(cell: Any, number: int, index: int) -> str:
    from openpyxl.utils import get_column_letter

    coordinate = getattr(cell, "coordinate", None)
    return str(coordinate) if coordinate else f"{get_column_letter(index + 1)}{number}"
