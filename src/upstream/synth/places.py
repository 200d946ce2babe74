"""Where synthetic incidents happen: the real borough, its town centres, schools and stations.

Points are sampled on the real Waltham Forest geography (bundled ONS boundary and 2011
LSOAs), snapped to a 10 m grid in British National Grid, and redrawn until they fall inside
the borough boundary. The sampling components are:

``town_centre``
    Around one of :data:`TOWN_CENTRES` (Gaussian, 250 m standard deviation, cut at 600 m).
``school``
    Within 400 m of a secondary school from the bundled schools list.
``school_link``
    Along the straight line between two secondary schools less than 1.5 km apart (the
    journeys between schools), within about 100 m of the line.
``station``
    Within 250 m of an Underground station inside the borough (bundled TfL list, when present).
``residential``
    Uniform inside an LSOA chosen with weight population x deprivation (IMD 2019 decile 1,
    the most deprived, weighs 2.0; decile 10 weighs 0.55).

The town-centre points below are approximate centres chosen by the upstream maintainers
from public maps; they are not an official town-centre boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from upstream.area import BNG, WGS84, Area, load_area
from upstream.config import PROJECT_ROOT

__all__ = [
    "COMPONENTS",
    "SNAP_METRES",
    "TOWN_CENTRES",
    "Places",
    "TownCentre",
    "load_places",
    "sample_component",
    "sample_disc",
    "sample_mixture",
    "to_lonlat",
]

SNAP_METRES = 10
COMPONENTS = ("town_centre", "school", "school_link", "station", "residential")
_DATA = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class TownCentre:
    """A named town centre with an approximate centre point in BNG metres."""

    name: str
    x: float
    y: float


TOWN_CENTRES: tuple[TownCentre, ...] = (
    TownCentre("Walthamstow (Hoe Street / High Street)", 537300, 189200),
    TownCentre("Leytonstone High Road", 539200, 187400),
    TownCentre("Leyton", 538000, 186600),
    TownCentre("Chingford Mount", 537700, 193200),
    TownCentre("Highams Park", 538800, 192000),
    TownCentre("Wood Street", 538800, 189800),
    TownCentre("Bakers Arms", 537300, 187600),
)
"""Waltham Forest town centres (approximate centres; maintainers' estimate from public maps)."""


@dataclass(frozen=True)
class Places:
    """The borough and the named places incidents concentrate around (all BNG metres)."""

    area: Area
    town_centres: pd.DataFrame
    """name, x, y."""
    schools: pd.DataFrame
    """Secondary and all-through schools: name, x, y, pupils."""
    stations: pd.DataFrame
    """Underground stations inside the borough: name, x, y (may be empty)."""
    school_links: np.ndarray
    """(k, 4) array of x1, y1, x2, y2 for secondary-school pairs less than 1.5 km apart."""
    lsoas: pd.DataFrame
    """2011 LSOAs: lsoa_code, lsoa_name, population, imd_decile, weight (geometry dropped)."""
    lsoa_geoms: np.ndarray
    """Shapely polygons in the same order as :attr:`lsoas`."""

    def inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask of points inside the borough boundary."""
        return self.area.contains(x, y)


def _secondary_schools(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    keep = raw["phase"].isin(["Secondary", "All-through"]) & raw["in_wf_boundary"].astype(bool)
    out = raw.loc[keep, ["name", "easting", "northing", "number_of_pupils"]]
    out = out.rename(columns={"easting": "x", "northing": "y", "number_of_pupils": "pupils"})
    return out.sort_values("name").reset_index(drop=True)


def _stations(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({"name": [], "x": [], "y": []})
    raw = pd.read_csv(path)
    raw = raw[raw["in_wf_boundary"].astype(bool)]
    out = raw[["name", "easting", "northing"]].rename(columns={"easting": "x", "northing": "y"})
    return out.sort_values("name").reset_index(drop=True)


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


@cache
def load_places(data_dir: Path = _DATA, link_metres: float = 1500.0) -> Places:
    """Load the bundled geography, schools and stations into a :class:`Places`.

    Parameters
    ----------
    data_dir
        The bundled data folder (``geography/``, ``schools/``, optional ``transport/``).
    link_metres
        Secondary schools closer than this are joined by a "school link".
    """
    geo = data_dir / "geography"
    area = load_area(geo / "waltham_forest_boundary.geojson", "Waltham Forest", geo)
    imd = pd.read_csv(geo / "waltham_forest_imd2019_lsoa11.csv")
    imd = imd[["lsoa11_code", "index_of_multiple_deprivation_imd_decile"]].rename(
        columns={"lsoa11_code": "lsoa_code", "index_of_multiple_deprivation_imd_decile": "imd"}
    )
    lsoas = area.lsoas.merge(imd, on="lsoa_code", how="left").sort_values("lsoa_code")
    lsoas = lsoas.reset_index(drop=True)
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
    schools = _secondary_schools(data_dir / "schools" / "waltham_forest_schools.csv")
    centres = pd.DataFrame([(c.name, c.x, c.y) for c in TOWN_CENTRES], columns=["name", "x", "y"])
    return Places(
        area=area,
        town_centres=centres,
        schools=schools,
        stations=_stations(data_dir / "transport" / "waltham_forest_underground_stations.csv"),
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


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(BNG, WGS84, always_xy=True)


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing to WGS84 longitude/latitude rounded to 6 decimal places."""
    lon, lat = _to_wgs84().transform(np.asarray(x, "float64"), np.asarray(y, "float64"))
    return np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)
