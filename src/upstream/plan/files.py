"""Plan files: posts CSVs read back (validated like any input), tables written atomically.

A posts CSV is what ``upstream plan posts --out`` writes; a planner may edit it (move a
post, drop one) before making the rota from it, so it is checked as an input file: the
columns it must have, one line per post, every problem named by file, line and field.
Tables are written to a temporary file beside the target and renamed over it, so a reader
never sees half a file; text cells a spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from upstream.csvsafe import safe_cell
from upstream.ingest import IngestError

__all__ = ["POSTS_REQUIRED", "read_posts_csv", "write_csv_atomic", "write_text_atomic"]

POSTS_REQUIRED = ("post_id", "easting", "northing")
"""The columns a posts CSV must have (``street``, ``expected``, ``reason`` are used when
present)."""


def read_posts_csv(path: Path) -> pd.DataFrame:
    """Posts from a CSV (``post_id``, ``easting``, ``northing`` in BNG metres, ...).

    Raises
    ------
    upstream.ingest.IngestError
        If the file is missing or unreadable, lacks a required column, or a row has an
        empty or repeated ``post_id`` or an ``easting``/``northing`` that is not a number
        (the message names the file, line and field).
    """
    name = str(path)
    if not Path(path).is_file():
        raise IngestError(name, "file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IngestError(name, f"not a readable CSV file ({exc.__class__.__name__})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in POSTS_REQUIRED if c not in frame.columns]
    if missing:
        raise IngestError(
            name,
            f"missing column(s) {', '.join(missing)}; a posts file needs "
            f"{', '.join(POSTS_REQUIRED)} (as 'upstream plan posts --out' writes)",
        )
    if frame.empty:
        raise IngestError(name, "holds no posts")
    seen: set[str] = set()
    for i, value in enumerate(frame["post_id"].str.strip()):
        if not value or value in seen:
            problem = "is empty" if not value else f"repeats {value!r}"
            raise IngestError(name, f"post_id {problem}", line=i + 2, field="post_id")
        seen.add(value)
    frame["post_id"] = frame["post_id"].str.strip()
    for column in ("easting", "northing"):
        values = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        bad = np.flatnonzero(~np.isfinite(values.to_numpy("float64")))
        if bad.size:
            raise IngestError(
                name,
                f"not a number of metres: {frame[column].iat[bad[0]]!r}",
                line=int(bad[0]) + 2,
                field=column,
            )
        frame[column] = values
    if "expected" in frame:
        frame["expected"] = pd.to_numeric(frame["expected"], errors="coerce")
    if "street" in frame:
        frame["street"] = frame["street"].where(frame["street"].str.strip() != "", None)
    return frame


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` all at once (a temporary file renamed over it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV to ``path`` all at once, text cells made spreadsheet-safe."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(safe_cell)
    text = safe.to_csv(index=False, float_format="%.10g", quoting=csv.QUOTE_MINIMAL)
    write_text_atomic(text, path)
    return Path(path)
