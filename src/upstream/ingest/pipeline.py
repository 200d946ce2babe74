"""One ingest, all or nothing: read, validate, place, stage, then commit in one step.

The pipeline is the same for every event format. For each input file it streams batches,
lets the format check them, projects coordinates to British National Grid, keeps the rows
inside the partnership area, and appends them to a private staging area. Only when every
file has been read without a fatal problem, and no file has more rejected rows than the
user allows, are the staged months committed to the event store. Rejected rows are written
to one quarantine CSV per input file either way, so the user can see and fix them.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upstream.area import Area, to_bng
from upstream.events import EventStore, Partition, Stage
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.formats import EventFormat
from upstream.ingest.tabular import TextReader

__all__ = [
    "FileSummary",
    "IngestResult",
    "TooManyRejections",
    "ingest_files",
    "quarantine_path",
    "settle_rejections",
    "write_quarantine",
]

Progress = Callable[[str, int], None]
"""Called with (file name, rows just read) after every batch."""


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


@dataclass
class FileSummary:
    """What happened to one input file."""

    name: str
    kind: str
    rows_read: int = 0
    stored: int = 0
    outside_area: int = 0
    unplaced: int = 0
    quarantined: int = 0
    months: list[str] = field(default_factory=list)
    quarantine_file: Path | None = None
    extra_columns: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    """The outcome of one ingest command."""

    files: list[FileSummary]
    skipped: list[str]
    committed: list[Partition]


def quarantine_path(quarantine_dir: Path, file_name: str) -> Path:
    """Where the rejected rows of ``file_name`` are kept (one file per input)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", file_name).strip("_")
    return quarantine_dir / f"{safe[-150:]}.rejected.csv"


def write_quarantine(path: Path, rejected: Sequence[Rejection]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "unit", "line", "field", "reason", "row"])
        for r in rejected:
            writer.writerow([r.file, r.unit, r.line, r.field or "", r.reason, r.raw])
    os.replace(tmp, path)


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


def _check_overlaps(inputs: Sequence[InputFile], formats: Mapping[str, EventFormat]) -> None:
    """Two inputs may share a month only if they are different forces' CSV files."""
    seen: dict[tuple[str, str], list[InputFile]] = defaultdict(list)
    for inp in inputs:
        if inp.month is not None and inp.kind is not None and inp.kind in formats:
            seen[(inp.kind, inp.month)].append(inp)
    for (_kind, month), group in seen.items():
        forces = [Path(i.name).name[8:] for i in group]
        if len(set(forces)) < len(forces):
            names = " and ".join(i.name for i in group)
            raise IngestError(names, f"more than one file holds {month} for the same force")


def _resolve_kind(inp: InputFile, formats: Mapping[str, EventFormat]) -> EventFormat:
    if inp.kind is not None:
        if inp.kind not in formats:
            raise IngestError(inp.name, f"{inp.kind} files are not read by this command")
        return formats[inp.kind]
    if inp.format == "parquet":
        import pyarrow.parquet as pq

        from upstream.ingest.tabular import normalise_name

        with inp.open() as fh:
            try:
                names = {normalise_name(n) for n in pq.read_schema(fh).names}
            except (pa.ArrowInvalid, OSError) as exc:
                raise IngestError(inp.name, f"not a readable Parquet file ({exc})") from exc
        for fmt in formats.values():
            required = {k for k in fmt.columns if k not in fmt.optional}
            if (
                required <= names
                or {normalise_name(v) for k, v in fmt.columns.items() if k not in fmt.optional}
                <= names
            ):
                return fmt
        raise IngestError(
            inp.name,
            "columns match no known format (expected police.uk street-level crime or stop and "
            f"search columns); found {sorted(names)}",
        )
    raise IngestError(
        inp.name,
        "file name must be data.police.uk's, e.g. 2024-01-metropolitan-street.csv or "
        "2024-01-metropolitan-stop-and-search.csv (the month is read from it)",
    )


def _ingest_one(
    inp: InputFile,
    fmt: EventFormat,
    area: Area,
    stage: Stage,
    progress: Progress | None,
) -> tuple[FileSummary, list[Rejection]]:
    reader = TextReader(inp, fmt.columns, fmt.optional)
    summary = FileSummary(inp.name, fmt.kind)
    rejected: list[Rejection] = []
    months: set[str] = set()
    for batch in reader.batches():
        summary.rows_read += batch.num_rows
        cleaned = fmt.clean(batch, inp, reader.unit)
        rejected.extend(cleaned.rejected)
        table = cleaned.table
        lon = np.asarray(table.column("longitude").to_numpy(zero_copy_only=False), "float64")
        lat = np.asarray(table.column("latitude").to_numpy(zero_copy_only=False), "float64")
        unplaced = np.isnan(lon)
        near = area.near(lon, lat)  # project only what could be inside the area
        x = np.full(lon.shape, np.nan)
        y = np.full(lon.shape, np.nan)
        x[near], y[near] = to_bng(lon[near], lat[near])
        inside = area.contains(x, y)
        outside = ~unplaced & ~inside
        table = table.append_column("x", pa.array(x)).append_column("y", pa.array(y))
        month_col = table.column("month")
        for month in sorted(pc.unique(month_col).to_pylist()):
            in_month = np.asarray(pc.equal(month_col, month).to_numpy(zero_copy_only=False))
            rows = table.filter(pa.array(in_month & inside)).cast(fmt.schema)
            stage.append(fmt.source, month, rows, inp.name)
            stage.count(
                fmt.source,
                month,
                outside_area=int((in_month & outside).sum()),
                unplaced=int((in_month & unplaced).sum()),
            )
            months.add(month)
            summary.stored += rows.num_rows
        summary.outside_area += int(outside.sum())
        summary.unplaced += int(unplaced.sum())
        if progress is not None:
            progress(inp.name, batch.num_rows)
    rejected = reader.malformed + rejected
    summary.rows_read += len(reader.malformed)
    summary.quarantined = len(rejected)
    summary.months = sorted(months)
    summary.extra_columns = reader.extra_columns
    return summary, rejected


def ingest_files(
    inputs: Sequence[InputFile],
    formats: Mapping[str, EventFormat],
    store: EventStore,
    area: Area,
    *,
    quarantine_dir: Path,
    max_rejects: int = 0,
    skipped: Sequence[str] = (),
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest ``inputs`` into ``store``, all or nothing.

    Parameters
    ----------
    inputs
        Files from :func:`upstream.ingest.files.discover`.
    formats
        The formats this command reads, by kind (``"street"``, ``"stop_search"``).
    max_rejects
        Rows per file that may fail validation and be quarantined while the rest of the
        file is stored. Above it the whole ingest stops and nothing is committed.

    Raises
    ------
    IngestError
        On any problem that makes a file unusable; the store is then unchanged.
    """
    resolved = [(inp, _resolve_kind(inp, formats)) for inp in inputs]
    _check_overlaps(inputs, formats)
    summaries: list[FileSummary] = []
    with store.stage() as stage:
        for inp, fmt in resolved:
            summary, rejected = _ingest_one(inp, fmt, area, stage, progress)
            summary.quarantine_file = settle_rejections(
                inp.name, rejected, quarantine_dir, max_rejects
            )
            summaries.append(summary)
        log = {
            s.name: {
                "kind": s.kind,
                "source": formats[s.kind].source,
                "rows_read": s.rows_read,
                "stored": s.stored,
                "outside_area": s.outside_area,
                "unplaced": s.unplaced,
                "quarantined": s.quarantined,
                "months": s.months,
            }
            for s in summaries
        }
        committed = store.commit(stage, inputs=log)
    return IngestResult(summaries, list(skipped), committed)
