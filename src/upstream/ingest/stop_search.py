"""data.police.uk stop and search: the official monthly ``*-stop-and-search.csv`` files.

A stop-and-search record has a date and time; its month is the file's month. data.police.uk
files sometimes hold a few searches dated in the month before the file's month (late
records); those are accepted. A date further away means the wrong file and stops the ingest.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from upstream.ingest.checks import coordinates, fail_first, mask, not_in, not_matching, rejections
from upstream.ingest.errors import Rejection
from upstream.ingest.files import InputFile
from upstream.ingest.formats import Cleaned
from upstream.ingest.police_uk import MONTH_PATTERN
from upstream.ingest.tabular import Batch
from upstream.vocab import local_month as month_of

__all__ = ["STOP_SEARCH", "STOP_SEARCH_COLUMNS", "StopSearchFormat"]

STOP_SEARCH_COLUMNS: dict[str, str] = {
    "type": "Type",
    "date": "Date",
    "part_of_a_policing_operation": "Part of a policing operation",
    "policing_operation": "Policing operation",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "gender": "Gender",
    "age_range": "Age range",
    "self_defined_ethnicity": "Self-defined ethnicity",
    "officer_defined_ethnicity": "Officer-defined ethnicity",
    "legislation": "Legislation",
    "object_of_search": "Object of search",
    "outcome": "Outcome",
    "outcome_linked_to_object_of_search": "Outcome linked to object of search",
    "removal_of_more_than_just_outer_clothing": "Removal of more than just outer clothing",
    "month": "month",  # not in the official CSV (the file name carries it); Parquet may have it
}

TYPES = ("Person search", "Vehicle search", "Person and Vehicle search")
GENDERS = ("Male", "Female", "Other")
AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
BOOLEAN_FIELDS = (
    "part_of_a_policing_operation",
    "outcome_linked_to_object_of_search",
    "removal_of_more_than_just_outer_clothing",
)
_TEXT_FIELDS = (
    "type",
    "policing_operation",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
    "legislation",
    "object_of_search",
    "outcome",
)

STORED_SCHEMA = pa.schema(
    [
        ("month", pa.string()),
        ("type", pa.string()),
        ("date", pa.timestamp("us", tz="UTC")),
        ("part_of_a_policing_operation", pa.bool_()),
        ("policing_operation", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("gender", pa.string()),
        ("age_range", pa.string()),
        ("self_defined_ethnicity", pa.string()),
        ("officer_defined_ethnicity", pa.string()),
        ("legislation", pa.string()),
        ("object_of_search", pa.string()),
        ("outcome", pa.string()),
        ("outcome_linked_to_object_of_search", pa.bool_()),
        ("removal_of_more_than_just_outer_clothing", pa.bool_()),
        ("x", pa.float64()),
        ("y", pa.float64()),
    ]
)


def _booleans(col: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    lowered = pc.utf8_lower(col)
    truth = mask(pc.equal(lowered, "true"))
    false = mask(pc.equal(lowered, "false"))
    empty = mask(pc.equal(lowered, ""))
    values = pa.array(np.where(truth, True, False), mask=~(truth | false))
    return values, ~(truth | false | empty)


class StopSearchFormat:
    """Validation and normalisation of stop-and-search rows."""

    source = "police_uk_stop_search"
    kind = "stop_search"
    columns: Mapping[str, str] = STOP_SEARCH_COLUMNS
    optional: frozenset[str] = frozenset({"month", "policing_operation"})
    schema = STORED_SCHEMA

    def clean(self, batch: Batch, inp: InputFile, unit: str) -> Cleaned:
        """Check every field of a batch; return the typed good rows and the rejections."""
        t = batch.table
        name = inp.name
        n = t.num_rows
        rejected: list[Rejection] = []
        bad = np.zeros(n, dtype=bool)

        def check(field: str, failing: np.ndarray, reason: str) -> None:
            nonlocal bad
            failing = failing & ~bad
            if failing.any():
                official = STOP_SEARCH_COLUMNS[field]
                rejected.extend(rejections(batch, failing, name, field, reason, official, unit))
                bad |= failing

        dates = pd.to_datetime(
            pd.Series(t.column("date").to_pylist(), dtype="string"),
            format="ISO8601",
            utc=True,
            errors="coerce",
        )
        check("date", dates.isna().to_numpy(), "not an ISO 8601 date and time")
        local_month: np.ndarray = month_of(dates).fillna("").to_numpy(dtype=object)
        if inp.month is not None:
            month = np.full(n, inp.month, dtype=object)
        else:
            given = np.asarray(t.column("month").to_pylist(), dtype=object)
            check("month", not_matching(t.column("month"), MONTH_PATTERN), "not a YYYY-MM month")
            month = np.where(given == "", local_month, given)
        months_seen = {m for m, b in zip(month, bad, strict=True) if m and not b}
        before = {m: str(pd.Period(m, "M") - 1) for m in months_seen}
        previous = np.array([before.get(m, "") for m in month], dtype=object)
        wrong = ~bad & (local_month != month) & (local_month != previous)
        fail_first(
            batch,
            wrong,
            name,
            "date",
            "Date",
            "date is not in the file's month (or the month before)",
            unit,
        )
        check("type", not_in(t.column("type"), TYPES, allow_empty=False), "not a search type")
        check("gender", not_in(t.column("gender"), GENDERS), "not a gender police.uk uses")
        check(
            "age_range",
            not_in(t.column("age_range"), AGE_RANGES),
            "not an age range police.uk uses",
        )
        flags = {}
        for field in BOOLEAN_FIELDS:
            values, invalid = _booleans(t.column(field))
            check(field, invalid, "not True or False")
            flags[field] = values
        lon, lat, problems = coordinates(t.column("longitude"), t.column("latitude"))
        check("longitude", problems["longitude"], "not a longitude between -180 and 180")
        check("latitude", problems["latitude"], "not a latitude between -90 and 90")

        keep = ~bad
        keep_arr = pa.array(keep)
        good = t.filter(keep_arr)
        text = {
            f: pc.if_else(
                pc.equal(good.column(f), ""), pa.scalar(None, pa.string()), good.column(f)
            )
            for f in _TEXT_FIELDS
        }
        typed = pa.table(
            {
                "month": pa.array(month[keep].astype(str), pa.string()),
                "type": text["type"],
                "date": pa.array(dates[keep].dt.as_unit("us"), pa.timestamp("us", tz="UTC")),
                "part_of_a_policing_operation": flags["part_of_a_policing_operation"].filter(
                    keep_arr
                ),
                "policing_operation": text["policing_operation"],
                "longitude": pa.array(lon[keep]),
                "latitude": pa.array(lat[keep]),
                **{f: text[f] for f in _TEXT_FIELDS[2:]},
                "outcome_linked_to_object_of_search": flags[
                    "outcome_linked_to_object_of_search"
                ].filter(keep_arr),
                "removal_of_more_than_just_outer_clothing": flags[
                    "removal_of_more_than_just_outer_clothing"
                ].filter(keep_arr),
            }
        )
        return Cleaned(typed, rejected)


STOP_SEARCH = StopSearchFormat()
