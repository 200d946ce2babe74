"""The premises register as a file: CSV or XLSX, checked all or nothing.

One premises a row under a header row; column names are matched ignoring case, spaces and
hyphens, in any order: ``ref``\\*, ``name``\\*, ``address``\\*, ``type``\\* (shop,
supermarket, market stall, online) and a location as ``easting`` and ``northing`` (British
National Grid metres) or ``longitude`` and ``latitude`` (WGS84) (\\* required; see
``docs/retail.md``). :func:`read_register` checks every row and raises
:class:`RegisterFileError` listing each bad one by file, line (CSV) or row (XLSX) and
field; it returns rows only when the whole file is good. Whether each location lies inside
the partnership area is checked by the import itself
(:func:`upstream.orders.retail.service.import_premises`), which also stores all or nothing.
Importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from upstream.orders.retail.schemas import PremisesData
from upstream.orders.retail.service import PremisesRow
from upstream.orders.retail.vocab import PremisesType, parse_choice

__all__ = ["COLUMNS", "REQUIRED", "RegisterFileError", "read_register"]

COLUMNS = ("ref", "name", "address", "type", "easting", "northing", "longitude", "latitude")
REQUIRED = ("ref", "name", "address", "type")
MAX_PROBLEMS = 50


class RegisterFileError(ValueError):
    """The file cannot be imported; ``problems`` name file, line or row, and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "the file cannot be imported")
        self.problems = problems


def _key(text: object) -> str:
    return str(text or "").strip().lower().replace(" ", "_").replace("-", "_")


def _csv_rows(data: bytes, name: str) -> Iterator[tuple[str, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterFileError([f"{name}: not UTF-8 text"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield f"line {reader.line_num}", row
    except csv.Error as exc:
        raise RegisterFileError([f"{name}, line {reader.line_num}: {exc}"]) from None


def _xlsx_rows(data: bytes, name: str) -> Iterator[tuple[str, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise RegisterFileError([f"{name}: not an XLSX workbook ({type(exc).__name__})"]) from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield f"row {number}", ["" if c is None else str(c) for c in cells]
    finally:
        book.close()


def _message(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors()[0]
    loc = [str(p) for p in error.get("loc", ())]
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if loc:
        return loc[0], msg
    field, _, rest = msg.partition(": ")
    return (field, rest) if rest else ("row", msg)


def _premises(values: dict[str, str]) -> PremisesData:
    raw: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    if "type" in raw:
        raw["premises_type"] = parse_choice(PremisesType, raw.pop("type"))
    return PremisesData.model_validate(raw)


def read_register(path: Path | bytes, name: str | None = None) -> list[PremisesRow]:
    """Every premises of the file (CSV, or XLSX by its name), checked; nothing unless every
    row is good.

    Raises
    ------
    RegisterFileError
        Naming file, line (or row) and field of each bad row (up to 50).
    """
    if isinstance(path, Path):
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RegisterFileError([f"{name}: cannot be read ({exc.strerror})"]) from None
    else:
        data, name = path, name or "upload.csv"
    rows = _xlsx_rows(data, name) if name.lower().endswith(".xlsx") else _csv_rows(data, name)
    header: list[str] | None = None
    problems: list[str] = []
    out: list[PremisesRow] = []
    seen: dict[str, str] = {}
    for where, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [_key(c) for c in cells]
            unknown = [c for c in header if c and c not in COLUMNS]
            missing = [c for c in REQUIRED if c not in header]
            if unknown or missing:
                what = [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
                what += [f"missing column(s) {', '.join(missing)}"] if missing else []
                raise RegisterFileError([f"{name}, {where}: {'; '.join(what)}"])
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=False) if h}
        at = f"{name}, {where}"
        try:
            data_row = _premises(values)
        except ValidationError as exc:
            field, msg = _message(exc)
            problems.append(f"{at}, {'type' if field == 'premises_type' else field}: {msg}")
        except ValueError as exc:
            problems.append(f"{at}, type: {exc}")
        else:
            if data_row.ref in seen:
                problems.append(
                    f"{at}, ref: {data_row.ref!r} is also given at {seen[data_row.ref]}"
                )
            else:
                seen[data_row.ref] = where
                out.append(PremisesRow(data_row, at))
        if len(problems) >= MAX_PROBLEMS:
            break
    if header is None:
        problems.append(f"{name}: no header row (columns: {', '.join(COLUMNS)})")
    if problems:
        raise RegisterFileError(problems)
    return out
