"""Streaming CSV, Parquet and XLSX input as batches of text columns, with exact line numbers.

Every format module validates the same thing: a table of text cells, one batch at a time,
each row carrying the line (CSV) or row (Parquet, XLSX) it came from. Reading this way keeps
memory bounded by the batch size whatever the file size.

Rows that hold nothing are skipped, never stored or rejected: empty lines, lines of
whitespace, and rows whose every cell the ingest reads is empty (``,,,,`` as spreadsheets
write them); the last are counted in :attr:`TextReader.blank_rows`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from upstream.ingest.csvread import csv_header, prefetch, read_csv
from upstream.ingest.errors import IngestError, Rejection, machine_error
from upstream.ingest.files import InputFile
from upstream.ingest.xlsx import xlsx_rows

__all__ = ["Batch", "TextReader", "csv_header", "normalise_name", "xlsx_header"]

PARQUET_BATCH = 250_000  # rows per Parquet batch
XLSX_BATCH = 50_000  # rows per XLSX batch


def normalise_name(name: str) -> str:
    """``'Last outcome category'`` -> ``'last_outcome_category'`` (header matching)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class Batch:
    """Rows of text cells under canonical column names; empty cells are ``""``."""

    table: pa.Table
    lines: np.ndarray  # line (CSV) or row (Parquet, XLSX) number of each row, 1-based

    @property
    def num_rows(self) -> int:
        return int(self.table.num_rows)


def xlsx_header(inp: InputFile) -> list[str]:
    """The column names in the first row of a workbook's first sheet."""
    rows = xlsx_rows(inp.open, inp.name)
    try:
        first = next(rows, None)
    finally:
        rows.close()
    if first is None:
        raise IngestError(inp.name, "the sheet is empty", line=1, unit="row")
    return first[1]


class TextReader:
    """Read one input file as :class:`Batch` es of text, checking its header first.

    Parameters
    ----------
    inp
        The file.
    columns
        Canonical column name -> the name the official CSV uses (e.g.
        ``{"crime_type": "Crime type"}``). Parquet may use either form.
    optional
        Canonical names that may be absent (they are then all empty).

    Rows with the wrong number of fields are not returned: they are collected in
    :attr:`malformed` as rejections naming their line (and holding no values: a row that
    cannot be split into the header's columns cannot say which cell is which).
    """

    def __init__(
        self,
        inp: InputFile,
        columns: Mapping[str, str],
        optional: frozenset[str] = frozenset(),
    ) -> None:
        self.inp = inp
        self.columns = dict(columns)
        self.optional = optional
        self.malformed: list[Rejection] = []
        self.extra_columns: list[str] = []
        self.blank_rows = 0
        self.bytes_done = 0  # input bytes read so far (for estimates)
        self.unit = "line" if inp.format == "csv" else "row"

    # ---- header -----------------------------------------------------------------------
    def _header_line(self) -> int | None:
        return None if self.inp.format == "parquet" else 1

    def _match_header(self, found: list[str]) -> dict[str, str]:
        """Map each canonical column to the file's column name, or fail naming the field."""
        first_at: dict[str, int] = {}
        by_norm: dict[str, str] = {}
        for position, name in enumerate(found, 1):
            key = normalise_name(name)
            if not key:
                continue
            if key in first_at:
                raise IngestError(
                    self.inp.name,
                    f"columns {first_at[key]} and {position} are both named "
                    f"{found[first_at[key] - 1]!r}; each column must be named once",
                    line=self._header_line(),
                    field=name,
                    unit=self.unit,
                )
            first_at[key] = position
            by_norm[key] = name
        mapping: dict[str, str] = {}
        missing: list[str] = []
        for canon, official in self.columns.items():
            hit = by_norm.get(normalise_name(official)) or by_norm.get(canon)
            if hit is None:
                if canon not in self.optional:
                    missing.append(official)
                continue
            if self.inp.format == "csv" and hit != official and hit != canon:
                raise IngestError(
                    self.inp.name,
                    f"column is spelled '{hit}'; the official header is '{official}'",
                    line=1,
                    field=official,
                )
            mapping[canon] = hit
        if missing:
            expected = ", ".join(self.columns.values())
            raise IngestError(
                self.inp.name,
                f"missing column(s) {', '.join(repr(m) for m in missing)}; found "
                f"{', '.join(repr(f) for f in found) or 'nothing'}; expected {expected}",
                line=self._header_line(),
                field=missing[0],
                unit=self.unit,
            )
        used = set(mapping.values())
        self.extra_columns = [f for f in found if f not in used and f.strip()]
        return mapping

    # ---- batches ----------------------------------------------------------------------
    def batches(self) -> Iterator[Batch]:
        """Yield batches of the file's rows; raises :class:`IngestError` on unusable input."""
        if self.inp.format == "parquet":
            yield from self._parquet_batches()
        elif self.inp.format == "csv":
            yield from self._csv_batches()
        elif self.inp.format == "xlsx":
            yield from self._xlsx_batches()
        else:
            raise IngestError(self.inp.name, f"{self.inp.format} is not read by this format")

    def _csv_batches(self) -> Iterator[Batch]:
        data_rows = 0
        parsed = prefetch(read_csv(self.inp, self._match_header))
        try:
            for part in parsed:
                self.bytes_done = part.end_offset
                self.malformed.extend(part.malformed)
                batch = self._keep_filled(part.table, part.lines, part.mapping)
                if batch is not None:
                    data_rows += batch.num_rows
                    yield batch
        finally:
            parsed.close()
        if data_rows == 0 and not self.malformed:
            raise IngestError(self.inp.name, "the file has a header but no rows", line=2)

    def _keep_filled(
        self, table: pa.Table, lines: np.ndarray, mapping: Mapping[str, str]
    ) -> Batch | None:
        """Drop rows whose read cells are all empty (counted in ``blank_rows``)."""
        if table.num_columns:
            empty = np.ones(table.num_rows, dtype=bool)
            for col in table.columns:
                empty &= np.asarray(pc.equal(col, "").to_numpy(zero_copy_only=False), dtype=bool)
            if empty.any():
                self.blank_rows += int(empty.sum())
                table = table.filter(pa.array(~empty))
                lines = lines[~empty]
        if table.num_rows == 0:
            return None
        return Batch(self._canonical(table, mapping), lines)

    def _parquet_batches(self) -> Iterator[Batch]:
        source = str(self.inp.path) if self.inp.path is not None else self.inp.open()
        try:
            handle = pq.ParquetFile(source)
        except (pa.ArrowInvalid, OSError) as exc:
            if machine_error(exc):
                raise
            raise IngestError(self.inp.name, f"not a readable Parquet file ({exc})") from exc
        try:
            schema = handle.schema_arrow
            mapping = self._match_header(list(schema.names))
            for canon, name in mapping.items():
                kind = schema.field(name).type
                if not _textual(kind):
                    raise IngestError(
                        self.inp.name,
                        f"column holds {kind} values; expected text, numbers or dates",
                        field=self.columns[canon],
                    )
            total = handle.metadata.num_rows
            if total == 0:
                raise IngestError(self.inp.name, "the file has no rows")
            done = 0
            for record_batch in handle.iter_batches(
                batch_size=PARQUET_BATCH, columns=list(mapping.values()), use_threads=False
            ):
                n = record_batch.num_rows
                lines = np.arange(done + 1, done + 1 + n, dtype="int64")
                done += n
                self.bytes_done = self.inp.size * done // total
                table = pa.Table.from_batches([record_batch])
                yield Batch(self._canonical(table, mapping), lines)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
            if machine_error(exc):
                raise
            raise IngestError(self.inp.name, f"cannot be read ({exc})") from exc
        finally:
            handle.close()

    def _xlsx_batches(self) -> Iterator[Batch]:
        """The first sheet of a workbook, every cell as text; rows numbered as in Excel."""
        rows = xlsx_rows(self.inp.open, self.inp.name)
        try:
            yield from self._xlsx_rows_to_batches(rows)
        finally:
            rows.close()

    def _xlsx_rows_to_batches(
        self, rows: Generator[tuple[int, list[str]], None, None]
    ) -> Iterator[Batch]:
        header_row = next(rows, None)
        if header_row is None:
            raise IngestError(self.inp.name, "the sheet is empty", line=1, unit="row")
        header = header_row[1]
        mapping = self._match_header(header)
        wanted = [header.index(mapping[c]) for c in self.columns if c in mapping]
        width = len(header)
        cells: list[list[str]] = []
        numbers: list[int] = []
        stored = 0
        for number, values in rows:
            if not any(v.strip() for v in values):
                continue  # a blank row
            if any(v.strip() for v in values[width:]):
                self.malformed.append(
                    Rejection(
                        self.inp.name,
                        number,
                        None,
                        f"row has a value beyond the header's {width} columns",
                        unit="row",
                    )
                )
                continue
            values = values + [""] * (width - len(values))
            cells.append([values[i] for i in wanted])
            numbers.append(number)
            if len(cells) >= XLSX_BATCH:
                batch = self._xlsx_batch(cells, numbers, mapping)
                stored += 0 if batch is None else batch.num_rows
                if batch is not None:
                    yield batch
                cells, numbers = [], []
        batch = self._xlsx_batch(cells, numbers, mapping) if cells else None
        if batch is not None:
            stored += batch.num_rows
            yield batch
        self.bytes_done = self.inp.size
        if stored == 0 and not self.malformed:
            raise IngestError(
                self.inp.name, "the sheet has a header but no rows", line=2, unit="row"
            )

    def _xlsx_batch(
        self, cells: list[list[str]], numbers: list[int], mapping: Mapping[str, str]
    ) -> Batch | None:
        names = [mapping[c] for c in self.columns if c in mapping]
        table = pa.table(
            {n: pa.array([row[i] for row in cells], pa.string()) for i, n in enumerate(names)}
        )
        return self._keep_filled(table, np.asarray(numbers, dtype="int64"), mapping)

    def _canonical(self, table: pa.Table, mapping: Mapping[str, str]) -> pa.Table:
        """Text columns under canonical names, empty string for null, in canonical order."""
        out = {}
        for canon in self.columns:
            if canon not in mapping:
                out[canon] = pa.array([""] * table.num_rows, pa.string())
                continue
            col = table.column(mapping[canon])
            if not pa.types.is_string(col.type):
                col = pc.cast(col, pa.string())
            out[canon] = pc.fill_null(col, "")
        return pa.table(out)


def _textual(kind: pa.DataType) -> bool:
    """Types whose values read as text: strings, numbers, booleans, dates and times."""
    if pa.types.is_dictionary(kind):
        return _textual(kind.value_type)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
        or pa.types.is_temporal(kind)
    )
