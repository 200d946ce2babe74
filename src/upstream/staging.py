"""Staging for the event store: where an ingest writes partitions before they are committed.

Each running ingest has its own folder ``events/.staging/<id>/`` and holds an exclusive
lock on ``events/.staging/<id>.lock`` for as long as it runs. The operating system releases
that lock when the process ends, however it ends (``kill -9`` included), so the next ingest
can tell a stage left behind by a dead process (its lock is free: the folder is removed)
from one in progress (its lock is held: it is left alone). See :func:`clean_stale_stages`.

Rows are appended batch by batch to one Parquet file per (source, month, input file). At
most :data:`MAX_OPEN_WRITERS` files are open at once: the pipeline finishes an input's
files when it is read (:meth:`Stage.finish`), and within one input the least recently used
file is closed and a new one started if its month comes back. So an archive of any number
of forces and months never runs into the limit on open files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["MAX_OPEN_WRITERS", "Stage", "StagedPartition", "clean_stale_stages"]

MAX_OPEN_WRITERS = 32
"""Parquet files a stage keeps open at once."""
STAGING = ".staging"


@dataclass
class StagedPartition:
    """A partition written under ``.staging`` and waiting for commit."""

    source: str
    month: str
    paths: list[Path]
    rows: int
    outside_area: int = 0
    unplaced: int = 0
    origin: list[str] = field(default_factory=list)  # the input of each path


def _locked(path: Path) -> int:
    """Create ``path`` already holding an exclusive lock on it (no moment unlocked)."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.new")
    fd = os.open(tmp, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(tmp, path)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return fd


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` if nobody holds one, else None."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def clean_stale_stages(events_root: Path) -> list[str]:
    """Remove staging folders whose ingest is no longer running; return their ids.

    A stage is stale when its lock file is missing or nobody holds its lock (the process
    that held it has ended). A stage whose lock is held is in progress and left alone.
    """
    staging = events_root / STAGING
    if not staging.is_dir():
        return []
    removed = []
    for entry in sorted(staging.iterdir()):
        if entry.name.endswith(".new"):  # a lock file being created, or left mid-creation
            fd = _try_lock(entry)
            if fd is not None:
                entry.unlink(missing_ok=True)
                os.close(fd)
            continue
        stage_id = entry.name.removesuffix(".lock")
        folder = staging / stage_id
        lock = staging / f"{stage_id}.lock"
        if entry.suffix == ".lock" and folder.exists():
            continue  # judged with its folder
        fd = _try_lock(lock) if lock.exists() else -1
        if fd is None:
            continue  # in progress
        shutil.rmtree(folder, ignore_errors=True)
        lock.unlink(missing_ok=True)
        if fd >= 0:
            os.close(fd)
        removed.append(stage_id)
    return removed


class Stage:
    """A writer's private staging area: Parquet files per (source, month, input).

    Rows are appended batch by batch, so memory stays bounded however large the input.
    Use as a context manager; on error the staging folder is removed and nothing reaches
    the store.

    Parameters
    ----------
    events_root
        The event store's folder.
    base_generation
        The store's generation when the stage began; a commit compares it with each
        partition's to tell whether another ingest replaced the same month meanwhile.
    """

    def __init__(self, events_root: Path, base_generation: int) -> None:
        staging = events_root / STAGING
        staging.mkdir(parents=True, exist_ok=True)
        self.id = uuid.uuid4().hex
        self.base_generation = base_generation
        self._lock_path = staging / f"{self.id}.lock"
        self._lock_fd: int | None = _locked(self._lock_path)
        self.root = staging / self.id
        try:
            self.root.mkdir()
        except BaseException:
            self._release()
            raise
        self._writers: OrderedDict[tuple[str, str, str], pq.ParquetWriter] = OrderedDict()
        self._files = 0
        self.partitions: dict[tuple[str, str], StagedPartition] = {}

    def append(self, source: str, month: str, table: pa.Table, origin: str) -> StagedPartition:
        """Append rows (already validated, all in ``month``) from input ``origin``.

        Each input file gets its own Parquet file(s) in the partition, so a month made of
        several files (two forces, say) is stored as several files read together.
        """
        key = (source, month)
        part = self.partitions.get(key)
        if part is None:
            part = StagedPartition(source, month, [], 0)
            self.partitions[key] = part
        wkey = (source, month, origin)
        writer = self._writers.get(wkey)
        if writer is None:
            while len(self._writers) >= MAX_OPEN_WRITERS:
                self._writers.popitem(last=False)[1].close()
            path = self.root / source / f"month={month}" / f"{self._files:06d}.parquet"
            self._files += 1
            path.parent.mkdir(parents=True, exist_ok=True)
            part.paths.append(path)
            part.origin.append(origin)
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            self._writers[wkey] = writer
        else:
            self._writers.move_to_end(wkey)
        if table.num_rows:
            writer.write_table(table, row_group_size=256_000)
        part.rows += table.num_rows
        return part

    def count(self, source: str, month: str, **counts: int) -> None:
        """Add to a staged partition's outside-area / unplaced counters."""
        part = self.partitions[(source, month)]
        for name, value in counts.items():
            setattr(part, name, getattr(part, name) + value)

    def finish(self, origin: str) -> None:
        """Close the files of input ``origin`` (it has been read to the end)."""
        for wkey in [k for k in self._writers if k[2] == origin]:
            self._writers.pop(wkey).close()

    def close_writers(self) -> None:
        """Finish every Parquet file (called by commit)."""
        while self._writers:
            self._writers.popitem(last=False)[1].close()

    def bytes_written(self) -> int:
        """Bytes staged so far (the files being written included)."""
        total = 0
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                with contextlib.suppress(OSError):
                    total += (Path(folder) / name).stat().st_size
        return total

    def _release(self) -> None:
        if self._lock_fd is not None:
            self._lock_path.unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._lock_fd = None

    def discard(self) -> None:
        """Throw the staged data away and release the stage's lock."""
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        self._writers.clear()
        shutil.rmtree(self.root, ignore_errors=True)
        self._release()

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
