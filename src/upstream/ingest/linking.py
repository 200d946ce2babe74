"""The incidents of one partnership ingest, and the involvements linked to them.

Incident ids must be unique across the files of an ingest. Each incident is placed (BNG from
easting/northing or longitude/latitude, which must agree), counted as inside the area,
outside it or unplaced, dated to its month and checked against its file's period, and keyed
to its event-store partition (supplying agency, synthetic kept apart). A file none of whose
placed rows is inside the area is refused when that cannot be genuine. Involvements must
name an incident of the same ingest, and take its partition and month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from upstream.area import Area, place_xy, to_bng, to_lonlat
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.incidents import FREE_TEXT
from upstream.ingest.pipeline import swapped_inside
from upstream.vocab import TIME_ZONE, local_month

__all__ = [
    "AGREEMENT_METRES",
    "ALL_OUTSIDE_LIMIT",
    "FileReport",
    "Incidents",
    "frame_rejections",
    "partition_key",
    "place",
]

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
    blank_rows: int = 0
    unit: str = "line"
    sources: set[str] = field(default_factory=set)  # event-store sources it supplied


_NOT_SHOWN = {"_line", "_key", "x", "y", *FREE_TEXT}
"""Frame columns never put in quarantine: internal ones and free text."""


def frame_rejections(
    frame: pd.DataFrame, bad: np.ndarray, file: str, unit: str, field_name: str, reason: str
) -> list[Rejection]:
    """One rejection per row in ``bad``, holding only the values quarantine may show."""
    shown = [c for c in frame.columns if c not in _NOT_SHOWN]
    rows = frame[bad]
    return [
        Rejection(
            file,
            int(line),
            field_name,
            reason,
            {c: "" if pd.isna(v) else str(v) for c, v in zip(shown, values, strict=True)},
            unit,
        )
        for line, values in zip(
            rows["_line"], rows[shown].itertuples(index=False, name=None), strict=True
        )
    ]


def place(
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
    rejected = frame_rejections(
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
        fill = placed & ~np.isfinite(lon)
        lon, lat = lon.copy(), lat.copy()
        lon[fill], lat[fill] = to_lonlat(x[fill], y[fill])
    out = frame.assign(x=x, y=y, longitude=lon, latitude=lat)[~disagree]
    where = place_xy(area, out["x"].to_numpy(), out["y"].to_numpy())
    return out, rejected, where.inside, where.unplaced


def _months_of(stamps: pd.Series) -> pd.Series:
    """The Europe/London calendar month of each instant."""
    return local_month(stamps)


ALL_OUTSIDE_LIMIT = 10
"""A file with this many placed rows, none inside the area, is refused even when no swap is
seen: an extract of the area's data cannot all lie outside it. Fewer may be genuine (a
hospital's month of a few assaults just over the boundary) and are counted as outside."""


def _all_outside(name: str, frame: pd.DataFrame, area: Area) -> IngestError | None:
    """Why a file none of whose placed rows is inside the area is refused, or None if not."""
    lon = frame["longitude"].to_numpy("float64")
    lat = frame["latitude"].to_numpy("float64")
    x = frame["x"].to_numpy("float64")
    y = frame["y"].to_numpy("float64")
    placed = int(np.isfinite(x).sum())
    given_bng = np.isfinite(frame["easting"].to_numpy("float64"))
    lonlat_swap = swapped_inside(area, lon[~given_bng], lat[~given_bng])
    bng_swap = int(place_xy(area, y[given_bng], x[given_bng]).inside.sum())
    if lonlat_swap:
        why = (
            f"{lonlat_swap:,} would be with longitude and latitude exchanged: "
            "the two columns look swapped"
        )
    elif bng_swap:
        why = f"{bng_swap:,} would be with easting and northing exchanged: they look swapped"
    elif placed >= ALL_OUTSIDE_LIMIT:
        why = "check the coordinate columns, and that the area pack (UPSTREAM_AREA_DIR) is right"
    else:
        return None
    return IngestError(
        name,
        f"none of the {placed:,} placed rows is inside the area; {why}",
        field="easting" if bng_swap and not lonlat_swap else "longitude",
    )


class Incidents:
    """The incidents of one ingest: ids unique across its files, placed, dated, keyed."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.placed: dict[str, pd.DataFrame] = {}
        self.outside: dict[str, pd.DataFrame] = {}
        self.by_id: dict[str, tuple[str, str, str]] = {}  # id -> (key, source, month)
        self.synthetic_of: dict[str, bool] = {}
        self.outside_ids: set[str] = set()

    def add(self, report: FileReport, frame: pd.DataFrame) -> list[Rejection]:
        unit = report.unit
        dup = frame["incident_id"].isin(self.by_id.keys()).to_numpy()
        rejected = frame_rejections(
            frame,
            dup,
            report.name,
            unit,
            "incident_id",
            "incident_id already given in another file of this ingest",
        )
        frame, bad, inside, unplaced = place(frame[~dup], self.area, report.name, unit)
        rejected += bad
        if (~unplaced).any() and not inside.any():
            refusal = _all_outside(report.name, frame, self.area)
            if refusal is not None:
                raise refusal
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
            when = frame[dated].iloc[i].tz_convert(TIME_ZONE).isoformat()
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
        self.outside_ids.update(frame["incident_id"][~inside & ~unplaced])
        keep = inside | unplaced
        frame = frame.assign(_key=partition_key(frame["source"], frame["synthetic"]))
        self.placed[report.name] = frame[keep]
        self.outside[report.name] = frame[~keep]
        for iid, key, src, month in zip(
            frame["incident_id"], frame["_key"], frame["source"], frame["month"], strict=True
        ):
            self.by_id[iid] = (str(key), str(src), str(month))
        self.synthetic_of.update(zip(frame["incident_id"], frame["synthetic"], strict=True))
        return rejected

    def link(self, report: FileReport, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
        """Involvements that name an incident of this ingest, with its partition and month."""
        unit = report.unit
        known = frame["incident_id"].isin(self.by_id.keys()).to_numpy()
        rejected = frame_rejections(
            frame,
            ~known,
            report.name,
            unit,
            "incident_id",
            "no incident with this incident_id in the files of this ingest",
        )
        frame = frame[known]
        flag = frame["incident_id"].map(self.synthetic_of).astype(bool)
        mismatch = (flag != frame["synthetic"]).to_numpy()
        rejected += frame_rejections(
            frame,
            mismatch,
            report.name,
            unit,
            "synthetic",
            "synthetic differs from its incident's synthetic flag",
        )
        frame = frame[~mismatch & ~frame["incident_id"].isin(self.outside_ids).to_numpy()]
        src_month = frame["incident_id"].map(self.by_id)
        frame = frame.assign(
            _key=[k for k, _, _ in src_month],
            source=[s for _, s, _ in src_month],
            month=[m for _, _, m in src_month],
        )
        return frame, rejected


def partition_key(source: pd.Series, synthetic: pd.Series) -> pd.Series:
    """Event-store partition key: the supplying agency, kept apart for synthetic rows so a
    synthetic extract never replaces real data and the reverse."""
    return source.astype(str) + np.where(synthetic.to_numpy(dtype=bool), "_synthetic", "")
