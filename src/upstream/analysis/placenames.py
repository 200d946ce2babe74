"""Names for places people can act on: streets, landmarks and the nearest named thing.

police.uk moves every crime to the nearest of a set of anonymous map points and describes that
point as "On or near <street>" or "On or near <landmark>" (a supermarket, a petrol station, a
station...). Those descriptions are real, offline street names: a grid cell or a hot spot is
named by the street most of its crimes were described at, with the commonest landmark beside
it, and by the nearest school, station or town centre (:func:`nearest_names`).

All functions are pure: frames in, frames out; coordinates in British National Grid metres.
:func:`name_cells` puts them together for grid cells of an area: street and landmark from the
crimes in each cell, the LSOA its centre lies in (the placement edge rule) and the nearest
secondary school.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from upstream.area import Area, cell_ids, place_xy

__all__ = [
    "LANDMARKS",
    "describe_place",
    "landmark",
    "name_cells",
    "nearest_names",
    "place_names",
    "street",
]

LANDMARKS = frozenset(
    {
        "Airport/airfield",
        "Bus/coach Station",
        "Conference/exhibition Centre",
        "Further/higher Educational Building",
        "Hospital",
        "Hotel/motel",
        "Marina",
        "Nightclub",
        "Parking Area",
        "Park/open Space",
        "Pedestrian Subway",
        "Petrol Station",
        "Police Station",
        "Prison",
        "Race Track",
        "Shopping Area",
        "Sports/recreation Area",
        "Supermarket",
        "Theatre/concert Hall",
    }
)
"""police.uk's kinds of landmark map point (``On or near Supermarket``): not street names."""

_PREFIX = "On or near "
_STATION = re.compile(r"\((?:lu |dlr |rail |overground |tram )?station\)$", re.IGNORECASE)


def _bare(description: object) -> str | None:
    if not isinstance(description, str):
        return None
    text = description.strip()
    if text.startswith(_PREFIX):
        text = text[len(_PREFIX) :].strip()
    if not text or text.lower() in ("no location", "no location found"):
        return None
    return text


def street(description: object) -> str | None:
    """The street of a police.uk location description, or None for a landmark or no place.

    >>> street("On or near Hoe Street"), street("On or near Supermarket")
    ('Hoe Street', None)
    >>> street("On or near Leytonstone (lu Station)"), street(None)
    (None, None)
    """
    text = _bare(description)
    if text is None or text in LANDMARKS or _STATION.search(text):
        return None
    return text


def landmark(description: object) -> str | None:
    """The landmark of a police.uk location description (lower case), or None for a street.

    >>> landmark("On or near Petrol Station"), landmark("On or near Chingford (station)")
    ('petrol station', 'Chingford station')
    >>> landmark("On or near Hoe Street")
    """
    text = _bare(description)
    if text is None:
        return None
    if text in LANDMARKS:
        return text.lower()
    match = _STATION.search(text)
    if match:
        return f"{text[: match.start()].strip()} station"
    return None


def _commonest(keys: pd.Series, values: pd.Series) -> pd.Series:
    """For each key, its most frequent non-null value (ties: alphabetical first)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).dropna()
    if frame.empty:
        return pd.Series(dtype="object")
    counts = frame.groupby(["key", "value"]).size().rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "value"], ascending=[True, False, True])
    return counts.drop_duplicates("key").set_index("key")["value"]


def place_names(keys: Iterable[object], descriptions: Iterable[object]) -> pd.DataFrame:
    """The commonest street and landmark among the crimes of each place.

    Parameters
    ----------
    keys
        The place of each crime (a cell id, a hot-spot id, an LSOA code...).
    descriptions
        Its police.uk ``location`` ("On or near Hoe Street").

    Returns
    -------
    pandas.DataFrame
        Indexed by place: ``street`` and ``landmark`` (None where the place has none).
    """
    keys = pd.Series(list(keys))
    raw = pd.Series(list(descriptions), index=keys.index, dtype="object")
    streets = _commonest(keys, raw.map(street))
    landmarks = _commonest(keys, raw.map(landmark))
    out = pd.DataFrame(index=pd.Index(pd.unique(keys), name="place"))
    out["street"] = streets.reindex(out.index)
    out["landmark"] = landmarks.reindex(out.index)
    return out.astype("object").where(out.notna(), None)


def nearest_names(
    x: np.ndarray,
    y: np.ndarray,
    target_x: np.ndarray,
    target_y: np.ndarray,
    names: Iterable[str],
) -> tuple[list[str | None], np.ndarray]:
    """The name of the nearest target to each point, and its distance in metres.

    With no targets every name is None and every distance NaN.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    labels = list(names)
    if not labels:
        return [None] * len(x), np.full(len(x), np.nan)
    tree = cKDTree(
        np.column_stack([np.asarray(target_x, "float64"), np.asarray(target_y, "float64")])
    )
    distance, index = tree.query(np.column_stack([x, y]))
    return [labels[i] for i in index], np.asarray(distance, dtype="float64")


def describe_place(
    street_name: str | None,
    landmark_name: str | None,
    area_name: str | None,
    nearest: str | None = None,
    nearest_m: float | None = None,
) -> str:
    """One line naming a place for people: street, landmark, area and nearest named place.

    >>> describe_place("Hoe Street", "supermarket", "Waltham Forest 021C", "Leyton School", 240)
    'Hoe Street (near a supermarket), Waltham Forest 021C; 240 m from Leyton School'
    >>> describe_place(None, "petrol station", None)
    'near a petrol station'
    """
    street_name = street_name if isinstance(street_name, str) else None
    landmark_name = landmark_name if isinstance(landmark_name, str) else None
    area_name = area_name if isinstance(area_name, str) else None
    if street_name:
        text = street_name + (f" (near a {landmark_name})" if landmark_name else "")
    elif landmark_name:
        text = f"near a {landmark_name}" if landmark_name.islower() else f"near {landmark_name}"
    else:
        text = "unnamed place"
    if area_name:
        text += f", {area_name}"
    if nearest and nearest_m is not None and np.isfinite(nearest_m):
        text += f"; {round(float(nearest_m), -1):.0f} m from {nearest}"
    return text


def name_cells(
    area: Area,
    x_min: Iterable[float],
    y_min: Iterable[float],
    cell_size: int,
    described: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Names for grid cells people can act on, one row per cell in the order given.

    Parameters
    ----------
    area
        The area pack (LSOAs and schools, where it has them).
    x_min, y_min
        The cells' lower-left corners (BNG metres) on a grid of ``cell_size`` metres.
    described
        Crimes with ``x``, ``y`` and police.uk ``location`` (and optionally a count ``n``
        per row), whose descriptions name the streets; None for no street names.

    Returns
    -------
    pandas.DataFrame
        ``street``, ``landmark``, ``lsoa_code``, ``lsoa_name``, ``school`` (the nearest
        secondary school), ``school_m`` (metres from the cell's centre) and ``place`` (one
        line: :func:`describe_place`). Missing names are None.
    """
    xs = np.asarray(list(x_min), dtype="float64")
    ys = np.asarray(list(y_min), dtype="float64")
    cx, cy = xs + cell_size / 2, ys + cell_size / 2
    ids = cell_ids(xs, ys, cell_size)
    out = pd.DataFrame({"cell_id": ids})
    if described is not None and len(described):
        keys = cell_ids(described["x"].to_numpy(), described["y"].to_numpy(), cell_size)
        weights = described["n"] if "n" in described else pd.Series(1, index=described.index)
        repeat = weights.to_numpy(dtype="int64")
        names = place_names(
            np.repeat(keys, repeat), np.repeat(described["location"].to_numpy(), repeat)
        )
        out = out.join(names, on="cell_id")
        for column in ("street", "landmark"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    else:
        out["street"] = None
        out["landmark"] = None
    codes: list[str | None] = [None] * len(out)
    lsoa_names: list[str | None] = [None] * len(out)
    if len(area.lsoas):
        placed = place_xy(area, cx, cy, lsoa=True).lsoa_code
        lookup = area.lsoas.set_index("lsoa_code")["lsoa_name"].astype(str)
        if placed is not None:
            codes = [None if c is None else str(c) for c in placed]
            lsoa_names = [None if c is None else str(lookup.get(c, c)) for c in codes]
    out["lsoa_code"] = codes
    out["lsoa_name"] = lsoa_names
    schools = area.schools
    if "secondary" in schools:
        schools = schools[schools["secondary"].astype(bool)]
    school, metres = nearest_names(
        cx, cy, schools["x"].to_numpy(), schools["y"].to_numpy(), schools["name"].astype(str)
    )
    out["school"] = school
    out["school_m"] = np.round(metres, 0)
    out["place"] = [
        describe_place(st, lm, ln, sc, sm)
        for st, lm, ln, sc, sm in zip(
            out["street"], out["landmark"], out["lsoa_name"], school, metres, strict=True
        )
    ]
    out = out.astype({c: "object" for c in ("street", "landmark")})
    return out.where(out.notna(), None).drop(columns="cell_id")
