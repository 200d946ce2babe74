"""Where programme returns are kept: one Parquet file under the data folder.

Returns are aggregates, not events, so they live beside the event store rather than in
it: ``<data dir>/returns/returns.parquet``. A write replaces, for every (programme,
quarter) it brings, the rows already held, so a corrected return sent again replaces the
first and never adds to it. Writes hold a lock (one writer at a time) and are atomic: the
new file is written beside the old and renamed over it, so a reader sees the old table
or the new one, never half of either.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upstream.account.returns.schema import RETURN_SCHEMA
from upstream.config import Settings
from upstream.keyedfile import read_keyed, replace_keyed

__all__ = ["load_returns", "replace_returns", "returns_path"]

KEY = ["programme", "quarter"]


def returns_path(data_dir: Path) -> Path:
    """The returns file under a data folder."""
    return data_dir / "returns" / "returns.parquet"


def load_returns(settings: Settings) -> pd.DataFrame:
    """Every stored return row (columns of :data:`RETURN_SCHEMA`), sorted.

    Empty (with those columns) when no return has been imported.
    """
    frame = read_keyed(returns_path(settings.data_dir), RETURN_SCHEMA)
    order = ["programme", "quarter", "measure", "category"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def replace_returns(data_dir: Path, rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Store ``rows`` (columns of :data:`RETURN_SCHEMA`), replacing their returns.

    Returns the (programme, quarter) keys that were already held and are now replaced.
    """
    order = ["programme", "quarter", "measure", "category"]
    replaced = replace_keyed(returns_path(data_dir), RETURN_SCHEMA, rows, KEY, order)
    return sorted({(str(p), str(q)) for p, q in replaced[KEY].itertuples(index=False)})
