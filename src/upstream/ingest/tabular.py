"""Streaming CSV and Parquet input as batches of text columns, with exact line numbers.

Every format module validates the same thing: a table of text cells, one batch at a time,
each row carrying the line (CSV) or row (Parquet) it came from. Reading this way keeps
memory bounded by the batch size whatever the file size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile

__all__ = ["Batch", "TextReader", "normalise_name"]

BLOCK_SIZE = 16 << 20  # bytes of CSV parsed per batch
PARQUET_BATCH = 250_000  # rows per Parquet batch


def normalise_name(name: str) -> str:
    """``'Last outcome category'`` -> ``'last_outcome_category'`` (header matching)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class Batch:
    """Rows of text cells under canonical column names; empty cells are ``""``."""

    table: pa.Table
    lines: np.ndarray  # line (CSV) or row (Parquet) number of each row, 1-based

    @property
    def num_rows(self) -> int:
        return int(self.table.num_rows)


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

    Rows with the wrong number of fields and blank lines are not returned: they are
    collected in :attr:`malformed` as rejections naming their line.
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
        self.unit = "line" if inp.format == "csv" else "row"

    # ---- header -----------------------------------------------------------------------
    def _match_header(self, found: list[str]) -> dict[str, str]:
        """Map each canonical column to the file's column name, or fail naming the field."""
        by_norm: dict[str, str] = {}
        for name in found:
            by_norm.setdefault(normalise_name(name), name)
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
                line=1 if self.inp.format == "csv" else None,
                field=missing[0],
            )
        used = set(mapping.values())
        self.extra_columns = [f for f in found if f not in used]
        return mapping

    def _csv_header(self) -> list[str]:
        with self.inp.open() as raw:
            head = raw.read(1 << 16)
        if not head:
            raise IngestError(self.inp.name, "the file is empty", line=1)
        if b"\x00" in head:
            raise IngestError(self.inp.name, "not a text CSV file (it contains binary data)")
        first = head.split(b"\n", 1)[0]
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IngestError(
                self.inp.name,
                f"not a UTF-8 text CSV file (undecodable byte at position {exc.start})",
                line=1,
            ) from exc
        return next(csv.reader(io.StringIO(text)), [])

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
        header = self._csv_header()
        mapping = self._match_header(header)
        skipped: list[int] = []

        def on_invalid(row: pv.InvalidRow) -> str:
            number = int(row.number) if row.number is not None else None
            if number is not None:
                skipped.append(number)
            if row.text.strip() == "":
                return "skip"  # a blank line: nothing to keep, nothing lost
            self.malformed.append(
                Rejection(
                    self.inp.name,
                    number,
                    None,
                    f"row has {row.actual_columns} fields, the header has {row.expected_columns}",
                    row.text,
                )
            )
            return "skip"

        stream = self.inp.open()
        try:
            reader = pv.open_csv(
                stream,
                read_options=pv.ReadOptions(block_size=BLOCK_SIZE, use_threads=False),
                parse_options=pv.ParseOptions(
                    newlines_in_values=False,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pv.ConvertOptions(
                    column_types={name: pa.string() for name in header},
                    include_columns=list(mapping.values()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            data_rows = 0
            for record_batch in reader:
                n = record_batch.num_rows
                lines = np.arange(data_rows + 2, data_rows + 2 + n, dtype="int64")
                for s in sorted(skipped):
                    lines[lines >= s] += 1
                data_rows += n
                table = pa.Table.from_batches([record_batch])
                yield Batch(self._canonical(table, mapping), lines)
        except pa.ArrowInvalid as exc:
            raise IngestError(self.inp.name, f"cannot be parsed as CSV ({exc})") from exc
        except (OSError, EOFError) as exc:
            raise IngestError(self.inp.name, f"cannot be read ({exc})") from exc
        finally:
            stream.close()
        if data_rows == 0 and not self.malformed:
            raise IngestError(self.inp.name, "the file has a header but no rows", line=2)

    def _parquet_batches(self) -> Iterator[Batch]:
        try:
            handle = pq.ParquetFile(self.inp.open())
        except (pa.ArrowInvalid, OSError) as exc:
            raise IngestError(self.inp.name, f"not a readable Parquet file ({exc})") from exc
        mapping = self._match_header(list(handle.schema_arrow.names))
        if handle.metadata.num_rows == 0:
            raise IngestError(self.inp.name, "the file has no rows")
        done = 0
        try:
            for record_batch in handle.iter_batches(
                batch_size=PARQUET_BATCH, columns=list(mapping.values())
            ):
                n = record_batch.num_rows
                lines = np.arange(done + 1, done + 1 + n, dtype="int64")
                done += n
                table = pa.Table.from_batches([record_batch])
                yield Batch(self._canonical(table, mapping), lines)
        except (pa.ArrowInvalid, OSError) as exc:
            raise IngestError(self.inp.name, f"cannot be read ({exc})") from exc

    def _xlsx_batches(self) -> Iterator[Batch]:
        """The first sheet of a workbook, every cell as text; rows numbered as in Excel."""
        import zipfile

        import pandas as pd

        try:
            with self.inp.open() as fh:
                frame = pd.read_excel(fh, sheet_name=0, dtype=str, keep_default_na=False)
        except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
            raise IngestError(self.inp.name, f"not a readable XLSX workbook ({exc})") from exc
        mapping = self._match_header([str(c) for c in frame.columns])
        frame = frame.dropna(how="all")
        blank = (frame.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)
        frame = frame[~blank]
        if frame.empty:
            raise IngestError(
                self.inp.name, "the sheet has a header but no rows", line=2, unit="row"
            )
        lines = frame.index.to_numpy(dtype="int64") + 2  # header is row 1
        table = pa.table(
            {c: pa.array(frame[c].astype(str).tolist(), pa.string()) for c in mapping.values()}
        )
        yield Batch(self._canonical(table, mapping), lines)

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
