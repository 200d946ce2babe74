"""A&E assault attendances in the Cardiff Model (ISTV) minimum dataset.

Under the Cardiff Model, emergency departments share, for every assault attendance: when and
where the assault happened, the weapon or means, the number of assailants, the relationship
to the assailant, and the patient's age and sex. Each attendance becomes one ``a_and_e``
incident with one victim involvement. The minimum dataset carries no patient identifier, so
the victim's ``person_ref`` is a pseudonym made from the attendance id. ``location_text`` is
free text that can hold a home address: it is checked but never stored.
"""

from __future__ import annotations

import pandas as pd

from upstream.ingest.checks import EASTING_NORTHING, coordinates, not_in, not_matching
from upstream.ingest.incidents import (
    ETHNICITY_ALIASES,
    Checked,
    _booleans,
    _Rows,
    normalise_choices,
    parse_timestamps,
)
from upstream.ingest.tabular import Batch
from upstream.vocab import ETHNICITIES, RELATIONSHIPS, SEXES

__all__ = ["A_AND_E_COLUMNS", "FREE_TEXT", "MEANS", "check_a_and_e", "location_types"]

A_AND_E_COLUMNS = {
    name: name
    for name in (
        "attendance_id", "attended_at", "assault_date", "assault_time", "location_text",
        "longitude", "latitude", "easting", "northing", "weapon_or_means",
        "number_of_assailants", "relationship_to_assailant", "patient_age", "patient_sex",
        "patient_ethnicity", "synthetic",
    )
}  # fmt: skip
A_AND_E_OPTIONAL = frozenset(
    {"assault_time", "location_text", "longitude", "latitude", "easting", "northing",
     "number_of_assailants", "relationship_to_assailant", "patient_ethnicity", "synthetic"}
)  # fmt: skip
MEANS = {
    "knife_or_sharp": "knife_or_sharp",
    "firearm": "firearm",
    "blunt": "blunt",
    "body_part": "none",
    "other": "other",
    "unknown": "unknown",
}
"""A&E 'weapon or means' -> canonical ``weapon`` (hands, feet and the like are no weapon)."""
_DOMESTIC = ("partner_or_ex", "family")
FREE_TEXT = frozenset({"location_text"})
"""Free text that can hold a home address: never stored, quoted or quarantined."""


_PLACE_WORDS = (
    ("school", r"\b(?:school|college|academy)\b"),
    ("transport", r"\b(?:station|bus|tube|train|platform)\b"),
    ("park", r"\b(?:park|playground|marshes|forest)\b"),
    ("shop", r"\b(?:shop|store|supermarket|takeaway|chicken)\b"),
    ("residential", r"\b(?:home|address|flat|house|estate)\b"),
    ("street", r"\b(?:street|st|road|rd|lane|avenue|outside|high)\b"),
)


def location_types(text: pd.Series) -> pd.Series:
    """A ``location_type`` from keywords in A&E free-text locations, else ``other``.

    The first matching kind wins, in the order school, transport, park, shop, residential,
    street; the free text itself is not stored.
    """
    low = text.fillna("").str.lower()
    out = pd.Series("other", index=text.index, dtype="string")
    decided = pd.Series(False, index=text.index)
    for kind, pattern in _PLACE_WORDS:
        hit = low.str.contains(pattern, regex=True).fillna(False).astype(bool) & ~decided
        out[hit] = kind
        decided |= hit
    return out


def check_a_and_e(batch: Batch, file: str, unit: str) -> tuple[Checked, Checked]:
    """Validate attendances; return canonical (incidents, involvements) and rejections.

    The rejections are carried on the incidents result; the involvements result has none.
    """
    batch = normalise_choices(
        batch,
        {
            "weapon_or_means": tuple(MEANS),
            "relationship_to_assailant": RELATIONSHIPS,
            "patient_sex": SEXES,
            "patient_ethnicity": ETHNICITIES,
        },
        defaults={"weapon_or_means": "unknown", "relationship_to_assailant": "unknown"},
        aliases={"patient_ethnicity": ETHNICITY_ALIASES},
    )
    t = batch.table
    rows = _Rows(batch, file, unit, FREE_TEXT)
    df = t.to_pandas(types_mapper=pd.ArrowDtype).astype("string")
    ids = df["attendance_id"].str.strip()
    rows.check_ids("attendance_id", ids)
    attended = parse_timestamps(df["attended_at"])
    rows.check("attended_at", attended.isna().to_numpy(), "not an ISO 8601 date-time")
    rows.check(
        "assault_date",
        not_matching(t.column("assault_date"), r"^\d{4}-\d{2}-\d{2}$", False),
        "assault_date must be a date YYYY-MM-DD",
    )
    rows.check(
        "assault_time",
        not_matching(t.column("assault_time"), r"^([01]\d|2[0-3]):[0-5]\d$"),
        "assault_time must be HH:MM (24-hour) or empty",
    )
    date = df["assault_date"].str.strip()
    time = df["assault_time"].str.strip()
    known = time != ""
    start = parse_timestamps(date + "T" + time.where(known, "00:00"))
    end = parse_timestamps(date + "T" + time.where(known, "23:59"))
    rows.check(
        "assault_date",
        (start.isna() | end.isna()).to_numpy(),
        "assault_date is not a real calendar date",
    )
    rows.check(
        "attended_at",
        (attended < start).fillna(False).to_numpy(),
        "attended_at is before the assault",
    )
    rows.check(
        "weapon_or_means",
        not_in(t.column("weapon_or_means"), MEANS, False),
        f"weapon_or_means must be one of {', '.join(MEANS)}",
    )
    rows.check(
        "number_of_assailants",
        not_matching(t.column("number_of_assailants"), r"^\s*[1-9]\d{0,2}\s*$"),
        "number_of_assailants must be a whole number from 1",
    )
    rows.check(
        "relationship_to_assailant",
        not_in(t.column("relationship_to_assailant"), RELATIONSHIPS),
        f"relationship_to_assailant must be one of {', '.join(RELATIONSHIPS)}",
    )
    age_text = df["patient_age"].str.strip()
    age = pd.to_numeric(age_text, errors="coerce")
    valid_age = (age.between(0, 120) & (age % 1 == 0)).fillna(False)
    rows.check(
        "patient_age",
        ((age_text != "") & ~valid_age).to_numpy(dtype=bool),
        "patient_age must be a whole number of years from 0 to 120",
    )
    sex = df["patient_sex"].str.strip().str.lower()
    rows.check(
        "patient_sex",
        ~sex.isin([*SEXES, ""]).to_numpy(dtype=bool),
        f"patient_sex must be one of {', '.join(SEXES)}",
    )
    rows.check(
        "patient_ethnicity",
        not_in(t.column("patient_ethnicity"), ETHNICITIES),
        f"patient_ethnicity must be one of {', '.join(ETHNICITIES)}",
    )
    synthetic, bad_syn = _booleans(df["synthetic"], False)
    rows.check("synthetic", bad_syn, "synthetic must be true or false")
    lon, lat, problems = coordinates(t.column("longitude"), t.column("latitude"))
    rows.check("longitude", problems["longitude"], "not a longitude between -180 and 180")
    rows.check("latitude", problems["latitude"], "not a latitude between -90 and 90")
    east, north, bng = coordinates(t.column("easting"), t.column("northing"), EASTING_NORTHING)
    rows.check("easting", bng["longitude"], "not a BNG easting in metres")
    rows.check("northing", bng["latitude"], "not a BNG northing in metres")

    keep = ~rows.bad
    incident_id = "AE-" + ids
    relationship = df["relationship_to_assailant"].str.strip()
    incidents = pd.DataFrame(
        {
            "incident_id": incident_id,
            "source": "a_and_e",
            "offence": "Violence and sexual offences",
            "offence_detail": "Assault (A&E attendance, Cardiff Model data)",
            "occurred_from": start,
            "occurred_to": end,
            "reported_at": attended,
            "longitude": lon,
            "latitude": lat,
            "easting": east,
            "northing": north,
            "location_type": location_types(df["location_text"]),
            "weapon": df["weapon_or_means"].map(MEANS),
            "injury": "minor",  # an assault attendance is at least a minor injury
            "domestic_abuse": relationship.isin(_DOMESTIC).to_numpy(dtype=bool),
            "number_of_assailants": pd.to_numeric(
                df["number_of_assailants"].str.strip(), errors="coerce"
            ).astype("Int16"),
            "relationship_to_assailant": relationship.replace("", pd.NA),
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[keep].reset_index(drop=True)
    involvements = pd.DataFrame(
        {
            "incident_id": incident_id,
            "role": "victim",
            "person_ref": incident_id + "-patient",
            "age": age.astype("Int16"),
            "sex": sex.replace("", "unknown"),
            "ethnicity_self_defined": df["patient_ethnicity"].replace("", pd.NA),
            "ethnicity_officer_defined": pd.Series(pd.NA, index=df.index, dtype="string"),
            "synthetic": synthetic,
            "_line": batch.lines,
        }
    )[keep].reset_index(drop=True)
    return Checked(incidents, rows.rejected), Checked(involvements, [])
