"""Bad input to the network package: the one error it raises, and the two privacy checks
every input frame passes (no identifying column, no id that looks like a name)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from upstream.vocab import IDENTIFYING_COLUMNS, NAME_LIKE

__all__ = ["NetworkInputError", "refuse_identifying", "refuse_name_like"]


class NetworkInputError(ValueError):
    """A links or people frame breaks its schema.

    The message names the line (the CSV line: a frame's row ``i`` is line ``i + 2``, after
    the header) and the field, and never quotes a value that could identify a person.
    """

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        where = ", ".join(p for p in (f"line {line}" if line else "", field or "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.field = field


def refuse_identifying(columns: Iterable[object]) -> None:
    """:class:`NetworkInputError` if a column looks like it identifies people (a name, date
    of birth, address, contact detail or NHS/PNC/pupil number): the file is refused whole."""
    for column in columns:
        if IDENTIFYING_COLUMNS.search(str(column).strip().lower().replace(" ", "_")):
            raise NetworkInputError(
                "this column looks like it identifies people; network files hold pseudonymous "
                "ids only. Remove the column",
                line=1, field=str(column),
            )  # fmt: skip


def refuse_name_like(ids: pd.Series, field: str) -> None:
    """:class:`NetworkInputError` if an id has a space or no digit (value withheld)."""
    bad = ids.astype("string").str.contains(NAME_LIKE, regex=True).fillna(False)
    if bad.any():
        raise NetworkInputError(
            "looks like a personal name (a space or no digit); give a pseudonym such as "
            "P-7F3A9C21 (value withheld)",
            line=int(np.flatnonzero(bad.to_numpy(dtype=bool))[0]) + 2, field=field,
        )  # fmt: skip
