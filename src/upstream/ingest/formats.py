"""The contract every event format module meets, so one pipeline can ingest them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from upstream.ingest.errors import Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.tabular import Batch

__all__ = ["Cleaned", "EventFormat"]


@dataclass(frozen=True)
class Cleaned:
    """A batch after validation: typed good rows (with ``month``, ``longitude``,
    ``latitude``) and the rows rejected, each with its reason."""

    table: pa.Table
    rejected: list[Rejection]


class EventFormat(Protocol):
    """One external format that lands in one event-store source."""

    source: str  # event-store source key, e.g. "police_uk_street"
    kind: str  # what discover() calls it, e.g. "street"
    columns: Mapping[str, str]  # canonical name -> official header
    optional: frozenset[str]
    schema: pa.Schema  # stored schema (the cleaned columns plus x, y)

    def clean(self, batch: Batch, inp: InputFile, unit: str) -> Cleaned:
        """Validate one batch; raise IngestError when the file is wrong as a whole."""
        ...
