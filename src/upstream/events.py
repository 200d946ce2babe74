"""The event store: what happened and where, as partitioned Parquet queried with DuckDB.

Layout under ``<data dir>/events``::

    manifest.json                       the committed state (the only thing readers trust)
    <source>/month=YYYY-MM/<hash>.parquet
    .staging/<id>/...  .staging/<id>.lock   partitions being written by a running ingest
    .lock                               held by a writer for the whole of a commit

A partition is one (source, month). Ingest writes new partition files under ``.staging``
(:mod:`upstream.staging`), and :meth:`EventStore.commit` moves them beside the old ones,
then replaces ``manifest.json`` in one atomic rename. Readers only ever see files a
manifest names, so a crash or an error at any point leaves the store exactly as it was.
File names are the hash of their content, so ingesting the same input twice produces the
same files.

**Readers are isolated from commits.** Every manifest has a *generation* (1, 2, ...). A
reader takes one :class:`Snapshot` of the manifest and reads only the files it names. A
commit never deletes a file a previous manifest named at once: the file is recorded as
*superseded* and removed by a later commit once :attr:`EventStore.grace_seconds` (an hour
by default) have passed, so a query, a page or a report that opened the previous manifest
finishes on the data it started with. Files no manifest ever named (a commit killed
half-way) are removed by the next commit.

**Concurrent ingests.** Commits are serialised by the store's lock. A stage remembers the
generation it started from; if another ingest committed the same (source, month) in the
meantime, the later commit still replaces it (the last to commit wins, as when the two run
one after the other) and reports it in :attr:`Commit.overtaken`, so the command can say so.

No table in this store holds names or other identifying details of people.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from upstream.staging import Stage, StagedPartition, clean_stale_stages
from upstream.vocab import AGENCIES

__all__ = [
    "GRACE_SECONDS",
    "SOURCES",
    "Commit",
    "EventStore",
    "Partition",
    "Snapshot",
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
        for agency in AGENCIES
        for kind in ("", "_synthetic")
    },
}
"""Event sources and the DuckDB view each is read through. Partnership incidents are kept
as one source per supplying agency, and synthetic rows apart from real ones, so a re-ingest
of one agency's extract replaces only that agency's months (and a synthetic demo extract
never replaces real data); the ``incidents`` and ``involvements`` views read them all."""

GRACE_SECONDS = 3600.0
"""How long a superseded partition file is kept for readers of an older manifest."""
_MANIFEST_VERSION = 2


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
    generation: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Commit:
    """What one commit did.

    ``overtaken`` lists partitions another ingest had committed after this one began,
    which this commit replaced or removed; ``removed`` lists partitions emptied because a
    re-ingested period no longer has rows for them.
    """

    generation: int
    partitions: list[Partition]
    overtaken: list[Partition] = field(default_factory=list)
    removed: list[Partition] = field(default_factory=list)

    def __iter__(self) -> Iterator[Partition]:
        return iter(self.partitions)

    def __len__(self) -> int:
        return len(self.partitions)


def _partition(source: str, month: str, entry: Mapping[str, Any]) -> Partition:
    data = dict(entry)
    known = {f for f in Partition.__dataclass_fields__ if f not in ("source", "month")}
    extra = {k: data.pop(k) for k in list(data) if k not in known}
    return Partition(
        source=source,
        month=month,
        files=tuple(data.pop("files")),
        origin=tuple(data.pop("origin", ())),
        **data,
        extra=extra,
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


def _empty_manifest() -> dict[str, Any]:
    return {"version": _MANIFEST_VERSION, "generation": 0, "partitions": {}, "inputs": {}}


class Snapshot:
    """One manifest, read once: everything a reader sees comes from the same generation."""

    def __init__(self, root: Path, manifest: Mapping[str, Any]) -> None:
        self.root = root
        self.manifest = manifest

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", 0))

    def partitions(self, source: str | None = None) -> list[Partition]:
        """Committed partitions, sorted by source then month."""
        raw = self.manifest["partitions"]
        out = []
        for src in sorted(raw):
            if source is not None and src != source:
                continue
            for month in sorted(raw[src]):
                out.append(_partition(src, month, raw[src][month]))
        return out

    def inputs(self) -> dict[str, dict[str, Any]]:
        """The ingest log: per input file still in the store, what happened to its rows."""
        return dict(self.manifest.get("inputs", {}))

    def files(self, source: str) -> list[Path]:
        """Parquet files of a source, in month order."""
        return [self.root / f for p in self.partitions(source) for f in p.files]

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per source that has data.

        Views: ``street`` (police.uk street-level crime), ``stop_search``, ``incidents``
        and ``involvements``. Each view reads only the files this snapshot names, which a
        commit keeps for :data:`GRACE_SECONDS` after replacing them.
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

    def coverage(self) -> dict[str, Any]:
        """Months present, gaps and row counts for every source (what ``upstream status`` shows).

        ``quarantined`` counts the rejected rows of the input files that supplied the source
        (a partnership file that fed two sources counts under both).
        """
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
                    e.get("quarantined", 0)
                    for e in inputs.values()
                    if source in e.get("sources", [e.get("source")])
                ),
                "partitions": [asdict(p) for p in parts],
            }
        return out


class EventStore:
    """Partitioned Parquet event store under ``root`` with an atomic, versioned manifest.

    Parameters
    ----------
    root
        The store's folder.
    grace_seconds
        How long files superseded by a commit are kept for readers of older manifests.
    """

    def __init__(self, root: Path, *, grace_seconds: float = GRACE_SECONDS) -> None:
        self.root = Path(root)
        self.grace_seconds = grace_seconds

    # ---- manifest ---------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def _read_manifest(self) -> dict[str, Any]:
        try:
            with self.manifest_path.open("r", encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
        except FileNotFoundError:
            return _empty_manifest()
        data.setdefault("generation", 0)
        data.setdefault("inputs", {})
        return data

    def snapshot(self) -> Snapshot:
        """The committed state, read once (use it when reading more than one thing)."""
        return Snapshot(self.root, self._read_manifest())

    def partitions(self, source: str | None = None) -> list[Partition]:
        """Committed partitions, sorted by source then month."""
        return self.snapshot().partitions(source)

    def inputs(self) -> dict[str, dict[str, Any]]:
        """The ingest log: per input file still in the store, what happened to its rows."""
        return self.snapshot().inputs()

    def is_empty(self) -> bool:
        """True when nothing has been committed."""
        return not self.partitions()

    def files(self, source: str) -> list[Path]:
        """Parquet files of a source, in month order."""
        return self.snapshot().files(source)

    # ---- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's writer lock (one commit at a time)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def stage(self) -> Stage:
        """A new staging area for one ingest (stages left by dead processes are removed)."""
        self.root.mkdir(parents=True, exist_ok=True)
        clean_stale_stages(self.root)
        return Stage(self.root, self.snapshot().generation)

    def commit(
        self,
        stage: Stage,
        *,
        inputs: Mapping[str, Mapping[str, Any]] | None = None,
        replace: Mapping[str, list[str]] | None = None,
    ) -> Commit:
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
        now = datetime.now(UTC)
        stamp = now.isoformat(timespec="seconds")
        with self.lock():
            manifest = self._read_manifest()
            generation = int(manifest["generation"]) + 1
            parts = manifest["partitions"]
            before = {
                (s, m): _partition(s, m, e)
                for s, months in parts.items()
                for m, e in months.items()
            }
            committed = []
            for (source, month), staged in sorted(stage.partitions.items()):
                entry = self._place(staged, stamp, generation)
                parts.setdefault(source, {})[month] = entry
                committed.append(_partition(source, month, entry))
            removed = []
            for source, months in (replace or {}).items():
                for month in sorted(set(months)):
                    if (source, month) not in stage.partitions and month in parts.get(source, {}):
                        removed.append(_partition(source, month, parts[source].pop(month)))
                if source in parts and not parts[source]:
                    del parts[source]
            touched = set(stage.partitions) | {(p.source, p.month) for p in removed}
            overtaken = [
                before[key]
                for key in sorted(touched)
                if key in before and before[key].generation > stage.base_generation
            ]
            log = dict(manifest.get("inputs", {}))
            log.update({name: dict(entry) for name, entry in (inputs or {}).items()})
            live = {o for months in parts.values() for e in months.values() for o in e["origin"]}
            manifest["inputs"] = {k: v for k, v in sorted(log.items()) if k in live}
            manifest["version"] = _MANIFEST_VERSION
            manifest["generation"] = generation
            manifest["superseded"] = self._supersede(manifest, before, now)
            self._write_manifest(manifest)
            self._collect_garbage(manifest)
        stage.discard()
        return Commit(generation, committed, overtaken, [p for p in removed if p.rows])

    def _place(self, staged: StagedPartition, stamp: str, generation: int) -> dict[str, Any]:
        """Move a staged partition's files into the store under their content hash."""
        rels = []
        for path, _ in sorted(zip(staged.paths, staged.origin, strict=True), key=lambda t: t[1]):
            rel = Path(staged.source) / f"month={staged.month}" / f"{_hash_file(path)}.parquet"
            final = self.root / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            if not final.exists():
                os.replace(path, final)
                _fsync_dir(final.parent)
            rels.append(rel.as_posix())
        return {
            "files": rels,
            "rows": staged.rows,
            "outside_area": staged.outside_area,
            "unplaced": staged.unplaced,
            "origin": sorted(set(staged.origin)),
            "ingested_at": stamp,
            "generation": generation,
        }

    @staticmethod
    def _live(manifest: Mapping[str, Any]) -> set[str]:
        return {
            f
            for months in manifest["partitions"].values()
            for e in months.values()
            for f in e["files"]
        }

    def _supersede(
        self, manifest: Mapping[str, Any], before: Mapping[Any, Partition], now: datetime
    ) -> dict[str, str]:
        """Files earlier manifests named and this one does not, with when they left; those
        that left longer ago than the grace period are dropped (and then deleted)."""
        live = self._live(manifest)
        cutoff = now - timedelta(seconds=self.grace_seconds)
        kept = {
            f: t
            for f, t in dict(manifest.get("superseded", {})).items()
            if f not in live and datetime.fromisoformat(t) > cutoff
        }
        if self.grace_seconds > 0:
            stamp = now.isoformat()
            for part in before.values():
                for f in part.files:
                    if f not in live:
                        kept.setdefault(f, stamp)
        return dict(sorted(kept.items()))

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.root / f".manifest.{uuid.uuid4().hex}.tmp"
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                json.dump(manifest, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.manifest_path)
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(self.root)

    def _collect_garbage(self, manifest: Mapping[str, Any]) -> None:
        """Remove the files no reader can need: those the manifest neither names nor keeps
        as superseded (superseded past the grace period, or left by a killed commit)."""
        keep = self._live(manifest) | set(manifest.get("superseded", {}))
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            for path in folder.glob("month=*/*.parquet"):
                if path.relative_to(self.root).as_posix() not in keep:
                    path.unlink(missing_ok=True)
            for month_dir in folder.glob("month=*"):
                if month_dir.is_dir() and not any(month_dir.iterdir()):
                    month_dir.rmdir()
            if not any(folder.iterdir()):
                folder.rmdir()
        for tmp in self.root.glob(".manifest.*.tmp"):
            tmp.unlink(missing_ok=True)

    # ---- reading ----------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection over one snapshot (see :meth:`Snapshot.connect`)."""
        return self.snapshot().connect()

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
        """Months present, gaps and row counts for every source (see :meth:`Snapshot.coverage`)."""
        return self.snapshot().coverage()
