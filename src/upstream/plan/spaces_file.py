"""Safe-space files: a partnership's list of safe spaces (or of candidate sites), CSV or XLSX.

Columns (header row; names as written here, in any order):

``name`` (required), ``address`` (may be empty), ``easting`` and ``northing`` (BNG metres)
**or** ``longitude`` and ``latitude`` (WGS84 degrees), ``opening_hours`` (the format of
:mod:`upstream.plan.hours`; ``closed`` for a place never open), and optionally ``kind``
(library, youth hub, shop...) and ``synthetic`` (true/false: demo rows).

The file is validated like every ingest: an unknown or missing column stops the read naming
it; a row with a bad value (coordinates that are not numbers, a place outside the area,
opening hours that do not parse, an empty name) is set aside with its reason in the
quarantine folder (``<data dir>/quarantine/<file>.rejected.csv``), and more than
``max_rejects`` such rows stop the read with one line naming the first row's file, line and
field. Nothing else is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upstream.area import Area, place_lonlat, place_xy
from upstream.ingest.checks import EASTING_NORTHING, LONLAT, coordinates, row_values
from upstream.ingest.csvread import csv_header
from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.quarantine import settle_rejections
from upstream.ingest.tabular import Batch, TextReader, normalise_name, xlsx_header
from upstream.plan.hours import HoursError, parse_hours

__all__ = ["DEMO_SPACES_FILE", "SPACE_COLUMNS", "SpacesFile", "read_spaces_file"]

DEMO_SPACES_FILE = "safe_spaces_synthetic.csv"
"""Name of the synthetic demonstration list ``make run`` writes under ``<data dir>/synthetic``."""

SPACE_COLUMNS = (
    "name",
    "address",
    "easting",
    "northing",
    "longitude",
    "latitude",
    "opening_hours",
    "kind",
    "synthetic",
)
"""The columns a safe-space file may have."""
_OPTIONAL = frozenset({"easting", "northing", "longitude", "latitude", "kind", "synthetic"})
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0", "")
_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class SpacesFile:
    """The good rows of a safe-space file and what happened to the others."""

    spaces: pd.DataFrame
    """``site_id``, ``name``, ``address``, ``kind``, ``x``, ``y`` (BNG), ``opening_hours``,
    ``synthetic``, ``line`` (where it was in the file)."""
    rejected: list[Rejection]
    quarantine: Path | None


def _input(path: Path) -> InputFile:
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise IngestError(str(path), "a safe-space file must be CSV or XLSX")
    if not path.is_file():
        raise IngestError(str(path), "file not found")

    def opener(p: Path = path) -> Any:
        return p.open("rb")

    return InputFile(str(path), _FORMATS[suffix], opener, path=path, size=path.stat().st_size)


def _check_header(inp: InputFile) -> set[str]:
    """The canonical columns the file has; refuses unknown columns and a missing location."""
    found = csv_header(inp) if inp.format == "csv" else xlsx_header(inp)
    unit = "line" if inp.format == "csv" else "row"
    unknown = [c for c in found if c.strip() and normalise_name(c) not in SPACE_COLUMNS]
    if unknown:
        raise IngestError(
            inp.name,
            f"unknown column(s) {', '.join(repr(c) for c in unknown)}; a safe-space file has "
            f"{', '.join(SPACE_COLUMNS)}",
            line=1,
            field=unknown[0],
            unit=unit,
        )
    have = {normalise_name(c) for c in found}
    pairs = [("easting", "northing"), ("longitude", "latitude")]
    if not any(a in have and b in have for a, b in pairs):
        raise IngestError(
            inp.name,
            "no location columns: give easting and northing (BNG metres) or longitude and latitude",
            line=1,
            unit=unit,
        )
    return have


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "site"


class _Rows:
    """Per-row failures of one batch; each row is reported once (its first problem)."""

    def __init__(self, batch: Batch, file: str, unit: str) -> None:
        self.batch, self.file, self.unit = batch, file, unit
        self.bad = np.zeros(batch.num_rows, dtype=bool)
        self.rejected: list[Rejection] = []

    def reject(self, i: int, field: str, reason: str) -> None:
        if self.bad[i]:
            return
        self.bad[i] = True
        values = row_values(self.batch.table, i)
        self.rejected.append(
            Rejection(self.file, int(self.batch.lines[i]), field, reason, values, self.unit)
        )


def _check_batch(
    batch: Batch, inp: InputFile, unit: str, area: Area, have: set[str], hours_required: bool
) -> tuple[pd.DataFrame, list[Rejection]]:
    t = batch.table
    rows = _Rows(batch, inp.name, unit)
    text = {c: np.asarray(t.column(c).to_pylist(), dtype=object) for c in SPACE_COLUMNS}
    for i, name in enumerate(text["name"]):
        if not str(name).strip():
            rows.reject(i, "name", "name is required")
    use_en = "easting" in have and "northing" in have
    use_ll = "longitude" in have and "latitude" in have
    x = np.full(batch.num_rows, np.nan)
    y = np.full(batch.num_rows, np.nan)
    if use_en:
        e, n, problems = coordinates(t.column("easting"), t.column("northing"), EASTING_NORTHING)
        for field, key in (("easting", "longitude"), ("northing", "latitude")):
            for at in np.flatnonzero(problems[key]):
                value = text[field][at]
                rows.reject(int(at), field, f"not a BNG {field} in metres (got {value!r})")
        x, y = e, n
    if use_ll:
        lon, lat, problems = coordinates(t.column("longitude"), t.column("latitude"), LONLAT)
        for field in ("longitude", "latitude"):
            for at in np.flatnonzero(problems[field]):
                value = text[field][at]
                rows.reject(int(at), field, f"not a {field} in degrees (got {value!r})")
        fill = ~np.isfinite(x) & np.isfinite(lon)
        if fill.any():
            placed = place_lonlat(area, lon[fill], lat[fill])
            x[fill], y[fill] = placed.x, placed.y
            far = np.flatnonzero(fill)[~np.isfinite(placed.x)]
            for at in far:
                rows.reject(int(at), "longitude", f"the place is outside {area.name}")
    field = "easting" if use_en else "longitude"
    for at in np.flatnonzero(~np.isfinite(x) | ~np.isfinite(y)):
        rows.reject(
            int(at), field, "no location: give easting and northing, or longitude and latitude"
        )
    inside = place_xy(area, x, y).inside
    for at in np.flatnonzero(~inside):
        rows.reject(int(at), field, f"the place is outside {area.name}")
    for i, hours in enumerate(text["opening_hours"]):
        if not hours.strip() and not hours_required:
            continue
        try:
            parse_hours(hours)
        except HoursError as exc:
            rows.reject(i, "opening_hours", f"opening hours not understood: {exc}")
    synthetic = np.zeros(batch.num_rows, dtype=bool)
    for i, value in enumerate(text["synthetic"]):
        low = str(value).strip().lower()
        if low in _TRUE:
            synthetic[i] = True
        elif low not in _FALSE:
            rows.reject(i, "synthetic", f"synthetic must be true or false (got {value!r})")
    keep = ~rows.bad
    frame = pd.DataFrame(
        {
            "name": [str(v).strip() for v in text["name"][keep]],
            "address": [str(v).strip() for v in text["address"][keep]],
            "kind": [str(v).strip() for v in text["kind"][keep]],
            "x": np.round(x[keep], 1),
            "y": np.round(y[keep], 1),
            "opening_hours": [" ".join(str(v).split()) for v in text["opening_hours"][keep]],
            "synthetic": synthetic[keep],
            "line": batch.lines[keep].astype("int64"),
        }
    )
    return frame, rows.rejected


def read_spaces_file(
    path: Path,
    area: Area,
    *,
    quarantine_dir: Path,
    max_rejects: int = 0,
    hours_required: bool = True,
    prefix: str = "space",
) -> SpacesFile:
    """Read and validate a safe-space (or candidate-site) file.

    Parameters
    ----------
    path
        CSV (UTF-8) or XLSX (first sheet) with the columns of :data:`SPACE_COLUMNS`.
    area
        The area pack: places outside its boundary are rejected.
    quarantine_dir
        Where the rejected rows go (one file per input, replaced at each read; removed when
        no row is rejected).
    max_rejects
        Rows that may be set aside before the read stops.
    hours_required
        False for a candidate-site file, whose opening hours may be empty (unknown).
    prefix
        Start of each ``site_id`` (``space-<name>``); ids are unique within the file.

    Raises
    ------
    IngestError
        On an unusable file (unknown or missing columns, unreadable), or more than
        ``max_rejects`` bad rows (:class:`~upstream.ingest.quarantine.TooManyRejections`).
    """
    inp = _input(Path(path))
    have = _check_header(inp)
    columns = {c: c for c in SPACE_COLUMNS}
    reader = TextReader(inp, columns, _OPTIONAL)
    parts: list[pd.DataFrame] = []
    rejected: list[Rejection] = []
    for batch in reader.batches():
        frame, bad = _check_batch(batch, inp, reader.unit, area, have, hours_required)
        parts.append(frame)
        rejected.extend(bad)
    rejected = sorted(reader.malformed + rejected, key=lambda r: r.line or 0)
    qpath = settle_rejections(Path(path).name, rejected, quarantine_dir, max_rejects)
    spaces = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if spaces.empty:
        raise IngestError(inp.name, "no usable row: every row was rejected", line=2)
    ids: list[str] = []
    seen: dict[str, int] = {}
    for name in spaces["name"]:
        base = f"{prefix}-{_slug(name)}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    spaces.insert(0, "site_id", ids)
    return SpacesFile(spaces.reset_index(drop=True), rejected, qpath)
