"""The programme-return format: its columns, measures, categories and stored schema.

A provider's quarterly return is a table in *long* form, one count per row::

    programme,provider,quarter,measure,category,value
    streetbase,Streetbase CIC,2025Q1,sessions,,48
    streetbase,Streetbase CIC,2025Q1,participants,,120
    streetbase,Streetbase CIC,2025Q1,participants_age,15-17,41
    streetbase,Streetbase CIC,2025Q1,participants_area,E01004321,12

Long form lets one template carry any number of home areas. Returns hold aggregates
only: no column may carry a name, date of birth, address or other identifying detail
(:data:`upstream.vocab.IDENTIFYING_COLUMNS`), and every category comes from a fixed list
or is a GSS area code, so no free text about a person can arrive through one.
"""

from __future__ import annotations

import pyarrow as pa

from upstream.vocab import ETHNICITIES, SEXES

__all__ = [
    "AGE_BANDS",
    "AREA_CODE",
    "BREAKDOWNS",
    "OPTIONAL",
    "RETURN_COLUMNS",
    "RETURN_SCHEMA",
    "TOTALS",
    "categories",
]

RETURN_COLUMNS = {
    name: name
    for name in ("programme", "provider", "quarter", "measure", "category", "value", "synthetic")
}
"""Canonical column -> header (the same: the format is ours)."""
OPTIONAL = frozenset({"category", "synthetic"})

TOTALS = ("sessions", "participants", "referrals_in", "referrals_out", "ete_starts")
"""Measures given once per return, with an empty category."""

AGE_BANDS = ("0-9", "10-14", "15-17", "18-24", "25+", "unknown")
"""Participants' age bands (years at the start of the quarter)."""

AREA_CODE = r"^(E01|W01|E05|W05)\d{6}$|^(outside|unknown)$"
"""A home area: a 2011 or 2021 LSOA (E01/W01) or a ward (E05/W05) GSS code, ``outside``
the partnership area, or ``unknown``."""

BREAKDOWNS: dict[str, tuple[str, ...] | None] = {
    "participants_age": AGE_BANDS,
    "participants_sex": SEXES,
    "participants_ethnicity": ETHNICITIES,
    "participants_area": None,  # GSS codes: see AREA_CODE
}
"""Measures broken down by category; each breakdown's counts add up to ``participants``."""

RETURN_SCHEMA = pa.schema(
    [
        ("programme", pa.string()),
        ("provider", pa.string()),
        ("quarter", pa.string()),
        ("measure", pa.string()),
        ("category", pa.string()),
        ("value", pa.int64()),
        ("synthetic", pa.bool_()),
        ("source_file", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)
"""The stored table (``<data dir>/returns/returns.parquet``)."""


def categories(measure: str) -> tuple[str, ...] | None:
    """The allowed categories of a breakdown measure (None for home areas: GSS codes)."""
    return BREAKDOWNS[measure]
