"""Writing plan outputs: CSV files written whole or not at all, safe to open in a spreadsheet."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd

from upstream.csvsafe import safe_cell

__all__ = ["write_csv"]


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` atomically (a reader never sees half a file), every text
    cell through :func:`upstream.csvsafe.safe_cell`. Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(object).map(safe_cell)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        out.to_csv(tmp, index=False, float_format="%.10g")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
