"""The person frame: who each pseudonymous person is, for grouping and auditing only.

Columns (all text in a CSV):

``id``
    The pseudonymous person id used in the links (never a name).
``age``
    Age in whole years on the date analysed (the caller works it out; no date of birth is
    held). Exploitation indicators use it, so a child at an old incident who has since
    turned 18 counts as an adult: the window keeps such cases few.
``sex``
    ``F``, ``M``, ``X`` (another identity) or empty (not known).
``ethnic_group``
    One of the five high-level ONS 2021 census groups (Asian, Black, Mixed, White, Other),
    or ``not stated`` / empty.
``harmed_dates``
    Dates the person was harmed as a victim, ``;``-separated ISO dates (may be empty).
``offences``
    Offences the person is a recorded suspect or offender for, ``;``-separated entries of
    ``YYYY-MM-DD|crime type|evidence id``; the crime type is a police.uk type, weighted by the
    harm weights of :mod:`upstream.definitions` (an unknown type gets the default weight).

A column that looks identifying (a name, date of birth, address, ...) refuses the file, and
so does an id that looks like a name; other columns are dropped.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from upstream.definitions import Definitions
from upstream.network.errors import NetworkInputError, refuse_identifying, refuse_name_like
from upstream.vocab import ETHNIC_GROUPS

__all__ = [
    "AGE_BANDS",
    "COLUMNS",
    "NOT_STATED",
    "SEXES",
    "age_band",
    "ages",
    "harmed_between",
    "offences_long",
    "validate_people",
]

COLUMNS = ("id", "age", "sex", "ethnic_group", "harmed_dates", "offences")
SEXES = ("F", "M", "X", "")
NOT_STATED = "not stated"
AGE_BANDS = (
    (0, 9, "under 10"),
    (10, 17, "10-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 200, "35+"),
)


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0]) + 2


def _check_dates(cell: str) -> bool:
    try:
        return all(date.fromisoformat(p.strip()) for p in cell.split(";") if p.strip())
    except ValueError:
        return False


def _check_offences(cell: str) -> bool:
    for entry in (p.strip() for p in cell.split(";") if p.strip()):
        parts = [x.strip() for x in entry.split("|")]
        if len(parts) != 3 or not parts[1] or not parts[2] or not _check_dates(parts[0]):
            return False
    return True


def validate_people(frame: pd.DataFrame) -> pd.DataFrame:
    """The people in ``frame`` checked and normalised, or :class:`NetworkInputError`."""
    refuse_identifying(frame.columns)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise NetworkInputError(f"missing column(s): {', '.join(missing)}")
    out = pd.DataFrame(
        {
            c: frame[c].reset_index(drop=True).astype("string").fillna("").str.strip()
            for c in COLUMNS
        }
    )
    if (out["id"] == "").any():
        raise NetworkInputError("must not be empty", line=_first(out["id"] == ""), field="id")
    refuse_name_like(out["id"], "id")
    dup = out["id"].duplicated()
    if dup.any():
        raise NetworkInputError("the same person twice", line=_first(dup), field="id")
    age = pd.to_numeric(out["age"], errors="coerce")
    bad = age.isna() | (age < 0) | (age > 120) | (age % 1 != 0)
    if bad.any():
        raise NetworkInputError("not an age in whole years (0-120)", line=_first(bad), field="age")
    if (~out["sex"].isin(SEXES)).any():
        raise NetworkInputError(
            "must be F, M, X or empty", line=_first(~out["sex"].isin(SEXES)), field="sex"
        )
    groups = (*ETHNIC_GROUPS, NOT_STATED, "")
    if (~out["ethnic_group"].isin(groups)).any():
        raise NetworkInputError(
            f"must be one of {', '.join(ETHNIC_GROUPS)}, {NOT_STATED} or empty",
            line=_first(~out["ethnic_group"].isin(groups)),
            field="ethnic_group",
        )
    bad = ~out["harmed_dates"].map(_check_dates).astype(bool)
    if bad.any():
        raise NetworkInputError(
            "dates must be YYYY-MM-DD separated by ;", line=_first(bad), field="harmed_dates"
        )
    bad = ~out["offences"].map(_check_offences).astype(bool)
    if bad.any():
        raise NetworkInputError(
            "entries must be YYYY-MM-DD|crime type|evidence id separated by ;",
            line=_first(bad),
            field="offences",
        )
    out["age"] = age.astype("int64")
    out.loc[out["ethnic_group"] == "", "ethnic_group"] = NOT_STATED
    out.loc[out["sex"] == "", "sex"] = "not known"
    return out


def ages(people: pd.DataFrame) -> pd.Series:
    """Each person's age (on the date analysed), indexed by id."""
    return pd.Series(people["age"].to_numpy(), index=people["id"].to_numpy())


def age_band(age: pd.Series) -> pd.Series:
    """The age band (:data:`AGE_BANDS`) of each age."""
    out = pd.Series("", index=age.index, dtype="object")
    for lo, hi, label in AGE_BANDS:
        out[(age >= lo) & (age <= hi)] = label
    return out


def offences_long(people: pd.DataFrame, definitions: Definitions) -> pd.DataFrame:
    """One row per offence: ``person``, ``date``, ``crime_type``, ``evidence_id``, ``harm``
    (the harm weight) and ``serious_violence``."""
    rows = [
        (pid, date.fromisoformat(d.strip()), t.strip(), e.strip())
        for pid, cell in zip(people["id"], people["offences"], strict=True)
        for d, t, e in (entry.split("|") for entry in cell.split(";") if entry.strip())
    ]
    out = pd.DataFrame(rows, columns=["person", "date", "crime_type", "evidence_id"])
    out["harm"] = definitions.harm_weight(out["crime_type"].astype(object))
    out["serious_violence"] = definitions.is_serious_violence(out["crime_type"])
    return out


def harmed_between(people: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Times each person was harmed with ``start <= date <= end``, indexed by id."""
    counts = [
        sum(start <= date.fromisoformat(d.strip()) <= end for d in cell.split(";") if d.strip())
        for cell in people["harmed_dates"]
    ]
    return pd.Series(counts, index=people["id"].to_numpy(), dtype="int64")
