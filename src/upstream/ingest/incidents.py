"""Partnership incident extracts: the canonical ``incidents`` and ``involvements`` tables.

The columns are documented in ``docs/data-formats.md``. Both tables arrive as CSV (UTF-8,
header row) or XLSX (first sheet). Validation is per field, naming the file, line (CSV) or
row (XLSX) and column; a row that fails is quarantined with its reason. People appear only
as pseudonyms (``person_ref``): values that look like personal names are refused, and
columns that carry identifying details (name, date of birth, address, ...) are never read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from upstream.definitions import POLICE_UK_CRIME_TYPES
from upstream.ingest.checks import (
    EASTING_NORTHING,
    coordinates,
    mask,
    not_in,
    not_matching,
    rejections,
)
from upstream.ingest.errors import Rejection
from upstream.ingest.tabular import Batch
from upstream.vocab import (
    AGENCIES,
    ETHNICITIES,
    INJURIES,
    LOCATION_TYPES,
    NAME_LIKE,
    RELATIONSHIPS,
    ROLES,
    SEXES,
    WEAPONS,
    localise,
)

__all__ = [
    "FREE_TEXT",
    "INCIDENT_COLUMNS",
    "INVOLVEMENT_COLUMNS",
    "Checked",
    "check_incidents",
    "check_involvements",
    "parse_timestamps",
]

_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")

INCIDENT_COLUMNS = {
    name: name
    for name in (
        "incident_id", "source", "offence", "offence_detail", "occurred_from", "occurred_to",
        "reported_at", "longitude", "latitude", "easting", "northing", "location_type",
        "weapon", "injury", "domestic_abuse", "number_of_assailants",
        "relationship_to_assailant", "synthetic",
    )
}  # fmt: skip
INCIDENT_OPTIONAL = frozenset(
    {"offence_detail", "occurred_to", "reported_at", "longitude", "latitude", "easting",
     "northing", "number_of_assailants", "relationship_to_assailant", "synthetic"}
)  # fmt: skip
INVOLVEMENT_COLUMNS = {
    name: name
    for name in (
        "incident_id", "role", "person_ref", "age", "sex", "ethnicity_self_defined",
        "ethnicity_officer_defined", "synthetic",
    )
}  # fmt: skip
INVOLVEMENT_OPTIONAL = frozenset(
    {"age", "sex", "ethnicity_self_defined", "ethnicity_officer_defined", "synthetic"}
)
FREE_TEXT = frozenset({"offence_detail"})
"""Free-text columns: stored, but never quoted in messages nor kept in quarantine."""
_NAME_LIKE = NAME_LIKE
"""A pseudonym has no spaces and at least one digit (:data:`upstream.vocab.NAME_LIKE`)."""
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"


ETHNICITY_ALIASES = {
    "asian, asian british or asian welsh": "Asian",
    "black, black british, black welsh, caribbean or african": "Black",
    "mixed or multiple": "Mixed",
    "mixed or multiple ethnic groups": "Mixed",
    "white": "White",
    "other ethnic group": "Other",
}
"""ONS 2021 census high-level group names, accepted and stored in their short form."""
_ID = r"^[A-Za-z0-9_.:/-]{1,64}$"
_PSEUDONYM = r"^[A-Za-z0-9_-]{4,64}$"


def normalise_choices(
    batch: Batch,
    fields: dict[str, tuple[str, ...]],
    defaults: dict[str, str] | None = None,
    aliases: dict[str, dict[str, str]] | None = None,
) -> Batch:
    """Match fixed-list values without regard to case or surrounding spaces.

    Each known value is rewritten to its listed spelling; an empty cell takes the field's
    default when it has one; anything else is left as written, so the rejection quotes it.
    """
    table = batch.table
    for field, allowed in fields.items():
        lookup = {a.lower(): a for a in allowed}
        lookup.update((aliases or {}).get(field, {}))
        default = (defaults or {}).get(field)
        if default is not None:
            lookup[""] = default
        values = table.column(field).to_pylist()
        fixed = [lookup.get(v.strip().lower(), v.strip() if not v.strip() else v) for v in values]
        table = table.set_column(
            table.schema.get_field_index(field), field, pa.array(fixed, pa.string())
        )
    return Batch(table, batch.lines)


class Checked:
    """Typed good rows of one file, the rejections, and the row numbers kept."""

    def __init__(self, frame: pd.DataFrame, rejected: list[Rejection]) -> None:
        self.frame = frame
        self.rejected = rejected


def parse_timestamps(text: pd.Series) -> pd.Series:
    """ISO 8601 text -> UTC timestamps; text without an offset is Europe/London local time.

    Local times are made instants by :func:`upstream.vocab.localise` (the repeated autumn
    hour is read as its first, BST, instant; a time in the skipped spring hour is moved
    forward one hour). Unreadable text becomes NaT.
    """
    text = text.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    ok = text.str.fullmatch(_ISO).fillna(False).astype(bool)
    aware = ok & text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    naive = ok & ~aware
    if aware.any():
        out[aware] = pd.to_datetime(text[aware], utc=True, format="ISO8601", errors="coerce")
    if naive.any():
        local = localise(pd.to_datetime(text[naive], format="ISO8601", errors="coerce"))
        out[naive] = local.dt.tz_convert("UTC")
    return out


def _booleans(col: pd.Series, default: bool) -> tuple[pd.Series, np.ndarray]:
    low = col.str.strip().str.lower()
    value = pd.Series(default, index=col.index, dtype="bool")
    value[low.isin(_TRUE)] = True
    value[low.isin(_FALSE)] = False
    bad = ~(low.isin(_TRUE) | low.isin(_FALSE) | (low == ""))
    return value, bad.to_numpy()


class _Rows:
    """Collects per-field failures for one batch; each row is reported once.

    ``withheld`` columns (free text) are never quoted in a reason nor kept in quarantine.
    Uniqueness across the whole file is checked by the partnership ingest, which sees it all.
    """

    def __init__(
        self, batch: Batch, file: str, unit: str, withheld: frozenset[str] = frozenset()
    ) -> None:
        self.batch = batch
        self.file = file
        self.unit = unit
        self.withheld = withheld
        self.bad = np.zeros(batch.num_rows, dtype=bool)
        self.rejected: list[Rejection] = []

    def check_ids(self, field: str, ids: pd.Series) -> None:
        """An identifier column: required, 1-64 safe characters."""
        present = (ids != "").to_numpy(dtype=bool)
        self.check(field, ~present, f"{field} is required")
        self.check(
            field,
            ~ids.str.fullmatch(_ID).fillna(False).to_numpy(dtype=bool),
            f"{field} must be 1-64 letters, digits or _ . : / -",
        )

    def check(
        self, field: str, failing: np.ndarray, reason: str, withhold: frozenset[str] = frozenset()
    ) -> None:
        failing = np.asarray(failing, dtype=bool) & ~self.bad
        if failing.any():
            self.rejected.extend(
                rejections(
                    self.batch,
                    failing,
                    self.file,
                    field,
                    reason,
                    field,
                    self.unit,
                    withheld=self.withheld | withhold,
                )
            )
            self.bad |= failing


def check_incidents(batch: Batch, file: str, unit: str) -> Checked:
    """Validate incident rows; return typed rows (times in UTC) and rejections."""
    batch = normalise_choices(
        batch,
        {
            "source": AGENCIES,
            "offence": POLICE_UK_CRIME_TYPES,
            "location_type": LOCATION_TYPES,
            "weapon": WEAPONS,
            "injury": INJURIES,
            "relationship_to_assailant": RELATIONSHIPS,
        },
        defaults={"location_type": "other", "weapon": "unknown", "injury": "unknown"},
    )
    t = batch.table
    rows = _Rows(batch, file, unit, FREE_TEXT)
    df = t.to_pandas(types_mapper=pd.ArrowDtype).astype("string")
    ids = df["incident_id"].str.strip()
    rows.check_ids("incident_id", ids)
    rows.check(
        "offence_detail",
        (df["offence_detail"].str.len() > 200).fillna(False).to_numpy(dtype=bool),
        "offence_detail is longer than 200 characters",
    )
    rows.check(
        "source",
        not_in(t.column("source"), AGENCIES, False),
        f"source must be one of {', '.join(AGENCIES)}",
    )
    rows.check(
        "offence",
        not_in(t.column("offence"), POLICE_UK_CRIME_TYPES, False),
        "offence must be a police.uk crime type",
    )
    start = parse_timestamps(df["occurred_from"])
    rows.check(
        "occurred_from",
        start.isna().to_numpy(),
        "not an ISO 8601 date-time",
    )
    end_text = df["occurred_to"].str.strip()
    end = parse_timestamps(end_text.where(end_text != "", df["occurred_from"]))
    rows.check("occurred_to", end.isna().to_numpy(), "not an ISO 8601 date-time")
    rows.check(
        "occurred_to", (end < start).fillna(False).to_numpy(), "occurred_to is before occurred_from"
    )
    rep_text = df["reported_at"].str.strip()
    reported = parse_timestamps(rep_text)
    rows.check(
        "reported_at", (reported.isna() & (rep_text != "")).to_numpy(), "not an ISO 8601 date-time"
    )
    rows.check(
        "reported_at",
        (reported < start).fillna(False).to_numpy(),
        "reported_at is before occurred_from",
    )
    for field, allowed in (
        ("location_type", LOCATION_TYPES),
        ("weapon", WEAPONS),
        ("injury", INJURIES),
    ):
        rows.check(
            field,
            not_in(t.column(field), allowed, False),
            f"{field} must be one of {', '.join(allowed)}",
        )
    rows.check(
        "relationship_to_assailant",
        not_in(t.column("relationship_to_assailant"), RELATIONSHIPS),
        f"relationship_to_assailant must be one of {', '.join(RELATIONSHIPS)}",
    )
    rows.check(
        "number_of_assailants",
        not_matching(t.column("number_of_assailants"), r"^\s*[1-9]\d{0,2}\s*$"),
        "number_of_assailants must be a whole number from 1",
    )
    domestic, bad_da = _booleans(df["domestic_abuse"], False)
    rows.check(
        "domestic_abuse",
        bad_da | (df["domestic_abuse"].str.strip() == "").to_numpy(),
        "domestic_abuse must be true or false",
    )
    synthetic, bad_syn = _booleans(df["synthetic"], False)
    rows.check("synthetic", bad_syn, "synthetic must be true or false")
    lon, lat, problems = coordinates(t.column("longitude"), t.column("latitude"))
    rows.check("longitude", problems["longitude"], "not a longitude between -180 and 180")
    rows.check("latitude", problems["latitude"], "not a latitude between -90 and 90")
    east, north, bng_problems = coordinates(
        t.column("easting"), t.column("northing"), EASTING_NORTHING
    )
    rows.check(
        "easting",
        bng_problems["longitude"],
        "not a BNG easting in metres",
    )
    rows.check(
        "northing",
        bng_problems["latitude"],
        "not a BNG northing in metres",
    )

    keep = ~rows.bad
    assailants = pd.to_numeric(df["number_of_assailants"].str.strip(), errors="coerce")
    frame = pd.DataFrame(
        {
            "incident_id": ids,
            "source": df["source"],
            "offence": df["offence"],
            "offence_detail": df["offence_detail"].replace("", pd.NA),
            "occurred_from": start,
            "occurred_to": end,
            "reported_at": reported,
            "longitude": lon,
            "latitude": lat,
            "easting": east,
            "northing": north,
            "location_type": df["location_type"],
            "weapon": df["weapon"],
            "injury": df["injury"],
            "domestic_abuse": domestic,
            "number_of_assailants": assailants.astype("Int16"),
            "relationship_to_assailant": df["relationship_to_assailant"].replace("", pd.NA),
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[keep]
    return Checked(frame.reset_index(drop=True), rows.rejected)


def check_involvements(batch: Batch, file: str, unit: str) -> Checked:
    """Validate involvement rows; return typed rows and rejections."""
    batch = normalise_choices(
        batch,
        {
            "role": ROLES,
            "sex": SEXES,
            "ethnicity_self_defined": ETHNICITIES,
            "ethnicity_officer_defined": ETHNICITIES,
        },
        aliases={
            "ethnicity_self_defined": ETHNICITY_ALIASES,
            "ethnicity_officer_defined": ETHNICITY_ALIASES,
        },
    )
    t = batch.table
    rows = _Rows(batch, file, unit)
    df = t.to_pandas(types_mapper=pd.ArrowDtype).astype("string")
    # person_ref first, so a row whose person_ref may be a name is rejected for that reason,
    # and its value is never quoted nor kept in quarantine.
    ref = df["person_ref"].str.strip()
    hide = frozenset({"person_ref"})
    rows.check(
        "person_ref",
        (ref == "").to_numpy(dtype=bool),
        "person_ref is required (a pseudonym such as P-7F3A9C21)",
    )
    name_like = ref.str.contains(_NAME_LIKE, regex=True).fillna(False).to_numpy(dtype=bool)
    rows.check(
        "person_ref",
        name_like,
        "person_ref looks like a personal name (it has a space or no digit); "
        "give a pseudonym instead (value withheld)",
        hide,
    )
    rows.check(
        "person_ref",
        ~ref.str.fullmatch(_PSEUDONYM).fillna(False).to_numpy(dtype=bool),
        "person_ref must be 4-64 letters, digits, _ or - (value withheld)",
        hide,
    )
    rows.check(
        "incident_id", (df["incident_id"].str.strip() == "").to_numpy(), "incident_id is required"
    )
    rows.check(
        "role", not_in(t.column("role"), ROLES, False), f"role must be one of {', '.join(ROLES)}"
    )
    age_text = df["age"].str.strip()
    age = pd.to_numeric(age_text, errors="coerce")
    bad_age = (age_text != "") & ~(age.between(0, 120) & (age % 1 == 0))
    rows.check(
        "age",
        bad_age.fillna(True).to_numpy(dtype=bool),
        "age must be a whole number of years from 0 to 120",
    )
    sex = df["sex"].str.strip().str.lower()
    rows.check(
        "sex",
        ~mask(pa.array(sex.isin([*SEXES, ""]).to_numpy())),
        f"sex must be one of {', '.join(SEXES)}",
    )
    for field in ("ethnicity_self_defined", "ethnicity_officer_defined"):
        rows.check(
            field,
            not_in(t.column(field), ETHNICITIES),
            f"{field} must be one of {', '.join(ETHNICITIES)} (ONS 2021 groups)",
        )
    synthetic, bad_syn = _booleans(df["synthetic"], False)
    rows.check("synthetic", bad_syn, "synthetic must be true or false")
    keep = ~rows.bad
    frame = pd.DataFrame(
        {
            "incident_id": df["incident_id"].str.strip(),
            "role": df["role"],
            "person_ref": ref,
            "age": age.astype("Int16"),
            "sex": sex.replace("", "unknown"),
            "ethnicity_self_defined": df["ethnicity_self_defined"].replace("", pd.NA),
            "ethnicity_officer_defined": df["ethnicity_officer_defined"].replace("", pd.NA),
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[keep]
    return Checked(frame.reset_index(drop=True), rows.rejected)
