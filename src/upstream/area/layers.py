"""The layers an area pack may have, and what each part of upstream needs from them.

A pack declares its layers in ``area.toml`` (see :mod:`upstream.area.pack`). Only the
boundary is required; every section of the profile and every forecast covariate that needs
a layer the pack lacks says so in place, with :func:`missing_message`, rather than failing
or borrowing another area's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CAPABILITIES", "LAYERS", "Capability", "Layer", "missing_message", "support"]


@dataclass(frozen=True)
class Layer:
    """One layer of an area pack: its file kind, the columns it must have, a plain name."""

    name: str
    kind: str
    """``polygons`` (GeoJSON or any file GeoPandas reads) or ``csv``."""
    columns: tuple[str, ...]
    """Columns (or feature properties) the file must have."""
    plain: str
    """What it is, in words, for messages."""
    needs: tuple[str, ...] = ()
    """Other layers it only makes sense with."""


LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer("boundary", "polygons", (), "the area boundary"),
        Layer("lsoa11", "polygons", ("lsoa_code", "lsoa_name"), "2011 LSOA boundaries"),
        Layer(
            "lsoa11_population",
            "csv",
            ("lsoa11_code", "persons_all_ages"),
            "2011 LSOA populations (ONS mid-year estimates)",
            ("lsoa11",),
        ),
        Layer("lsoa21", "polygons", ("lsoa_code", "lsoa_name"), "2021 LSOA boundaries"),
        Layer(
            "lsoa21_population",
            "csv",
            ("lsoa21_code", "total_usual_residents"),
            "Census 2021 LSOA populations",
            ("lsoa21",),
        ),
        Layer("msoa21", "polygons", ("msoa_code", "msoa_name"), "2021 MSOA boundaries"),
        Layer(
            "imd2019",
            "csv",
            ("lsoa11_code", "index_of_multiple_deprivation_imd_decile"),
            "IMD 2019 deciles of the 2011 LSOAs",
        ),
        Layer("schools", "csv", ("name", "phase", "easting", "northing"), "schools"),
        Layer("stations", "csv", ("name", "easting", "northing"), "stations"),
        Layer("town_centres", "csv", ("name", "easting", "northing"), "town centres"),
        Layer("school_terms", "csv", ("first_day", "last_day"), "school term dates"),
        Layer("definitions", "toml", (), "local definitions"),
    )
}
"""Every layer a pack may declare, in manifest order."""


@dataclass(frozen=True)
class Capability:
    """A part of upstream and the layers it needs."""

    key: str
    what: str
    needs: tuple[str, ...]
    kind: str = "section"
    """``section`` (a view of the profile or a page) or ``covariate`` (a forecast input)."""


CAPABILITIES: dict[str, Capability] = {
    c.key: c
    for c in (
        Capability(
            "grid",
            "Ingest, the home page map, hot spots and concentration on squares, the forecast "
            "on the grid, the headline counts, people and data quality",
            ("boundary",),
        ),
        Capability(
            "rates",
            "Rates per 1,000 residents by LSOA, and LSOA hot spots",
            ("lsoa11", "lsoa11_population"),
        ),
        Capability(
            "deprivation",
            "Rates by IMD 2019 decile",
            ("lsoa11", "lsoa11_population", "imd2019"),
        ),
        Capability(
            "school_distance",
            "Distance to secondary schools against where residents live",
            ("schools", "lsoa21", "lsoa21_population"),
        ),
        Capability(
            "centre_distance",
            "Distance to town centres against where residents live",
            ("town_centres", "lsoa21", "lsoa21_population"),
        ),
        Capability(
            "school_days",
            "School days and the two hours after school",
            ("school_terms",),
        ),
        Capability(
            "residents",
            "Victims and stop and search against residents, by ethnic group (people)",
            ("lsoa21", "lsoa21_population"),
        ),
        Capability("lsoa_units", "Forecasts and backtests by LSOA", ("lsoa11",)),
        Capability(
            "dist_school",
            "Distance to the nearest school serving ages 11+",
            ("schools",),
            "covariate",
        ),
        Capability(
            "dist_centre", "Distance to the nearest town centre", ("town_centres",), "covariate"
        ),
        Capability(
            "imd_decile", "IMD 2019 decile of the cell's LSOA", ("lsoa11", "imd2019"), "covariate"
        ),
        Capability(
            "pop_density",
            "Residents per km² of the cell's LSOA",
            ("lsoa11", "lsoa11_population"),
            "covariate",
        ),
    )
}
"""What each part of upstream needs; :func:`support` reads it for ``upstream area build``."""


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def missing_message(
    capability: str, layers: Iterable[str], subject: str | None = None
) -> str | None:
    """None when ``layers`` hold everything ``capability`` needs, else one plain sentence.

    ``subject`` starts the sentence (default "This section", or for a forecast covariate
    "The forecast covariate <name>").

    >>> missing_message("rates", {"boundary"})
    'This section needs 2011 LSOA boundaries and 2011 LSOA populations (ONS mid-year \
estimates), which this area pack does not have.'
    """
    have = set(layers)
    cap = CAPABILITIES[capability]
    missing = [LAYERS[n].plain for n in cap.needs if n not in have]
    if not missing:
        return None
    if subject is None:
        subject = "This section" if cap.kind == "section" else f"The forecast covariate {cap.key}"
    return f"{subject} needs {_join(missing)}, which this area pack does not have."


def support(layers: Iterable[str]) -> list[tuple[Capability, str | None]]:
    """Every capability with None (supported) or the sentence saying what it lacks."""
    have = set(layers)
    return [(c, missing_message(c.key, have)) for c in CAPABILITIES.values()]
