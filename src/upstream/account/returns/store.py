"""Where programme returns are kept: one Parquet file under the data folder.

Returns are aggregates, not events, so they live beside the event store rather than in
it: ``<data dir>/returns/returns.parquet``. A write replaces, for every (programme,
quarter) it brings, the rows already held, so a corrected return sent again replaces the
first and never adds to it. Writes hold a lock (one writer at a time) and are atomic: the
new file is written beside the old and renamed over it, so a reader sees the old table
or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from upstream.account.returns.schema import RETURN_SCHEMA
from upstream.config import Settings

__all__ = ["load_returns", "replace_returns", "returns_path"]

KEY = ["programme", "quarter"]


def returns_path(data_dir: Path) -> Path:
    """The returns file under a data folder."""
    return data_dir / "returns" / "returns.parquet"


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return RETURN_SCHEMA.empty_table().to_pandas()
    return pq.read_table(path, schema=RETURN_SCHEMA).to_pandas()


def load_returns(settings: Settings) -> pd.DataFrame:
    """Every stored return row (columns of :data:`RETURN_SCHEMA`), sorted.

    Empty (with those columns) when no return has been imported.
    """
    frame = _read(returns_path(settings.data_dir))
    order = ["programme", "quarter", "measure", "category"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def replace_returns(data_dir: Path, rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Store ``rows`` (columns of :data:`RETURN_SCHEMA`), replacing their returns.

    Returns the (programme, quarter) keys that were already held and are now replaced.
    """
    path = returns_path(data_dir)
    with _lock(path.parent):
        old = _read(path)
        keys = pd.MultiIndex.from_frame(rows[KEY].drop_duplicates())
        held = pd.MultiIndex.from_frame(old[KEY]) if len(old) else keys[:0]
        replaced = held.isin(keys)
        kept = old[~replaced]
        new = pd.concat([kept, rows[list(RETURN_SCHEMA.names)]], ignore_index=True)
        new = new.sort_values(["programme", "quarter", "measure", "category"], kind="stable")
        table = pa.Table.from_pandas(new, schema=RETURN_SCHEMA, preserve_index=False)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            pq.write_table(table, tmp)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return sorted({(str(p), str(q)) for p, q in old.loc[replaced, KEY].itertuples(index=False)})
