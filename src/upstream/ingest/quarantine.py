"""Quarantine: the rows an ingest rejected, one CSV per input file, and the reject limit.

A quarantine file tells a person which rows to fix and why. It holds the line (or row),
the field and the reason, and the row's cells in the columns the ingest reads: never a
column the ingest does not read (names, dates of birth, addresses...), never free text, and
never a value withheld because it may identify someone (:class:`Rejection` carries only
what may be shown). People open these files in spreadsheets, so every text cell is written
through :func:`upstream.csvsafe.safe_row`.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections.abc import Sequence
from pathlib import Path

from upstream.csvsafe import safe_row
from upstream.ingest.errors import IngestError, Rejection

__all__ = [
    "QUARANTINE_COLUMNS",
    "TooManyRejections",
    "quarantine_path",
    "settle_rejections",
    "write_quarantine",
]

QUARANTINE_COLUMNS = ("file", "unit", "line", "field", "reason")
"""The first columns of every quarantine file; the row's values follow, one per column."""


class TooManyRejections(IngestError):
    """A file had more rejected rows than ``max_rejects`` allows; nothing was committed."""

    def __init__(self, file: str, rejected: list[Rejection], limit: int, quarantine: Path) -> None:
        self.rejected = rejected
        first = "; ".join(r.describe() for r in rejected[:3])
        super().__init__(
            file,
            f"{len(rejected)} row(s) failed validation (allowed: {limit}). First: {first}. "
            f"All rejected rows are in {quarantine}. Fix them, or re-run with "
            f"--max-rejects {len(rejected)} to store the other rows and keep these in quarantine.",
        )


def quarantine_path(quarantine_dir: Path, file_name: str) -> Path:
    """Where the rejected rows of ``file_name`` are kept (one file per input)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", file_name).strip("_")
    return quarantine_dir / f"{safe[-150:]}.rejected.csv"


def write_quarantine(path: Path, rejected: Sequence[Rejection]) -> None:
    """Write ``rejected`` to ``path`` atomically (a reader never sees half a file)."""
    columns: dict[str, None] = {}
    for r in rejected:
        columns.update(dict.fromkeys(r.values))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(safe_row([*QUARANTINE_COLUMNS, *columns]))
            for r in rejected:
                cells = [r.file, r.unit, r.line, r.field or "", r.reason]
                cells += [r.values.get(c, "") for c in columns]
                writer.writerow(safe_row(cells))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def settle_rejections(
    file_name: str, rejected: Sequence[Rejection], quarantine_dir: Path, max_rejects: int
) -> Path | None:
    """Write a file's rejected rows to quarantine (or clear a stale quarantine file).

    Returns the quarantine file, if any. Raises :class:`TooManyRejections` when the file
    has more rejected rows than ``max_rejects`` allows.
    """
    qpath = quarantine_path(quarantine_dir, file_name)
    if not rejected:
        qpath.unlink(missing_ok=True)
        return None
    write_quarantine(qpath, rejected)
    if len(rejected) > max_rejects:
        raise TooManyRejections(file_name, list(rejected), max_rejects, qpath)
    return qpath
