"""Helpers for tests and benchmarks: write data in data.police.uk's published file formats.

Public so that anyone checking upstream (or building on it) can make the same files.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from upstream.ingest.police_uk import STREET_COLUMNS
from upstream.ingest.stop_search import STOP_SEARCH_COLUMNS

__all__ = [
    "STOP_SEARCH_HEADER",
    "STREET_HEADER",
    "write_police_uk_zip",
    "write_stop_search_csv",
    "write_street_csv",
]

STREET_HEADER: list[str] = list(STREET_COLUMNS.values())
STOP_SEARCH_HEADER: list[str] = [v for k, v in STOP_SEARCH_COLUMNS.items() if k != "month"]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(v) for v in row])
    return path


def write_street_csv(frame: pd.DataFrame, folder: Path, force: str = "metropolitan") -> list[Path]:
    """Write street-level rows (canonical column names) as one official CSV per month.

    Files are named ``YYYY-MM-<force>-street.csv`` exactly as data.police.uk names them.
    """
    paths = []
    for month, rows in frame.groupby("month", sort=True):
        body = rows[list(STREET_COLUMNS)].itertuples(index=False, name=None)
        paths.append(_write(folder / f"{month}-{force}-street.csv", STREET_HEADER, body))
    return paths


def write_stop_search_csv(
    frame: pd.DataFrame, folder: Path, force: str = "metropolitan"
) -> list[Path]:
    """Write stop-and-search rows (canonical names, with ``month``) as official monthly CSVs."""
    columns = [k for k in STOP_SEARCH_COLUMNS if k != "month"]
    paths = []
    for month, rows in frame.groupby("month", sort=True):
        body = rows[columns].itertuples(index=False, name=None)
        name = f"{month}-{force}-stop-and-search.csv"
        paths.append(_write(folder / name, STOP_SEARCH_HEADER, body))
    return paths


def write_police_uk_zip(files: Iterable[Path], archive: Path) -> Path:
    """Pack monthly CSVs as the data.police.uk archive does: ``YYYY-MM/<file>``."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            zf.write(path, f"{path.name[:7]}/{path.name}")
    return archive
