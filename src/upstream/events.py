"""The event store: what happened and where, as partitioned Parquet queried with DuckDB.

Layout under ``<data dir>/events``::

    manifest.json                       the committed state (the only thing readers trust)
    <source>/month=YYYY-MM/<hash>.parquet
    .staging/<uuid>/...                 partitions being written by a running ingest
    .lock                               held by a writer for the whole of a commit

A partition is one (source, month). Ingest writes new partition files under ``.staging``,
and :meth:`EventStore.commit` moves them beside the old ones, then replaces ``manifest.json``
in one atomic rename. Readers only ever see files the manifest names, so a crash or an
error at any point leaves the store exactly as it was: the old manifest still names the old
files, and files no manifest names are removed by the next commit. File names are the hash
of their content, so ingesting the same input twice produces the same files.

No table in this store holds names or other identifying details of people.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "SOURCES",
    "EventStore",
    "Partition",
    "Stage",
    "StagedPartition",
    "month_range",
    "view_of",
]

SOURCES: dict[str, str] = {
    "police_uk_street": "street",
    "police_uk_stop_search": "stop_search",
    **{
        f"{table}_{agency}{kind}": table
        for table in ("incidents", "involvements")
        for agency in ("police", "a_and_e", "ambulance", "council")
        for kind in ("", "_synthetic")
    },
}
"""Event sources and the DuckDB view each is read through. Partnership incidents are kept
as one source per supplying agency, and synthetic rows apart from real ones, so a re-ingest
of one agency's extract replaces only that agency's months (and a synthetic demo extract
never replaces real data); the ``incidents`` and ``involvements`` views read them all."""

_MANIFEST_VERSION = 1


def view_of(source: str) -> str:
    """The DuckDB view a source is read through."""
    try:
        return SOURCES[source]
    except KeyError:
        raise ValueError(f"unknown event source {source!r}") from None


@dataclass(frozen=True)
class Partition:
    """One committed (source, month) partition as recorded in the manifest."""

    source: str
    month: str
    files: tuple[str, ...]
    rows: int
    outside_area: int = 0
    unplaced: int = 0
    origin: tuple[str, ...] = ()
    ingested_at: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class StagedPartition:
    """A partition written under ``.staging`` and waiting for commit."""

    source: str
    month: str
    paths: list[Path]
    rows: int
    outside_area: int = 0
    unplaced: int = 0
    origin: list[str] = field(default_factory=list)


def _partition(source: str, month: str, entry: Mapping[str, Any]) -> Partition:
    data = dict(entry)
    return Partition(
        source=source,
        month=month,
        files=tuple(data.pop("files")),
        origin=tuple(data.pop("origin", ())),
        **data,
    )


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` month from ``first`` to ``last`` inclusive."""
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:24]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Stage:
    """A writer's private staging area: one Parquet writer per (source, month).

    Rows are appended batch by batch, so memory stays bounded however large the input.
    Use as a context manager; on error the staging folder is removed and nothing reaches
    the store.
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.root = store.root / ".staging" / uuid.uuid4().hex
        self.root.mkdir(parents=True)
        self._writers: dict[tuple[str, str, str], pq.ParquetWriter] = {}
        self.partitions: dict[tuple[str, str], StagedPartition] = {}

    def append(self, source: str, month: str, table: pa.Table, origin: str) -> StagedPartition:
        """Append rows (already validated, all in ``month``) from input ``origin``.

        Each input file gets its own Parquet file in the partition, so a month made of
        several files (two forces, say) is stored as several files read together.
        """
        key = (source, month)
        part = self.partitions.get(key)
        if part is None:
            part = StagedPartition(source, month, [], 0)
            self.partitions[key] = part
        wkey = (source, month, origin)
        if wkey not in self._writers:
            path = self.root / source / f"month={month}" / f"{len(self._writers):06d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            part.paths.append(path)
            part.origin.append(origin)
            self._writers[wkey] = pq.ParquetWriter(
                path, table.schema, compression="zstd", write_statistics=True
            )
        if table.num_rows:
            self._writers[wkey].write_table(table, row_group_size=256_000)
        part.rows += table.num_rows
        return part

    def count(self, source: str, month: str, **counts: int) -> None:
        """Add to a staged partition's outside-area / unplaced counters."""
        part = self.partitions[(source, month)]
        for name, value in counts.items():
            setattr(part, name, getattr(part, name) + value)

    def close_writers(self) -> None:
        """Finish every Parquet file (called by commit)."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def discard(self) -> None:
        """Throw the staged data away."""
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        self._writers.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


class EventStore:
    """Partitioned Parquet event store under ``root`` with an atomic manifest."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ---- manifest ---------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def _read_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {"version": _MANIFEST_VERSION, "partitions": {}}
        with self.manifest_path.open("r", encoding="utf-8") as fh:
            data: dict[str, Any] = json.load(fh)
        return data

    def partitions(self, source: str | None = None) -> list[Partition]:
        """Committed partitions, sorted by source then month."""
        raw = self._read_manifest()["partitions"]
        out = []
        for src in sorted(raw):
            if source is not None and src != source:
                continue
            for month in sorted(raw[src]):
                out.append(_partition(src, month, raw[src][month]))
        return out

    def inputs(self) -> dict[str, dict[str, Any]]:
        """The ingest log: per input file still in the store, what happened to its rows."""
        return dict(self._read_manifest().get("inputs", {}))

    def is_empty(self) -> bool:
        """True when nothing has been committed."""
        return not self.partitions()

    def files(self, source: str) -> list[Path]:
        """Parquet files of a source, in month order."""
        return [self.root / f for p in self.partitions(source) for f in p.files]

    # ---- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's writer lock (one ingest at a time)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def stage(self) -> Stage:
        """A new staging area for one ingest."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Stage(self)

    def commit(
        self,
        stage: Stage,
        *,
        inputs: Mapping[str, Mapping[str, Any]] | None = None,
        replace: Mapping[str, list[str]] | None = None,
    ) -> list[Partition]:
        """Make the staged partitions current, replacing those months, in one atomic step.

        Parameters
        ----------
        stage
            Staged partitions (each replaces the committed partition of the same source and
            month).
        inputs
            The ingest log: per input file, what was read, stored, quarantined. Kept in the
            manifest for as long as some partition still holds rows from that file.
        replace
            Extra (source -> months) to remove even though nothing was staged for them
            (a re-ingest of a period that now has no rows).
        """
        stage.close_writers()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.lock():
            manifest = self._read_manifest()
            parts = manifest["partitions"]
            committed = []
            for (source, month), staged in sorted(stage.partitions.items()):
                rels = []
                for path, _ in sorted(
                    zip(staged.paths, staged.origin, strict=True), key=lambda t: t[1]
                ):
                    rel = Path(source) / f"month={month}" / f"{_hash_file(path)}.parquet"
                    final = self.root / rel
                    final.parent.mkdir(parents=True, exist_ok=True)
                    if not final.exists():
                        os.replace(path, final)
                        _fsync_dir(final.parent)
                    rels.append(rel.as_posix())
                entry = {
                    "files": rels,
                    "rows": staged.rows,
                    "outside_area": staged.outside_area,
                    "unplaced": staged.unplaced,
                    "origin": sorted(staged.origin),
                    "ingested_at": now,
                }
                parts.setdefault(source, {})[month] = entry
                committed.append(_partition(source, month, entry))
            for source, months in (replace or {}).items():
                for month in months:
                    if (source, month) not in stage.partitions:
                        parts.get(source, {}).pop(month, None)
            log = dict(manifest.get("inputs", {}))
            log.update({name: dict(entry) for name, entry in (inputs or {}).items()})
            live = {o for months in parts.values() for e in months.values() for o in e["origin"]}
            manifest["inputs"] = {k: v for k, v in sorted(log.items()) if k in live}
            self._write_manifest(manifest)
            self._collect_garbage(manifest)
        stage.discard()
        return committed

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.root / f".manifest.{uuid.uuid4().hex}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.manifest_path)
        _fsync_dir(self.root)

    def _collect_garbage(self, manifest: dict[str, Any]) -> None:
        live = {
            (self.root / f).resolve()
            for months in manifest["partitions"].values()
            for e in months.values()
            for f in e["files"]
        }
        for source in manifest["partitions"]:
            for path in (self.root / source).glob("month=*/*.parquet"):
                if path.resolve() not in live:
                    path.unlink()
            for folder in (self.root / source).glob("month=*"):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
        for tmp in self.root.glob(".manifest.*.tmp"):
            tmp.unlink(missing_ok=True)

    # ---- reading ----------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per source that has data.

        Views: ``street`` (police.uk street-level crime), ``stop_search``, and any source a
        capability registered. Each view only reads the files named by the manifest.
        """
        con = duckdb.connect(":memory:")
        by_view: dict[str, list[str]] = {}
        for part in self.partitions():
            view = view_of(part.source)
            by_view.setdefault(view, []).extend((self.root / f).as_posix() for f in part.files)
        for view, files in sorted(by_view.items()):
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(
                f"CREATE VIEW {view} AS SELECT * FROM read_parquet([{listing}], union_by_name=true)"
            )
        return con

    def has(self, source: str) -> bool:
        """True when the source has at least one committed partition."""
        return bool(self.partitions(source))

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL against the store's views and return a DataFrame."""
        con = self.connect()
        try:
            return con.execute(sql, params or []).df()
        finally:
            con.close()

    def coverage(self) -> dict[str, Any]:
        """Months present, gaps and row counts for every source (what ``upstream status`` shows)."""
        out: dict[str, Any] = {}
        inputs = self.inputs()
        for source in sorted({p.source for p in self.partitions()}):
            parts = self.partitions(source)
            months = [p.month for p in parts]
            gaps = sorted(set(month_range(months[0], months[-1])) - set(months))
            out[source] = {
                "months": months,
                "first": months[0],
                "last": months[-1],
                "gaps": gaps,
                "rows": sum(p.rows for p in parts),
                "outside_area": sum(p.outside_area for p in parts),
                "unplaced": sum(p.unplaced for p in parts),
                "quarantined": sum(
                    e.get("quarantined", 0) for e in inputs.values() if e.get("source") == source
                ),
                "partitions": [asdict(p) for p in parts],
            }
        return out
