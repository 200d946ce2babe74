"""Where resident survey responses are kept: one Parquet file under the data folder.

``<data dir>/survey/responses.parquet`` holds one row per respondent per wave (the columns
of :data:`~upstream.account.survey.schema.SURVEY_SCHEMA`). A write replaces every wave it
brings, so importing the same file again (or a corrected wave) replaces and never adds.
Writes hold a lock and are atomic: the new file is written beside the old and renamed over
it, so a reader sees the old table or the new one, never half of either.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from upstream.account.survey.schema import SURVEY_SCHEMA
from upstream.config import Settings
from upstream.keyedfile import read_keyed, replace_keyed

__all__ = ["load_responses", "replace_waves", "responses_path"]


def responses_path(data_dir: Path) -> Path:
    """The survey responses file under a data folder."""
    return data_dir / "survey" / "responses.parquet"


def load_responses(settings: Settings | Path) -> pd.DataFrame:
    """Every stored response, sorted by wave and respondent (empty when none imported)."""
    data_dir = settings if isinstance(settings, Path) else settings.data_dir
    frame = read_keyed(responses_path(data_dir), SURVEY_SCHEMA)
    return frame.sort_values(["wave", "respondent_id"], kind="stable").reset_index(drop=True)


def replace_waves(data_dir: Path, rows: pd.DataFrame) -> list[str]:
    """Store ``rows`` (columns of the schema), replacing the waves they bring.

    Returns the waves that were already held and are now replaced.
    """
    order = ["wave", "respondent_id"]
    replaced = replace_keyed(responses_path(data_dir), SURVEY_SCHEMA, rows, ["wave"], order)
    return sorted({str(w) for w in replaced["wave"]})
