"""data.police.uk street-level crime: the official monthly ``*-street.csv`` files.

Columns are used exactly as data.police.uk publishes them. Rows are checked field by field;
a row that fails goes to quarantine with the reason, a file that is wrong as a whole (header,
month) stops the ingest. Rows with no location are counted as unplaced; rows placed outside
the partnership area are counted as outside; neither is stored (they cannot be attributed
to the area) and both appear in ``upstream status``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upstream.definitions import POLICE_UK_CRIME_TYPES
from upstream.ingest.checks import coordinates, fail_first, not_in, not_matching, rejections
from upstream.ingest.errors import Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.formats import Cleaned
from upstream.ingest.tabular import Batch
from upstream.vocab import MONTH_PATTERN as YYYY_MM

__all__ = ["STREET", "STREET_COLUMNS", "StreetFormat"]

STREET_COLUMNS: dict[str, str] = {
    "crime_id": "Crime ID",
    "month": "Month",
    "reported_by": "Reported by",
    "falls_within": "Falls within",
    "longitude": "Longitude",
    "latitude": "Latitude",
    "location": "Location",
    "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA name",
    "crime_type": "Crime type",
    "last_outcome_category": "Last outcome category",
    "context": "Context",
}
"""Canonical (stored) column name -> the header data.police.uk uses."""

MONTH_PATTERN = f"^{YYYY_MM}$"
"""A ``YYYY-MM`` month, anchored for Arrow's regular expressions."""
LSOA_PATTERN = r"^[EW]01\d{6}$"

STORED_SCHEMA = pa.schema(
    [
        ("crime_id", pa.string()),
        ("month", pa.string()),
        ("reported_by", pa.string()),
        ("falls_within", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("location", pa.string()),
        ("lsoa_code", pa.string()),
        ("lsoa_name", pa.string()),
        ("crime_type", pa.string()),
        ("last_outcome_category", pa.string()),
        ("context", pa.string()),
        ("x", pa.float64()),
        ("y", pa.float64()),
    ]
)


def _null_if_empty(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


class StreetFormat:
    """Validation and normalisation of street-level crime rows."""

    source = "police_uk_street"
    kind = "street"
    columns: Mapping[str, str] = STREET_COLUMNS
    optional: frozenset[str] = frozenset()
    schema = STORED_SCHEMA

    def clean(self, batch: Batch, inp: InputFile, unit: str) -> Cleaned:
        """Check every field of a batch; return the typed good rows and the rejections."""
        t = batch.table
        name = inp.name
        month = t.column("month")
        if inp.month is not None:
            wrong = ~np.asarray(pc.equal(month, inp.month).to_numpy(zero_copy_only=False))
            fail_first(
                batch,
                wrong,
                name,
                "month",
                "Month",
                f"month differs from the file name's month {inp.month}",
                unit,
            )
        rejected: list[Rejection] = []
        bad = np.zeros(t.num_rows, dtype=bool)

        def check(field: str, failing: np.ndarray, reason: str) -> None:
            nonlocal bad
            failing = failing & ~bad  # report each row once, for its first problem
            if failing.any():
                rejected.extend(
                    rejections(batch, failing, name, field, reason, STREET_COLUMNS[field], unit)
                )
                bad |= failing

        check(
            "month",
            not_matching(month, MONTH_PATTERN, allow_empty=False),
            "not a month in YYYY-MM form",
        )
        check(
            "crime_type",
            not_in(t.column("crime_type"), POLICE_UK_CRIME_TYPES, False),
            "not a police.uk crime type",
        )
        check(
            "falls_within",
            not_matching(t.column("falls_within"), r"\S", False),
            "the force is missing",
        )
        check(
            "reported_by",
            not_matching(t.column("reported_by"), r"\S", False),
            "the reporting force is missing",
        )
        check(
            "lsoa_code",
            not_matching(t.column("lsoa_code"), LSOA_PATTERN),
            "not an LSOA code (E01/W01 and six digits)",
        )
        lon, lat, problems = coordinates(t.column("longitude"), t.column("latitude"))
        check("longitude", problems["longitude"], "not a longitude between -180 and 180")
        check("latitude", problems["latitude"], "not a latitude between -90 and 90")

        keep = ~bad
        good = t.filter(pa.array(keep))
        arrays = {}
        for field in STREET_COLUMNS:
            if field in ("longitude", "latitude"):
                continue
            col = good.column(field)
            arrays[field] = col if field in ("month", "crime_type") else _null_if_empty(col)
        typed = pa.table(
            {
                **{k: arrays[k] for k in ("crime_id", "month", "reported_by", "falls_within")},
                "longitude": pa.array(lon[keep]),
                "latitude": pa.array(lat[keep]),
                **{
                    k: arrays[k]
                    for k in (
                        "location",
                        "lsoa_code",
                        "lsoa_name",
                        "crime_type",
                        "last_outcome_category",
                        "context",
                    )
                },
            }
        )
        return Cleaned(typed, rejected)


STREET = StreetFormat()
