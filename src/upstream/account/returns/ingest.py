"""Import providers' quarterly returns (CSV or XLSX) into the returns store.

Like every ingest, it is all or nothing: every file is read and checked before anything is
written. A file whose header has a column that looks like it identifies a person (name,
date of birth, address, ...) is refused outright: returns are counts. Rows that fail are
quarantined (one CSV per input file, naming line and field) and, beyond ``max_rejects``,
stop the import with nothing written. A return (programme and quarter) with any failing
row is refused whole (see :mod:`upstream.account.returns.validate`); the others are
stored, each replacing the same programme's return for that quarter if one was held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from upstream.account.returns.schema import OPTIONAL, RETURN_COLUMNS
from upstream.account.returns.store import replace_returns
from upstream.account.returns.validate import check_return_rows, check_returns
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.quarantine import settle_rejections
from upstream.ingest.tabular import TextReader, csv_header, xlsx_header
from upstream.vocab import IDENTIFYING_COLUMNS

__all__ = ["ReturnFile", "ReturnsResult", "ingest_returns"]


@dataclass
class ReturnFile:
    """What happened to one input file."""

    name: str
    rows_read: int = 0
    stored: int = 0
    returns: list[tuple[str, str]] = field(default_factory=list)  # (programme, quarter)
    synthetic_rows: int = 0
    quarantined: int = 0
    quarantine_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    unit: str = "line"


@dataclass
class ReturnsResult:
    """The outcome of one import: per file, and the returns that replaced earlier ones."""

    files: list[ReturnFile]
    replaced: list[tuple[str, str]]


def _refuse_identifying(inp: InputFile) -> None:
    if inp.format == "csv":
        header, unit = csv_header(inp), "line"
    elif inp.format == "xlsx":
        header, unit = xlsx_header(inp), "row"
    else:
        raise IngestError(inp.name, "programme returns must be CSV or XLSX files")
    for name in header:
        key = "_".join(name.strip().lower().split())
        if IDENTIFYING_COLUMNS.search(key):
            raise IngestError(
                inp.name,
                "this column looks like it identifies people; a programme return holds "
                "counts only (no names, dates of birth, addresses or contact details). "
                "Remove the column and send the counts",
                line=1,
                field=name,
                unit=unit,
            )


def _read(inp: InputFile, report: ReturnFile, today: date) -> tuple[pd.DataFrame, list[Rejection]]:
    _refuse_identifying(inp)
    reader = TextReader(inp, RETURN_COLUMNS, OPTIONAL)
    report.unit = reader.unit
    frames: list[pd.DataFrame] = []
    rejected: list[Rejection] = []
    for batch in reader.batches():
        report.rows_read += batch.num_rows
        checked = check_return_rows(batch, inp.name, reader.unit, today)
        frames.append(checked.frame)
        rejected += checked.rejected
    report.ignored_columns = reader.extra_columns
    rejected = reader.malformed + rejected
    report.rows_read += len(reader.malformed)
    columns = ["programme", "provider", "quarter", "measure", "category", "value", "synthetic"]
    empty = pd.DataFrame({c: pd.Series(dtype="string") for c in columns}).assign(
        value=pd.Series(dtype="int64"),
        synthetic=pd.Series(dtype="bool"),
        _line=pd.Series(dtype="int64"),
    )
    frame = pd.concat([empty, *frames], ignore_index=True)  # no frames: every row malformed
    whole = check_returns(frame, rejected, inp.name, reader.unit)
    return whole.frame, rejected + whole.rejected


def ingest_returns(
    inputs: Sequence[InputFile],
    data_dir: Path,
    *,
    quarantine_dir: Path,
    max_rejects: int = 0,
    today: date | None = None,
) -> ReturnsResult:
    """Check every file, quarantine what fails, then store the good returns at once.

    Parameters
    ----------
    inputs
        The return files (CSV or XLSX).
    data_dir
        The data folder; returns are kept in ``returns/returns.parquet`` under it.
    quarantine_dir
        Where each file's rejected rows are written.
    max_rejects
        Rejected rows a file may have and still have its other returns stored.
    today
        The date a quarter must have started by (default: today).

    Raises
    ------
    IngestError
        A file that cannot be used, the same return in two files, or more rejected rows
        than ``max_rejects`` (:class:`~upstream.ingest.quarantine.TooManyRejections`);
        nothing is then stored.
    """
    today = today or date.today()
    reports: list[ReturnFile] = []
    kept: list[pd.DataFrame] = []
    seen: dict[tuple[str, str], str] = {}
    stamp = pd.Timestamp(datetime.now(UTC))
    for inp in inputs:
        report = ReturnFile(inp.name)
        frame, rejected = _read(inp, report, today)
        for key in frame[["programme", "quarter"]].drop_duplicates().itertuples(index=False):
            pair = (str(key[0]), str(key[1]))
            if pair in seen:
                raise IngestError(
                    inp.name,
                    f"return {pair[0]} {pair[1]} is also in {seen[pair]}; send each return once",
                    field="quarter",
                )
            seen[pair] = inp.name
            report.returns.append(pair)
        report.quarantined = len(rejected)
        report.quarantine_file = settle_rejections(inp.name, rejected, quarantine_dir, max_rejects)
        report.stored = len(frame)
        report.synthetic_rows = int(frame["synthetic"].sum())
        source = Path(inp.name.split(":")[-1]).name
        kept.append(frame.drop(columns="_line").assign(source_file=source, ingested_at=stamp))
        reports.append(report)
    rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    replaced = replace_returns(data_dir, rows) if len(rows) else []
    return ReturnsResult(reports, replaced)
