"""Vectorised field checks shared by the ingest formats.

Each check looks at whole columns at once and returns a boolean mask of the rows that
fail, so validating millions of rows stays fast; :func:`rejections` turns a mask into
messages that name the file, line and field.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upstream.ingest.errors import IngestError, Rejection
from upstream.ingest.tabular import Batch

__all__ = [
    "EASTING_NORTHING",
    "LONLAT",
    "coordinates",
    "fail_first",
    "mask",
    "not_in",
    "not_matching",
    "rejections",
    "row_values",
]

_NUMBER = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"


def mask(array: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A pyarrow boolean result as a numpy mask (null counts as False)."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def not_matching(col: pa.ChunkedArray, pattern: str, allow_empty: bool = True) -> np.ndarray:
    """Rows whose text does not match ``pattern`` (a full-match regex)."""
    ok = mask(pc.match_substring_regex(col, pattern))
    if allow_empty:
        ok |= mask(pc.equal(col, ""))
    return ~ok


def not_in(col: pa.ChunkedArray, allowed: Iterable[str], allow_empty: bool = True) -> np.ndarray:
    """Rows whose text is not one of ``allowed``."""
    values = list(allowed) + ([""] if allow_empty else [])
    return ~mask(pc.is_in(col, value_set=pa.array(values, pa.string())))


LONLAT = ((-180.0, 180.0), (-90.0, 90.0))
"""Valid ranges of longitude and latitude in degrees."""
EASTING_NORTHING = ((0.0, 700_000.0), (0.0, 1_300_000.0))
"""Valid ranges of British National Grid easting and northing in metres."""


def coordinates(
    lon_text: pa.ChunkedArray,
    lat_text: pa.ChunkedArray,
    ranges: tuple[tuple[float, float], tuple[float, float]] = LONLAT,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Parse a coordinate pair's text into floats (NaN where both are empty).

    Returns ``(first, second, problems)`` where ``problems`` maps ``"longitude"`` (the first
    of the pair) and ``"latitude"`` (the second) to the mask of rows with an unusable
    value: not a number, outside ``ranges``, or only one of the pair given.
    """
    (lo0, hi0), (lo1, hi1) = ranges
    n = len(lon_text)
    lon_empty = mask(pc.equal(lon_text, ""))
    lat_empty = mask(pc.equal(lat_text, ""))
    fast = _fast_coordinates(lon_text, lat_text, lon_empty, lat_empty, ranges)
    if fast is not None:
        return fast
    lon_num = mask(pc.match_substring_regex(lon_text, _NUMBER))
    lat_num = mask(pc.match_substring_regex(lat_text, _NUMBER))
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if lon_num.any():
        lon[lon_num] = pc.cast(pc.utf8_trim_whitespace(pc.filter(lon_text, lon_num)), pa.float64())
    if lat_num.any():
        lat[lat_num] = pc.cast(pc.utf8_trim_whitespace(pc.filter(lat_text, lat_num)), pa.float64())
    bad_lon = (~lon_empty & ~lon_num) | (lon_num & ~((lon >= lo0) & (lon <= hi0)))
    bad_lat = (~lat_empty & ~lat_num) | (lat_num & ~((lat >= lo1) & (lat <= hi1)))
    bad_lon |= lon_empty & ~lat_empty
    bad_lat |= lat_empty & ~lon_empty
    lon[bad_lon | bad_lat] = np.nan
    lat[bad_lon | bad_lat] = np.nan
    return lon, lat, {"longitude": bad_lon, "latitude": bad_lat}


def _fast_coordinates(
    lon_text: pa.ChunkedArray,
    lat_text: pa.ChunkedArray,
    lon_empty: np.ndarray,
    lat_empty: np.ndarray,
    ranges: tuple[tuple[float, float], tuple[float, float]],
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]] | None:
    """The common case in one cast: every cell a number or both empty. None otherwise."""
    if not np.array_equal(lon_empty, lat_empty):
        return None
    null = pa.scalar(None, pa.string())
    try:
        lon = pc.cast(pc.if_else(pc.equal(lon_text, ""), null, lon_text), pa.float64())
        lat = pc.cast(pc.if_else(pc.equal(lat_text, ""), null, lat_text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    lon_np = np.asarray(lon.to_numpy(zero_copy_only=False), dtype="float64")
    lat_np = np.asarray(lat.to_numpy(zero_copy_only=False), dtype="float64")
    (lo0, hi0), (lo1, hi1) = ranges
    ok = lon_empty | ((lon_np >= lo0) & (lon_np <= hi0) & (lat_np >= lo1) & (lat_np <= hi1))
    if not ok.all():
        return None  # let the exact path name the field
    none = np.zeros(len(lon_np), dtype=bool)
    return lon_np, lat_np, {"longitude": none, "latitude": none}


def row_values(table: pa.Table, i: int, withheld: Iterable[str] = ()) -> dict[str, str]:
    """Row ``i``'s cells by column, leaving out the ``withheld`` columns (free text, or a
    value that may identify a person): what a quarantine file may hold of a row."""
    skip = set(withheld)
    return {
        c: "" if (v := table.column(c)[i].as_py()) is None else str(v)
        for c in table.column_names
        if c not in skip
    }


def rejections(
    batch: Batch,
    bad: np.ndarray,
    file: str,
    field: str,
    reason: str,
    official: str,
    unit: str,
    *,
    withheld: Iterable[str] = (),
) -> list[Rejection]:
    """One :class:`Rejection` per row in ``bad``, quoting the offending value.

    A field in ``withheld`` is neither quoted in the reason nor kept in the values.
    """
    hidden = set(withheld)
    out = []
    col = batch.table.column(field)
    for i in np.flatnonzero(bad):
        why = reason if field in hidden else f"{reason} (got {col[int(i)].as_py()!r})"
        out.append(
            Rejection(
                file,
                int(batch.lines[i]),
                official,
                why,
                row_values(batch.table, int(i), hidden),
                unit,
            )
        )
    return out


def fail_first(
    batch: Batch, bad: np.ndarray, file: str, field: str, official: str, message: str, unit: str
) -> None:
    """Raise an :class:`IngestError` for the first row in ``bad``, if any."""
    hits = np.flatnonzero(bad)
    if hits.size == 0:
        return
    i = int(hits[0])
    value = batch.table.column(field)[i].as_py()
    more = f"; {hits.size - 1} more such row(s) follow" if hits.size > 1 else ""
    raise IngestError(
        file,
        f"{message} (got {value!r}){more}",
        line=int(batch.lines[i]),
        field=official,
        unit=unit,
    )
