"""Ingest of partnership extracts: incidents with involvements, and A&E (Cardiff Model) data.

Like the police.uk ingest it is all or nothing: every file is read and checked, rows are
placed and clipped to the area, and only then are the affected months committed in one
atomic step. Each file covers a *period* (from ``--period``, else the period in its file
name such as ``incidents_2023.csv`` or ``incidents_2023-01_2023-06.csv``, else the months of
its rows). Re-ingesting a period replaces, for each supplying agency (``source``) in the
file, every month of that period, so a corrected extract never duplicates rows and a month
that is now empty is emptied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from upstream.area import Area
from upstream.events import EventStore, Partition, Stage, month_range
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.incidents import (
    INCIDENT_COLUMNS,
    INCIDENT_OPTIONAL,
    INVOLVEMENT_COLUMNS,
    INVOLVEMENT_OPTIONAL,
    Checked,
    check_incidents,
    check_involvements,
)
from upstream.ingest.istv import A_AND_E_COLUMNS, A_AND_E_OPTIONAL, check_a_and_e
from upstream.ingest.linking import FileReport, Incidents, frame_rejections
from upstream.ingest.pipeline import Progress, disk_full
from upstream.ingest.quarantine import settle_rejections
from upstream.ingest.tabular import TextReader, csv_header, normalise_name, xlsx_header
from upstream.vocab import IDENTIFYING_COLUMNS

__all__ = [
    "INCIDENTS_SCHEMA",
    "INVOLVEMENTS_SCHEMA",
    "FileReport",
    "PartnershipResult",
    "ingest_partnership",
]

INCIDENTS_SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("source", pa.string()),
        ("month", pa.string()),
        ("offence", pa.string()),
        ("offence_detail", pa.string()),
        ("occurred_from", pa.timestamp("us", tz="UTC")),
        ("occurred_to", pa.timestamp("us", tz="UTC")),
        ("reported_at", pa.timestamp("us", tz="UTC")),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("x", pa.float64()),
        ("y", pa.float64()),
        ("location_type", pa.string()),
        ("weapon", pa.string()),
        ("injury", pa.string()),
        ("domestic_abuse", pa.bool_()),
        ("number_of_assailants", pa.int16()),
        ("relationship_to_assailant", pa.string()),
        ("synthetic", pa.bool_()),
    ]
)
INVOLVEMENTS_SCHEMA = pa.schema(
    [
        ("incident_id", pa.string()),
        ("source", pa.string()),
        ("month", pa.string()),
        ("role", pa.string()),
        ("person_ref", pa.string()),
        ("age", pa.int16()),
        ("sex", pa.string()),
        ("ethnicity_self_defined", pa.string()),
        ("ethnicity_officer_defined", pa.string()),
        ("synthetic", pa.bool_()),
    ]
)
_PERIOD = re.compile(r"(\d{4}(?:-\d{2})?)(?:_(\d{4}(?:-\d{2})?))?$")
_TABLES = {
    "incidents": (INCIDENT_COLUMNS, INCIDENT_OPTIONAL),
    "involvements": (INVOLVEMENT_COLUMNS, INVOLVEMENT_OPTIONAL),
    "a_and_e": (A_AND_E_COLUMNS, A_AND_E_OPTIONAL),
}


@dataclass
class PartnershipResult:
    """The outcome of one partnership ingest.

    ``removed_involvements`` lists involvement partitions emptied because an incidents
    file was re-ingested without its involvements file (re-ingesting a period replaces its
    incidents and their involvements together); ``overtaken`` lists partitions another
    ingest committed while this one ran, which this one then replaced.
    """

    files: list[FileReport]
    skipped: list[str]
    months: dict[str, list[str]]  # event-store source -> months committed or emptied
    removed_involvements: list[Partition] = field(default_factory=list)
    overtaken: list[Partition] = field(default_factory=list)


def _period_bounds(text: str, name: str) -> tuple[str, str]:
    match = _PERIOD.fullmatch(text.strip())
    if not match:
        raise IngestError(name, f"period {text!r} must be YYYY, YYYY-MM or FIRST_LAST of those")
    first, last = match.group(1), match.group(2) or match.group(1)
    lo = first if len(first) == 7 else f"{first}-01"
    hi = last if len(last) == 7 else f"{last}-12"
    try:
        months = month_range(lo, hi)
    except ValueError as exc:
        raise IngestError(name, f"period {text!r} is not a valid month range") from exc
    if not months:
        raise IngestError(name, f"period {text!r} ends before it starts")
    return lo, hi


def _name_period(inp: InputFile) -> str | None:
    stem = Path(inp.name.split(":")[-1]).stem
    match = _PERIOD.search(stem)
    if match and (match.start() == 0 or stem[match.start() - 1] in "_-"):
        return match.group(0)
    return None


def _which_table(inp: InputFile, allowed: Sequence[str]) -> str:
    if inp.format == "csv":
        header = {normalise_name(h) for h in csv_header(inp)}
    elif inp.format == "xlsx":
        header = {normalise_name(h) for h in xlsx_header(inp)}
    else:
        raise IngestError(inp.name, "partnership extracts must be CSV or XLSX files")
    for table in allowed:
        columns, optional = _TABLES[table]
        required = {c for c in columns if c not in optional}
        if len(required & header) >= max(2, len(required) // 2):
            return table
    raise IngestError(
        inp.name,
        f"the header matches none of: {', '.join(allowed)} (see docs/data-formats.md)",
        line=1,
        unit="line" if inp.format == "csv" else "row",
    )


_UNIQUE = {
    "incidents": (["incident_id"], "incident_id", "duplicate incident_id in this file"),
    "a_and_e": (["incident_id"], "attendance_id", "duplicate attendance_id in this file"),
    "involvements": (
        ["incident_id", "role", "person_ref"],
        "person_ref",
        "the same person_ref appears twice with the same incident_id and role",
    ),
}
"""Per table: the key that must be unique in a whole file, the field named, the reason."""


def _unique_in_file(
    frame: pd.DataFrame, table: str, file: str, unit: str
) -> tuple[np.ndarray, list[Rejection]]:
    """Rows repeating an earlier row's key anywhere in the file (not only in one batch)."""
    key, field_name, reason = _UNIQUE[table]
    dup = frame.duplicated(key, keep="first").to_numpy()
    if not dup.any():
        return dup, []
    first_line = frame.groupby(key, sort=False)["_line"].transform("first").to_numpy()
    out = []
    for i in np.flatnonzero(dup):
        only = np.zeros(len(frame), dtype=bool)
        only[i] = True
        why = f"{reason} (first on {unit} {int(first_line[i])})"
        out += frame_rejections(frame, only, file, unit, field_name, why)
    return dup, out


def _read(inp: InputFile, table: str, report: FileReport) -> tuple[Checked, Checked | None]:
    columns, optional = _TABLES[table]
    reader = TextReader(inp, columns, optional)
    report.unit = reader.unit
    parts: list[tuple[Checked, Checked | None]] = []
    for batch in reader.batches():
        report.rows_read += batch.num_rows
        if table == "incidents":
            parts.append((check_incidents(batch, inp.name, reader.unit), None))
        elif table == "involvements":
            parts.append((check_involvements(batch, inp.name, reader.unit), None))
        else:
            parts.append(check_a_and_e(batch, inp.name, reader.unit))
    report.ignored_columns = reader.extra_columns
    report.identifying_columns = [c for c in reader.extra_columns if IDENTIFYING_COLUMNS.search(c)]
    report.blank_rows = reader.blank_rows
    rejected = reader.malformed + [r for p, _ in parts for r in p.rejected]
    report.rows_read += len(reader.malformed)
    frame = pd.concat([p.frame for p, _ in parts], ignore_index=True)
    dup, repeated = _unique_in_file(frame, table, inp.name, reader.unit)
    main = Checked(frame[~dup].reset_index(drop=True), rejected + repeated)
    if table != "a_and_e":
        return main, None
    extra = pd.concat([q.frame for _, q in parts if q is not None], ignore_index=True)
    return main, Checked(extra[~dup].reset_index(drop=True), [])


def ingest_partnership(
    inputs: Sequence[InputFile],
    tables: Sequence[str],
    store: EventStore,
    area: Area,
    *,
    quarantine_dir: Path,
    max_rejects: int = 0,
    period: str | None = None,
    skipped: Sequence[str] = (),
    progress: Progress | None = None,
) -> PartnershipResult:
    """Ingest partnership files (``tables``: "incidents"/"involvements" or "a_and_e").

    ``progress(name, rows)`` is called as each file has been read, with its rows.

    Raises
    ------
    IngestError
        On any problem that makes a file unusable; the store is then unchanged.
    OSError
        When the machine refuses (read-only or full disk); the store is then unchanged.
    """
    reports: list[FileReport] = []
    incidents: list[tuple[FileReport, pd.DataFrame]] = []
    involvements: list[tuple[FileReport, pd.DataFrame]] = []
    rejected: dict[str, list[Rejection]] = {}
    for inp in inputs:
        table = _which_table(inp, tables)
        text = period or _name_period(inp)
        report = FileReport(inp.name, table, _period_bounds(text, inp.name) if text else ("", ""))
        main, extra = _read(inp, table, report)
        rejected[inp.name] = list(main.rejected)
        if table == "involvements":
            involvements.append((report, main.frame))
        else:
            incidents.append((report, main.frame))
            if extra is not None:
                involvements.append((report, extra.frame))
        reports.append(report)
        if progress is not None:
            progress(inp.name, report.rows_read)

    known = Incidents(area)
    for report, frame in incidents:
        rejected[report.name] += known.add(report, frame)
    linked: dict[str, pd.DataFrame] = {}
    for report, frame in involvements:
        frame, bad = known.link(report, frame)
        rejected[report.name] += bad
        linked[report.name] = pd.concat([linked.get(report.name, frame.iloc[:0]), frame])

    for report in reports:
        report.quarantined = len(rejected[report.name])
        report.quarantine_file = settle_rejections(
            report.name, rejected[report.name], quarantine_dir, max_rejects
        )

    replace: dict[str, list[str]] = {}
    with store.stage() as stage:
        try:
            for report in reports:
                _stage_file(stage, report, known, linked.get(report.name), replace)
            commit = store.commit(stage, inputs=_log(reports, area.name), replace=replace)
        except OSError as exc:
            total = sum(inp.size for inp in inputs)
            full = disk_full(exc, stage, total, total)
            if full is exc:
                raise
            raise full from exc
    touched: dict[str, set[str]] = {}
    for part in commit.partitions:
        touched.setdefault(part.source, set()).add(part.month)
    for source, ms in replace.items():
        touched.setdefault(source, set()).update(ms)
    no_involvements = "involvements" in tables and all(r.table != "involvements" for r in reports)
    return PartnershipResult(
        reports,
        list(skipped),
        {k: sorted(v) for k, v in sorted(touched.items())},
        [p for p in commit.removed if no_involvements and p.source.startswith("involvements_")],
        commit.overtaken,
    )


def _stage_file(
    stage: Stage,
    report: FileReport,
    known: Incidents,
    inv: pd.DataFrame | None,
    replace: dict[str, list[str]],
) -> None:
    """Stage one file's rows; note the period it replaces for every agency in it."""
    kept = known.placed.get(report.name)
    if kept is not None:
        outside = known.outside[report.name]
        report.stored = len(kept)
        _stage(stage, kept, "incidents", INCIDENTS_SCHEMA, report.name)
        _count_outside(stage, outside, report.name)
        keys = set(kept["_key"]) | set(outside["_key"])
        report.sources.update(f"incidents_{key}" for key in keys)
        if report.period[0]:
            period_months = month_range(*report.period)
            for key in sorted(keys):
                replace.setdefault(f"incidents_{key}", []).extend(period_months)
                replace.setdefault(f"involvements_{key}", []).extend(period_months)
    if inv is not None:
        if report.table == "involvements":
            report.stored = len(inv)
        _stage(stage, inv, "involvements", INVOLVEMENTS_SCHEMA, report.name)
        report.sources.update(f"involvements_{key}" for key in set(inv["_key"]))
    stage.finish(report.name)


def _log(reports: Sequence[FileReport], area: str) -> dict[str, dict[str, object]]:
    """The ingest log kept in the manifest: per file, what happened to its rows, which
    event-store sources it supplied (so ``upstream status`` counts its quarantined rows) and
    the area it was ingested for (its rows without a location were accepted as that area's)."""
    return {
        r.name: {
            "area": area,
            "kind": r.table,
            "sources": sorted(r.sources),
            "rows_read": r.rows_read,
            "stored": r.stored,
            "outside_area": r.outside_area,
            "unplaced": r.unplaced,
            "quarantined": r.quarantined,
            "months": list(r.period),
            "synthetic_rows": r.synthetic_rows,
        }
        for r in reports
    }


def _count_outside(stage: Stage, frame: pd.DataFrame, origin: str) -> None:
    """Record rows placed outside the area against their partition (they are not stored)."""
    empty = INCIDENTS_SCHEMA.empty_table()
    for (key, month), rows in frame.groupby(["_key", "month"], sort=True):
        stage.append(f"incidents_{key}", str(month), empty, origin)
        stage.count(f"incidents_{key}", str(month), outside_area=len(rows))


def _stage(stage: Stage, frame: pd.DataFrame, table: str, schema: pa.Schema, origin: str) -> None:
    for (key, month), rows in frame.groupby(["_key", "month"], sort=True):
        data = rows.drop(columns=[c for c in rows.columns if c not in schema.names])
        data = data.sort_values(
            ["incident_id", *(["role", "person_ref"] if table == "involvements" else [])],
            kind="stable",
        )
        arrow = pa.Table.from_pandas(data[schema.names], schema=schema, preserve_index=False)
        stage.append(f"{table}_{key}", str(month), arrow, origin)
        if table == "incidents":
            stage.count(f"{table}_{key}", str(month), unplaced=int(data["x"].isna().sum()))
