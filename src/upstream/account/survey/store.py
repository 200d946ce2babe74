"""Where resident survey responses are kept: one Parquet file under the data folder.

``<data dir>/survey/responses.parquet`` holds one row per respondent per wave (the columns
of :data:`~upstream.account.survey.schema.SURVEY_SCHEMA`). A write replaces every wave it
brings, so importing the same file again (or a corrected wave) replaces and never adds.
Writes hold a lock and are atomic: the new file is written beside the old and renamed over
it, so a reader sees the old table or the new one, never half of either.
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

from upstream.account.survey.schema import SURVEY_SCHEMA
from upstream.config import Settings

__all__ = ["load_responses", "replace_waves", "responses_path"]


def responses_path(data_dir: Path) -> Path:
    """The survey responses file under a data folder."""
    return data_dir / "survey" / "responses.parquet"


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return SURVEY_SCHEMA.empty_table().to_pandas()
    return pq.read_table(path, schema=SURVEY_SCHEMA).to_pandas()


def load_responses(settings: Settings | Path) -> pd.DataFrame:
    """Every stored response, sorted by wave and respondent (empty when none imported)."""
    data_dir = settings if isinstance(settings, Path) else settings.data_dir
    frame = _read(responses_path(data_dir))
    return frame.sort_values(["wave", "respondent_id"], kind="stable").reset_index(drop=True)


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def replace_waves(data_dir: Path, rows: pd.DataFrame) -> list[str]:
    """Store ``rows`` (columns of the schema), replacing the waves they bring.

    Returns the waves that were already held and are now replaced.
    """
    path = responses_path(data_dir)
    with _lock(path.parent):
        old = _read(path)
        waves = set(rows["wave"])
        held = old["wave"].isin(waves)
        new = pd.concat([old[~held], rows[list(SURVEY_SCHEMA.names)]], ignore_index=True)
        new = new.sort_values(["wave", "respondent_id"], kind="stable")
        table = pa.Table.from_pandas(new, schema=SURVEY_SCHEMA, preserve_index=False)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            pq.write_table(table, tmp)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return sorted({str(w) for w in old.loc[held, "wave"]})
