"""A small Parquet table kept beside the event store, replaced by key.

Programme returns and resident survey responses are aggregates or survey rows, not events:
each is one Parquet file under the data folder. A write brings rows for some keys (a
programme's quarter, a survey wave) and replaces every row already held for those keys, so a
corrected file sent again replaces the first and never adds to it. Writes hold a folder lock
(one writer at a time) and are atomic: the new file is written beside the old and renamed
over it, so a reader sees the old table or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["read_keyed", "replace_keyed"]


def read_keyed(path: Path, schema: pa.Schema) -> pd.DataFrame:
    """The table at ``path`` with ``schema``'s columns; empty (same columns) when absent."""
    if not path.exists():
        return schema.empty_table().to_pandas()
    return pq.read_table(path, schema=schema).to_pandas()


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def replace_keyed(
    path: Path,
    schema: pa.Schema,
    rows: pd.DataFrame,
    key: Sequence[str],
    order: Sequence[str],
) -> pd.DataFrame:
    """Store ``rows`` at ``path``, replacing the rows held for every ``key`` they bring.

    The stored table is sorted by ``order``. Returns the rows that were held for those keys
    and are now replaced (empty when none were).
    """
    key = list(key)
    with _lock(path.parent):
        old = read_keyed(path, schema)
        brought = pd.MultiIndex.from_frame(rows[key].drop_duplicates())
        held = np.zeros(len(old), dtype=bool)
        if len(old):
            held = pd.MultiIndex.from_frame(old[key]).isin(brought)
        replaced = old[held]
        kept = old.drop(index=replaced.index)
        new = pd.concat([kept, rows[list(schema.names)]], ignore_index=True)
        new = new.sort_values(list(order), kind="stable")
        table = pa.Table.from_pandas(new, schema=schema, preserve_index=False)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            pq.write_table(table, tmp)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return replaced
