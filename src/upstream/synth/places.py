"""Where synthetic incidents happen: the real borough, its town centres, schools and stations.

The synthetic borough is Waltham Forest: it is calibrated to that borough's published
figures, so it always reads the bundled Waltham Forest area pack (through
:mod:`upstream.area`, like everything else), whatever ``UPSTREAM_AREA_DIR`` says. Points are
sampled on its real geography (ONS boundary and 2011 LSOAs), snapped to a 10 m grid in
British National Grid, and redrawn until they fall inside the borough boundary (the
placement edge rule). The sampling components are:

``town_centre``
    Around one of the pack's town centres (Gaussian, 250 m standard deviation, cut at 600 m).
``school``
    Within 400 m of a secondary school of the pack inside the borough.
``school_link``
    Along the straight line between two secondary schools less than 1.5 km apart (the
    journeys between schools), within about 100 m of the line.
``station``
    Within 250 m of a station of the pack inside the borough (the town centres if none).
``residential``
    Uniform inside an LSOA chosen with weight population x deprivation (IMD 2019 decile 1,
    the most deprived, weighs 2.0; decile 10 weighs 0.55).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from upstream.area import Area, SchoolCalendar, cached_area, pack_digest
from upstream.config import BUNDLED_AREA

__all__ = [
    "COMPONENTS",
    "SNAP_METRES",
    "Places",
    "default_calendar",
    "load_places",
    "sample_component",
    "sample_disc",
    "sample_mixture",
]

SNAP_METRES = 10
COMPONENTS = ("town_centre", "school", "school_link", "station", "residential")


def default_calendar() -> SchoolCalendar:
    """The bundled Waltham Forest pack's school calendar (typical London term dates)."""
    calendar = cached_area(BUNDLED_AREA).calendar
    if calendar is None:
        raise ValueError(f"{BUNDLED_AREA}: the bundled pack has no school_terms layer")
    return calendar


@dataclass(frozen=True)
class Places:
    """The borough and the named places incidents concentrate around (all BNG metres)."""

    area: Area
    town_centres: pd.DataFrame
    """name, x, y."""
    schools: pd.DataFrame
    """Secondary and all-through schools: name, x, y, pupils."""
    stations: pd.DataFrame
    """Rail, Underground, Overground and DLR stations inside the borough: name, x, y (may be
    empty)."""
    school_links: np.ndarray
    """(k, 4) array of x1, y1, x2, y2 for secondary-school pairs less than 1.5 km apart."""
    lsoas: pd.DataFrame
    """2011 LSOAs: lsoa_code, lsoa_name, population, imd_decile, weight (geometry dropped)."""
    lsoa_geoms: np.ndarray
    """Shapely polygons in the same order as :attr:`lsoas`."""

    def inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask of points inside the borough boundary."""
        return self.area.contains(x, y)


def _school_links(schools: pd.DataFrame, max_metres: float) -> np.ndarray:
    xy = schools[["x", "y"]].to_numpy(dtype="float64")
    rows = []
    for i in range(len(xy)):
        for j in range(i + 1, len(xy)):
            if np.hypot(*(xy[i] - xy[j])) < max_metres:
                rows.append([*xy[i], *xy[j]])
    return np.asarray(rows, dtype="float64").reshape(-1, 4)


def _deprivation_weight(decile: pd.Series) -> np.ndarray:
    return 2.0 - 0.15 * (decile.fillna(5.5).to_numpy(dtype="float64") - 1.0)


def load_places(pack: Path = BUNDLED_AREA, link_metres: float = 1500.0) -> Places:
    """The area pack's geography, schools, stations and town centres as a :class:`Places`
    (built once per version of the pack's content).

    Parameters
    ----------
    pack
        The area pack (the bundled Waltham Forest pack: the synthetic borough is calibrated
        to it). It needs LSOAs with population, IMD 2019, schools and town centres.
    link_metres
        Secondary schools closer than this are joined by a "school link".
    """
    return _places(Path(pack).resolve(), pack_digest(pack), link_metres)


@cache
def _places(pack: Path, digest: str, link_metres: float) -> Places:
    area = cached_area(pack)
    for cap in ("rates", "deprivation"):
        if (why := area.lacks(cap)) is not None:
            raise ValueError(f"{pack}: the synthetic borough {why[len('This section ') :]}")
    lsoas = area.lsoas.assign(imd=area.lsoas["lsoa_code"].map(area.imd))
    weight = lsoas["population"].astype("float64").to_numpy() * _deprivation_weight(lsoas["imd"])
    table = pd.DataFrame(
        {
            "lsoa_code": lsoas["lsoa_code"],
            "lsoa_name": lsoas["lsoa_name"],
            "population": lsoas["population"],
            "imd_decile": lsoas["imd"],
            "weight": weight / weight.sum(),
        }
    )
    inside = area.schools[area.schools["secondary"] & area.schools["inside"]]
    schools = inside[["name", "x", "y", "pupils"]].reset_index(drop=True)
    stations = area.stations.loc[area.stations["inside"], ["name", "x", "y"]]
    return Places(
        area=area,
        town_centres=area.town_centres[["name", "x", "y"]].reset_index(drop=True),
        schools=schools,
        stations=stations.reset_index(drop=True),
        school_links=_school_links(schools, link_metres),
        lsoas=table,
        lsoa_geoms=np.asarray(lsoas.geometry.values, dtype=object),
    )


XY = tuple[np.ndarray, np.ndarray]
Proposer = Callable[[np.random.Generator, int], XY]


def _draw_inside(
    places: Places, rng: np.random.Generator, n: int, propose: Proposer
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` snapped points from ``propose``, redrawing any outside the boundary."""
    x = np.empty(n, dtype="float64")
    y = np.empty(n, dtype="float64")
    todo = np.arange(n)
    for _ in range(200):
        if todo.size == 0:
            return x, y
        px, py = propose(rng, todo.size)
        px = np.round(px / SNAP_METRES) * SNAP_METRES
        py = np.round(py / SNAP_METRES) * SNAP_METRES
        ok = places.inside(px, py)
        x[todo[ok]], y[todo[ok]] = px[ok], py[ok]
        todo = todo[~ok]
    raise RuntimeError("could not place synthetic points inside the boundary")


def _around(
    rng: np.random.Generator, cx: np.ndarray, cy: np.ndarray, sd: float, max_r: float
) -> tuple[np.ndarray, np.ndarray]:
    r = np.minimum(np.abs(rng.normal(0.0, sd, size=len(cx))), max_r)
    theta = rng.uniform(0.0, 2 * np.pi, size=len(cx))
    return cx + r * np.cos(theta), cy + r * np.sin(theta)


def _pick(
    rng: np.random.Generator, frame: pd.DataFrame, m: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    idx = rng.choice(len(frame), size=m, p=weights)
    return frame["x"].to_numpy("float64")[idx], frame["y"].to_numpy("float64")[idx]


def _propose(places: Places, component: str) -> Proposer:
    def town_centre(rng: np.random.Generator, m: int) -> XY:
        return _around(rng, *_pick(rng, places.town_centres, m), 250.0, 600.0)

    def school(rng: np.random.Generator, m: int) -> XY:
        pupils = places.schools["pupils"].fillna(800).clip(lower=200).to_numpy("float64")
        cx, cy = _pick(rng, places.schools, m, pupils / pupils.sum())
        r = 390.0 * np.sqrt(rng.uniform(0.0, 1.0, size=m)) * rng.uniform(0.3, 1.0, size=m)
        theta = rng.uniform(0.0, 2 * np.pi, size=m)
        return cx + r * np.cos(theta), cy + r * np.sin(theta)

    def school_link(rng: np.random.Generator, m: int) -> XY:
        links = places.school_links[rng.integers(0, len(places.school_links), size=m)]
        t = rng.uniform(0.1, 0.9, size=m)
        dx, dy = links[:, 2] - links[:, 0], links[:, 3] - links[:, 1]
        length = np.hypot(dx, dy)
        off = np.clip(rng.normal(0.0, 50.0, size=m), -100.0, 100.0)
        return links[:, 0] + t * dx - off * dy / length, links[:, 1] + t * dy + off * dx / length

    def station(rng: np.random.Generator, m: int) -> XY:
        frame = places.stations if len(places.stations) else places.town_centres
        return _around(rng, *_pick(rng, frame, m), 120.0, 250.0)

    def residential(rng: np.random.Generator, m: int) -> XY:
        idx = rng.choice(len(places.lsoas), size=m, p=places.lsoas["weight"].to_numpy())
        geoms = places.lsoa_geoms[idx]
        bounds = shapely.bounds(geoms)
        px, py = np.empty(m), np.empty(m)
        todo = np.arange(m)
        while todo.size:
            b = bounds[todo]
            cx = rng.uniform(b[:, 0], b[:, 2])
            cy = rng.uniform(b[:, 1], b[:, 3])
            ok = shapely.contains_xy(geoms[todo], cx, cy)
            px[todo[ok]], py[todo[ok]] = cx[ok], cy[ok]
            todo = todo[~ok]
        return px, py

    table = {
        "town_centre": town_centre,
        "school": school,
        "school_link": school_link,
        "station": station,
        "residential": residential,
    }
    if component not in table:
        raise ValueError(f"unknown place component {component!r}; expected one of {COMPONENTS}")
    return table[component]


def sample_component(
    places: Places, rng: np.random.Generator, component: str, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``n`` snapped BNG points from one named component (see module docstring)."""
    return _draw_inside(places, rng, n, _propose(places, component))


def sample_mixture(
    places: Places, rng: np.random.Generator, n: int, mixture: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample ``n`` points from a mixture of components.

    Returns
    -------
    x, y, component
        Snapped BNG coordinates and the component each point came from.
    """
    names = np.array(list(mixture), dtype=object)
    probs = np.array([mixture[k] for k in names], dtype="float64")
    chosen = names[rng.choice(len(names), size=n, p=probs / probs.sum())] if n else names[:0]
    x = np.empty(n, dtype="float64")
    y = np.empty(n, dtype="float64")
    for name in names:
        mask = chosen == name
        if mask.any():
            x[mask], y[mask] = sample_component(places, rng, str(name), int(mask.sum()))
    return x, y, chosen.astype(str)


def sample_disc(
    places: Places,
    rng: np.random.Generator,
    cx: np.ndarray,
    cy: np.ndarray,
    r_min: float,
    r_max: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One snapped point per centre, uniform in the annulus ``r_min``..``r_max`` metres."""
    cx = np.asarray(cx, dtype="float64")
    cy = np.asarray(cy, dtype="float64")
    x, y = np.empty(len(cx)), np.empty(len(cx))
    todo = np.arange(len(cx))
    for _ in range(200):
        if todo.size == 0:
            return x, y
        r = np.sqrt(rng.uniform(r_min**2, (r_max - SNAP_METRES) ** 2, size=todo.size))
        theta = rng.uniform(0.0, 2 * np.pi, size=todo.size)
        px = np.round((cx[todo] + r * np.cos(theta)) / SNAP_METRES) * SNAP_METRES
        py = np.round((cy[todo] + r * np.sin(theta)) / SNAP_METRES) * SNAP_METRES
        ok = places.inside(px, py)
        x[todo[ok]], y[todo[ok]] = px[ok], py[ok]
        todo = todo[~ok]
    raise RuntimeError("could not place near-repeat points inside the boundary")
