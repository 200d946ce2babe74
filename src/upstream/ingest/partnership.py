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

from upstream.area import Area, to_bng
from upstream.events import EventStore, Stage, month_range
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.incidents import (
    IDENTIFYING_COLUMNS,
    INCIDENT_COLUMNS,
    INCIDENT_OPTIONAL,
    INVOLVEMENT_COLUMNS,
    INVOLVEMENT_OPTIONAL,
    Checked,
    check_incidents,
    check_involvements,
)
from upstream.ingest.istv import A_AND_E_COLUMNS, A_AND_E_OPTIONAL, check_a_and_e
from upstream.ingest.pipeline import settle_rejections
from upstream.ingest.tabular import TextReader, normalise_name

__all__ = ["INCIDENTS_SCHEMA", "INVOLVEMENTS_SCHEMA", "PartnershipResult", "ingest_partnership"]

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
AGREEMENT_METRES = 50.0
"""Largest allowed distance between a row's easting/northing and its longitude/latitude."""


@dataclass
class FileReport:
    """What happened to one partnership file."""

    name: str
    table: str
    period: tuple[str, str]
    rows_read: int = 0
    stored: int = 0
    outside_area: int = 0
    unplaced: int = 0
    quarantined: int = 0
    quarantine_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    identifying_columns: list[str] = field(default_factory=list)
    synthetic_rows: int = 0


@dataclass
class PartnershipResult:
    """The outcome of one partnership ingest."""

    files: list[FileReport]
    skipped: list[str]
    months: dict[str, list[str]]  # event-store source -> months committed or emptied


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
    reader = TextReader(inp, {"_": "_"})
    if inp.format == "csv":
        header = {normalise_name(h) for h in reader._csv_header()}
    elif inp.format == "xlsx":
        with inp.open() as fh:
            try:
                header = {normalise_name(str(c)) for c in pd.read_excel(fh, nrows=0).columns}
            except (ValueError, OSError, KeyError) as exc:
                raise IngestError(inp.name, f"not a readable XLSX workbook ({exc})") from exc
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
    )


def _read(inp: InputFile, table: str, report: FileReport) -> tuple[Checked, Checked | None]:
    columns, optional = _TABLES[table]
    reader = TextReader(inp, columns, optional)
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
    rejected = reader.malformed + [r for p, _ in parts for r in p.rejected]
    report.rows_read += len(reader.malformed)
    main = Checked(pd.concat([p.frame for p, _ in parts], ignore_index=True), rejected)
    if table != "a_and_e":
        return main, None
    return main, Checked(pd.concat([q.frame for _, q in parts if q is not None]), [])


def _reject(
    frame: pd.DataFrame, bad: np.ndarray, file: str, unit: str, field_name: str, reason: str
) -> list[Rejection]:
    return [
        Rejection(file, int(line), field_name, reason, str(row), unit)
        for line, row in zip(
            frame["_line"][bad], frame[bad].drop(columns="_line").to_dict("records"), strict=True
        )
    ]


def _place(
    frame: pd.DataFrame, area: Area, file: str, unit: str
) -> tuple[pd.DataFrame, list[Rejection], np.ndarray, np.ndarray]:
    """BNG x/y from easting/northing or lon/lat; reject disagreement; flag outside/unplaced."""
    lon = frame["longitude"].to_numpy("float64")
    lat = frame["latitude"].to_numpy("float64")
    px, py = to_bng(lon, lat)
    east = frame["easting"].to_numpy("float64")
    north = frame["northing"].to_numpy("float64")
    has_bng = np.isfinite(east)
    distance = np.hypot(px - east, py - north)
    disagree = has_bng & np.isfinite(px) & (distance > AGREEMENT_METRES)
    rejected = _reject(
        frame,
        disagree,
        file,
        unit,
        "easting",
        f"easting/northing and longitude/latitude are more than {AGREEMENT_METRES:.0f} m apart",
    )
    x = np.where(has_bng, east, px)
    y = np.where(has_bng, north, py)
    placed = np.isfinite(x)
    if (placed & ~np.isfinite(lon)).any():  # BNG given alone: fill lon/lat for the record
        from pyproj import Transformer

        back = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
        fill = placed & ~np.isfinite(lon)
        glon, glat = back.transform(x[fill], y[fill])
        lon, lat = lon.copy(), lat.copy()
        lon[fill], lat[fill] = np.round(glon, 6), np.round(glat, 6)
    out = frame.assign(x=x, y=y, longitude=lon, latitude=lat)[~disagree]
    inside = area.contains(out["x"].to_numpy(), out["y"].to_numpy())
    unplaced = ~np.isfinite(out["x"].to_numpy())
    return out, rejected, inside, unplaced


def _months_of(stamps: pd.Series) -> pd.Series:
    return stamps.dt.tz_convert("Europe/London").dt.strftime("%Y-%m")


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
) -> PartnershipResult:
    """Ingest partnership files (``tables``: "incidents"/"involvements" or "a_and_e").

    Raises
    ------
    IngestError
        On any problem that makes a file unusable; the store is then unchanged.
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

    # Incidents: unique ids across files, placement, period, month.
    seen: set[str] = set()
    placed: dict[str, pd.DataFrame] = {}
    outside: dict[str, pd.DataFrame] = {}
    by_id_month: dict[str, tuple[str, str, str]] = {}
    synthetic_of: dict[str, bool] = {}
    outside_ids: set[str] = set()
    unit_of = {r.name: ("line" if r.name.endswith(".csv") else "row") for r in reports}
    for report, frame in incidents:
        unit = unit_of[report.name]
        dup = frame["incident_id"].isin(seen).to_numpy()
        rejected[report.name] += _reject(
            frame,
            dup,
            report.name,
            unit,
            "incident_id",
            "incident_id already given in another file of this ingest",
        )
        frame = frame[~dup]
        seen.update(frame["incident_id"])
        frame, bad, inside, unplaced = _place(frame, area, report.name, unit)
        rejected[report.name] += bad
        # An incident belongs to the month it happened; an A&E attendance to the month of
        # the attendance (its extract's period), so re-sending a period replaces it exactly.
        dated = "reported_at" if report.table == "a_and_e" else "occurred_from"
        shown = "attended_at" if report.table == "a_and_e" else "occurred_from"
        frame = frame.assign(month=_months_of(frame[dated]))
        if not report.period[0]:
            months = sorted(frame["month"].unique())
            report.period = (months[0], months[-1]) if months else ("", "")
        lo, hi = report.period
        wrong = ((frame["month"] < lo) | (frame["month"] > hi)).to_numpy()
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            when = frame[dated].iloc[i].tz_convert("Europe/London").isoformat()
            raise IngestError(
                report.name,
                f"{shown} {when} is outside the file's period {lo} to {hi}",
                line=int(frame["_line"].iloc[i]),
                field=shown,
                unit=unit,
            )
        report.outside_area = int((~inside & ~unplaced).sum())
        report.unplaced = int(unplaced.sum())
        report.synthetic_rows = int(frame["synthetic"].sum())
        outside_ids.update(frame["incident_id"][~inside & ~unplaced])
        keep = inside | unplaced
        frame = frame.assign(_key=_partition_key(frame["source"], frame["synthetic"]))
        placed[report.name] = frame[keep]
        outside[report.name] = frame[~keep]
        for iid, key, src, month in zip(
            frame["incident_id"], frame["_key"], frame["source"], frame["month"], strict=True
        ):
            by_id_month[iid] = (str(key), str(src), str(month))
        synthetic_of.update(zip(frame["incident_id"], frame["synthetic"], strict=True))

    # Involvements: must name an incident of this ingest.
    linked: dict[str, pd.DataFrame] = {}
    for report, frame in involvements:
        unit = unit_of[report.name]
        known = frame["incident_id"].isin(by_id_month.keys()).to_numpy()
        rejected[report.name] += _reject(
            frame,
            ~known,
            report.name,
            unit,
            "incident_id",
            "no incident with this incident_id in the files of this ingest",
        )
        frame = frame[known]
        flag = frame["incident_id"].map(synthetic_of).astype(bool)
        mismatch = (flag != frame["synthetic"]).to_numpy()
        rejected[report.name] += _reject(
            frame,
            mismatch,
            report.name,
            unit,
            "synthetic",
            "synthetic differs from its incident's synthetic flag",
        )
        frame = frame[~mismatch & ~frame["incident_id"].isin(outside_ids).to_numpy()]
        src_month = frame["incident_id"].map(by_id_month)
        frame = frame.assign(
            _key=[k for k, _, _ in src_month],
            source=[s for _, s, _ in src_month],
            month=[m for _, _, m in src_month],
        )
        linked[report.name] = pd.concat([linked.get(report.name, frame.iloc[:0]), frame])

    # Quarantine and the reject limit.
    for report in reports:
        report.quarantined = len(rejected[report.name])
        report.quarantine_file = settle_rejections(
            report.name, rejected[report.name], quarantine_dir, max_rejects
        )

    # Stage and commit.
    replace: dict[str, list[str]] = {}
    with store.stage() as stage:
        for report in reports:
            kept = placed.get(report.name)
            if kept is not None:
                report.stored = len(kept)
                _stage(stage, kept, "incidents", INCIDENTS_SCHEMA, report.name)
                _count_outside(stage, outside[report.name], report.name)
                if report.period[0]:
                    period_months = month_range(*report.period)
                    keys = set(kept["_key"]) | set(outside[report.name]["_key"])
                    for key in sorted(keys):
                        replace.setdefault(f"incidents_{key}", []).extend(period_months)
                        replace.setdefault(f"involvements_{key}", []).extend(period_months)
            inv = linked.get(report.name)
            if inv is not None:
                if report.table == "involvements":
                    report.stored = len(inv)
                _stage(stage, inv, "involvements", INVOLVEMENTS_SCHEMA, report.name)
        log = {
            r.name: {
                "kind": r.table,
                "source": "partnership",
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
        committed = store.commit(stage, inputs=log, replace=replace)
    touched: dict[str, set[str]] = {}
    for part in committed:
        touched.setdefault(part.source, set()).add(part.month)
    for source, ms in replace.items():
        touched.setdefault(source, set()).update(ms)
    return PartnershipResult(
        reports, list(skipped), {k: sorted(v) for k, v in sorted(touched.items())}
    )


def _partition_key(source: pd.Series, synthetic: pd.Series) -> pd.Series:
    """Event-store partition key: the supplying agency, kept apart for synthetic rows so a
    synthetic extract never replaces real data and the reverse."""
    return source.astype(str) + np.where(synthetic.to_numpy(dtype=bool), "_synthetic", "")


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
