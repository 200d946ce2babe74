"""One ingest, all or nothing: read, validate, place, stage, then commit in one step.

The pipeline is the same for every event format. For each input file it streams batches,
lets the format check them, projects coordinates to British National Grid, keeps the rows
inside the partnership area, and appends them to a private staging area. Only when every
file has been read without a fatal problem, and no file has more rejected rows than the
user allows, are the staged months committed to the event store. Rejected rows are written
to one quarantine CSV per input file either way, so the user can see and fix them.

Two checks look at a file's rows as a whole: the months it actually holds may not also come
from another input of the command (unless both are data.police.uk files of different forces),
and a file with no row inside the area, but some that would be with longitude and latitude
exchanged, is refused as swapped.
"""

from __future__ import annotations

import errno
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upstream.area import Area, place_lonlat
from upstream.events import EventStore, Partition, Stage
from upstream.ingest.errors import DiskFull, IngestError, Rejection, machine_error
from upstream.ingest.files import InputFile
from upstream.ingest.formats import EventFormat
from upstream.ingest.quarantine import TooManyRejections, settle_rejections
from upstream.ingest.tabular import TextReader

__all__ = [
    "FileSummary",
    "IngestResult",
    "Progress",
    "TooManyRejections",
    "disk_full",
    "ingest_files",
    "swapped_inside",
]

Progress = Callable[[str, int], None]
"""Called with (file name, rows just read) after every batch."""


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
    blank_rows: int = 0
    months: list[str] = field(default_factory=list)
    quarantine_file: Path | None = None
    extra_columns: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    """The outcome of one ingest command.

    ``overtaken`` lists partitions another ingest committed while this one ran, which this
    one then replaced (the last to commit wins; the command says so).
    """

    files: list[FileSummary]
    skipped: list[str]
    committed: list[Partition]
    overtaken: list[Partition] = field(default_factory=list)


@dataclass
class _Progress:
    """Input bytes read so far, for the disk-full estimate."""

    total: int
    done: int = 0


def disk_full(exc: OSError, stage: Stage, read: int, total: int) -> OSError:
    """``exc`` as :class:`DiskFull` when the disk filled, with the space the ingest needs.

    The need is estimated from what was staged when the disk filled, scaled up by the share
    of the input read by then.
    """
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        return exc
    written = stage.bytes_written()
    needed = written * total // read if 0 < read < total else written
    return DiskFull(exc, max(needed, written), stage.root.parent.parent)


def _same_month_twice(a: InputFile, b: InputFile, kind: str, month: str) -> IngestError:
    return IngestError(
        f"{a.name} and {b.name}",
        f"both hold {kind} rows for {month}; a month must come from one file per force "
        "(ingest it once: a later ingest of that month replaces it)",
    )


def _check_overlaps(inputs: Sequence[InputFile], formats: Mapping[str, EventFormat]) -> None:
    """Before reading: two files named for the same force, kind and month."""
    seen: dict[tuple[str, str, str], InputFile] = {}
    for inp in inputs:
        if inp.month is None or inp.kind is None or inp.kind not in formats or not inp.force:
            continue
        key = (inp.kind, inp.month, inp.force)
        if key in seen:
            raise _same_month_twice(seen[key], inp, inp.kind, inp.month)
        seen[key] = inp


class _Claims:
    """Which inputs hold rows of each (source, month), from the months actually in them.

    Two inputs may share a month only if both are data.police.uk files named for different
    forces; a Parquet file (any forces) shares a month with nothing.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], list[InputFile]] = defaultdict(list)

    def claim(self, inp: InputFile, fmt: EventFormat, month: str) -> None:
        holders = self._by_key[(fmt.source, month)]
        if inp in holders:
            return
        for other in holders:
            if inp.force is None or other.force is None or inp.force == other.force:
                raise _same_month_twice(other, inp, fmt.kind, month)
        holders.append(inp)


def swapped_inside(area: Area, lon: np.ndarray, lat: np.ndarray) -> int:
    """How many points would fall inside the area with longitude and latitude exchanged."""
    return int(place_lonlat(area, lat, lon).inside.sum())


def _resolve_kind(inp: InputFile, formats: Mapping[str, EventFormat]) -> EventFormat:
    if inp.kind is not None:
        if inp.kind not in formats:
            raise IngestError(inp.name, f"{inp.kind} files are not read by this command")
        return formats[inp.kind]
    if inp.format == "parquet":
        import pyarrow.parquet as pq

        from upstream.ingest.tabular import normalise_name

        try:
            if inp.path is not None:
                schema = pq.read_schema(str(inp.path))
            else:
                with inp.open() as fh:
                    schema = pq.read_schema(fh)
        except (pa.ArrowInvalid, OSError) as exc:
            if machine_error(exc):
                raise
            raise IngestError(inp.name, f"not a readable Parquet file ({exc})") from exc
        names = {normalise_name(n) for n in schema.names}
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
    claims: _Claims,
    read: _Progress,
    progress: Progress | None,
) -> tuple[FileSummary, list[Rejection]]:
    reader = TextReader(inp, fmt.columns, fmt.optional)
    summary = FileSummary(inp.name, fmt.kind)
    rejected: list[Rejection] = []
    months: set[str] = set()
    swapped = 0
    already = read.done
    for batch in reader.batches():
        summary.rows_read += batch.num_rows
        cleaned = fmt.clean(batch, inp, reader.unit)
        rejected.extend(cleaned.rejected)
        table = cleaned.table
        lon = np.asarray(table.column("longitude").to_numpy(zero_copy_only=False), "float64")
        lat = np.asarray(table.column("latitude").to_numpy(zero_copy_only=False), "float64")
        placed = place_lonlat(area, lon, lat)
        x, y, inside, unplaced, outside = (
            placed.x,
            placed.y,
            placed.inside,
            placed.unplaced,
            placed.outside,
        )
        if summary.stored == 0 and not inside.any():
            swapped += swapped_inside(area, lon[outside], lat[outside])
        table = table.append_column("x", pa.array(x)).append_column("y", pa.array(y))
        month_col = table.column("month")
        for month in sorted(pc.unique(month_col).to_pylist()):
            claims.claim(inp, fmt, month)
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
        read.done = already + reader.bytes_done
        if progress is not None:
            progress(inp.name, batch.num_rows)
    stage.finish(inp.name)
    read.done = already + inp.size
    if summary.stored == 0 and swapped:
        raise IngestError(
            inp.name,
            f"no row is inside the area, but {swapped:,} of the {summary.outside_area:,} "
            "placed rows would be with longitude and latitude exchanged: the two columns "
            "look swapped",
            field=fmt.columns["longitude"],
        )
    rejected = reader.malformed + rejected
    summary.rows_read += len(reader.malformed)
    summary.quarantined = len(rejected)
    summary.blank_rows = reader.blank_rows
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
    OSError
        When the machine refuses (read-only or full disk, too many open files); the store
        is then unchanged. A full disk is raised as :class:`~upstream.ingest.errors.DiskFull`.
    """
    resolved = [(inp, _resolve_kind(inp, formats)) for inp in inputs]
    _check_overlaps(inputs, formats)
    summaries: list[FileSummary] = []
    claims = _Claims()
    read = _Progress(sum(inp.size for inp in inputs))
    with store.stage() as stage:
        try:
            for inp, fmt in resolved:
                summary, rejected = _ingest_one(inp, fmt, area, stage, claims, read, progress)
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
            commit = store.commit(stage, inputs=log)
        except OSError as exc:
            full = disk_full(exc, stage, read.done, read.total)
            if full is exc:
                raise
            raise full from exc
    return IngestResult(summaries, list(skipped), commit.partitions, commit.overtaken)
