"""Names for places people can act on: streets, landmarks and the nearest named thing.

police.uk moves every crime to the nearest of a set of anonymous map points and describes that
point as "On or near <street>" or "On or near <landmark>" (a supermarket, a petrol station, a
station...). Those descriptions are real, offline street names: a grid cell or a hot spot is
named by the street most of its crimes were described at, with the commonest landmark beside
it, and by the nearest school, station or town centre (:func:`nearest_names`).

All functions are pure: frames in, frames out; coordinates in British National Grid metres.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "LANDMARKS",
    "describe_place",
    "landmark",
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
