"""Import resident survey microdata (CSV or XLSX) into the survey store.

Like every ingest it is all or nothing: every file is read and checked before anything is
written. A file with a column that looks like it identifies a person (name, date of birth,
address, contact details) is refused outright: respondents are known only by the survey's
pseudonymous id. Rows that fail (missing weights, unknown codes, impossible waves) are
quarantined, one CSV per input file naming the line or row and the field, and beyond
``max_rejects`` stop the import with nothing stored. The waves brought replace the same
waves already held, so re-running an import changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from upstream.account.survey.schema import GROUPS, OPTIONAL, QUESTIONS, SURVEY_COLUMNS
from upstream.account.survey.store import replace_waves
from upstream.account.survey.validate import check_survey_rows, repeated_respondents
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.quarantine import settle_rejections
from upstream.ingest.tabular import TextReader, csv_header, normalise_name, xlsx_header
from upstream.vocab import IDENTIFYING_COLUMNS

__all__ = ["SurveyFile", "SurveyResult", "ingest_survey"]


@dataclass
class SurveyFile:
    """What happened to one input file."""

    name: str
    rows_read: int = 0
    stored: int = 0
    waves: list[str] = field(default_factory=list)
    synthetic_rows: int = 0
    quarantined: int = 0
    quarantine_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class SurveyResult:
    """The outcome of one import: per file, and the waves that replaced earlier ones."""

    files: list[SurveyFile]
    replaced: list[str]


def _refuse_identifying(inp: InputFile) -> None:
    if inp.format == "csv":
        header, unit = csv_header(inp), "line"
    elif inp.format == "xlsx":
        header, unit = xlsx_header(inp), "row"
    else:
        raise IngestError(inp.name, "survey microdata must be CSV or XLSX files")
    for name in header:
        if IDENTIFYING_COLUMNS.search(normalise_name(name)):
            raise IngestError(
                inp.name,
                "this column looks like it identifies people; survey microdata hold the "
                "survey's pseudonymous respondent id only (no names, dates of birth, "
                "addresses or contact details). Remove the column",
                line=1,
                field=name,
                unit=unit,
            )


def _empty() -> pd.DataFrame:
    text = ["respondent_id", "area", "wave", *GROUPS, *QUESTIONS]
    return pd.DataFrame({c: pd.Series(dtype="string") for c in text}).assign(
        weight=pd.Series(dtype="float64"),
        wave_date=pd.Series(dtype="object"),
        synthetic=pd.Series(dtype="bool"),
        _line=pd.Series(dtype="int64"),
    )


def _read(inp: InputFile, report: SurveyFile, today: date) -> tuple[pd.DataFrame, list[Rejection]]:
    _refuse_identifying(inp)
    reader = TextReader(inp, SURVEY_COLUMNS, OPTIONAL)
    frames: list[pd.DataFrame] = [_empty()]
    rejected: list[Rejection] = []
    for batch in reader.batches():
        report.rows_read += batch.num_rows
        checked = check_survey_rows(batch, inp.name, reader.unit, today)
        frames.append(checked.frame)
        rejected += checked.rejected
    report.ignored_columns = reader.extra_columns
    report.rows_read += len(reader.malformed)
    frame = pd.concat(frames, ignore_index=True)
    again = repeated_respondents(frame, inp.name, reader.unit)
    if again:
        lines = {r.line for r in again}
        frame = frame[~frame["_line"].isin(lines)]
    return frame, reader.malformed + rejected + again


def ingest_survey(
    inputs: Sequence[InputFile],
    data_dir: Path,
    *,
    quarantine_dir: Path,
    max_rejects: int = 0,
    today: date | None = None,
) -> SurveyResult:
    """Check every file, quarantine what fails, then store the good responses at once.

    Parameters
    ----------
    inputs
        The survey files (CSV or XLSX).
    data_dir
        The data folder; responses are kept in ``survey/responses.parquet`` under it.
    quarantine_dir
        Where each file's rejected rows are written.
    max_rejects
        Rejected rows a file may have and still have its other rows stored.
    today
        The latest possible interview date (default: today).

    Raises
    ------
    IngestError
        A file that cannot be used, the same wave in two files, or more rejected rows than
        ``max_rejects`` (:class:`~upstream.ingest.quarantine.TooManyRejections`); nothing
        is then stored.
    """
    today = today or date.today()
    reports: list[SurveyFile] = []
    kept: list[pd.DataFrame] = []
    seen: dict[str, str] = {}
    stamp = pd.Timestamp(datetime.now(UTC))
    for inp in inputs:
        report = SurveyFile(inp.name)
        frame, rejected = _read(inp, report, today)
        for wave in sorted(set(frame["wave"])):
            if wave in seen:
                raise IngestError(
                    inp.name,
                    f"wave {wave} is also in {seen[wave]}; send each wave in one file",
                    field="wave_date",
                )
            seen[wave] = inp.name
            report.waves.append(wave)
        report.quarantined = len(rejected)
        report.quarantine_file = settle_rejections(inp.name, rejected, quarantine_dir, max_rejects)
        report.stored = len(frame)
        report.synthetic_rows = int(frame["synthetic"].sum())
        source = Path(inp.name.split(":")[-1]).name
        kept.append(frame.drop(columns="_line").assign(source_file=source, ingested_at=stamp))
        reports.append(report)
    rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    replaced = replace_waves(data_dir, rows) if len(rows) else []
    return SurveyResult(reports, replaced)
