"""``upstream area build``: make an area pack from the bundled files.

Two kinds of pack:

* **A sub-area** of a pack (by default the bundled Waltham Forest pack), the scale
  neighbourhood teams work at, chosen by 2011 or 2021 LSOA codes, by 2021 MSOA codes or
  names, or by wards from a ward boundary file the user supplies (no ward boundaries are
  bundled anywhere in upstream). The boundary is the union of the chosen polygons, clipped
  to the source pack's boundary. LSOA layers are kept when the LSOAs nest in the new
  boundary (each kept LSOA, one with most of its area inside, lies at least
  :data:`NEST` inside, and together they cover at least :data:`NEST` of the area); wards do
  not usually follow LSOA edges, and then the LSOA layers are left out and the pack says so,
  rather than giving a whole LSOA's residents to part of it.
* **A London borough, several, or all of London** from the London-wide files in
  ``data/london/`` (borough boundaries, IMD 2019 for every London LSOA, GIAS schools, and
  the Underground, Overground, Elizabeth line, DLR and National Rail stations). There are no
  LSOA boundaries, LSOA populations or town centres for London outside Waltham Forest in the
  bundled data, so such a pack supports the grid-based views and the plans built on schools
  and stations only; :func:`upstream.area.layers.support` lists what it can and cannot do.

Points (schools, stations, town centres) within :data:`MARGIN` metres of the new boundary
are kept, since people cross boundaries; upstream decides which are inside when it loads the
pack. Term dates and local definitions are copied. A pack is written to a temporary folder
and moved into place only when complete and loadable.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from upstream.area.model import Area, AreaError
from upstream.area.pack import MANIFEST, Manifest, load_area, read_manifest
from upstream.area.placement import BNG, WGS84

__all__ = [
    "LONDON_FILES",
    "MARGIN",
    "NEST",
    "STATIONS_ATTRIBUTION",
    "Built",
    "SubArea",
    "build_london",
    "build_sub_area",
]

MARGIN = 1000.0
"""Metres: schools, stations and town centres this close to the new boundary are kept."""
STATIONS_ATTRIBUTION = (
    "Stations: TfL Unified API StopPoint data. Powered by TfL Open Data. Contains OS data © "
    "Crown copyright and database rights 2016 and Geomni UK Map data © and database rights "
    "[2019]. Used under the TfL open data terms (based on the Open Government Licence v2.0)."
)
"""The attribution TfL's open data terms ask for, given with the bundled stations."""
NEST = 0.95
"""Share of its area a kept LSOA must have inside, and of the area the kept LSOAs must cover."""

LONDON_FILES = {
    "boroughs": "london_boroughs.geojson",
    "imd2019": "london_imd2019_lsoa11.csv",
    "schools": "london_schools_gias_2025.csv",
    "stations": "london_stations.csv",
}
"""The London-wide files ``build_london`` reads, in ``<bundled data>/london``."""

_OUT_NAMES = {
    "boundary": "boundary.geojson",
    "lsoa11": "lsoa11.geojson",
    "lsoa11_population": "lsoa11_population.csv",
    "lsoa21": "lsoa21.geojson",
    "lsoa21_population": "lsoa21_population.csv",
    "msoa21": "msoa21.geojson",
    "imd2019": "imd2019_lsoa11.csv",
    "schools": "schools.csv",
    "stations": "stations.csv",
    "town_centres": "town_centres.csv",
    "school_terms": "school_terms.csv",
    "definitions": "definitions.toml",
}
_POLYGON_CODES = {"lsoa11": "lsoa_code", "lsoa21": "lsoa_code", "msoa21": "msoa_code"}
_TABLE_CODES = {
    "lsoa11_population": ("lsoa11", "lsoa11_code"),
    "lsoa21_population": ("lsoa21", "lsoa21_code"),
    "imd2019": ("lsoa11", "lsoa11_code"),
}
_POINTS = ("schools", "stations", "town_centres")
_COPIED = ("school_terms", "definitions")


@dataclass(frozen=True)
class SubArea:
    """What a sub-area is made of (any mix; the union is taken)."""

    lsoas: tuple[str, ...] = ()
    """2011 or 2021 LSOA codes of the source pack."""
    msoas: tuple[str, ...] = ()
    """2021 MSOA codes or names of the source pack."""
    wards_file: Path | None = None
    """A ward boundary file (any format GeoPandas reads, with a CRS)."""
    wards: tuple[str, ...] = ()
    """Ward names or codes in ``wards_file``."""
    ward_field: str | None = None
    """The column of ``wards_file`` the names are in (default: found by trying the usual)."""


@dataclass
class Built:
    """A pack just written, loaded, with notes on what it leaves out and why."""

    folder: Path
    area: Area
    notes: list[str] = field(default_factory=list)


# ---- writing ------------------------------------------------------------------------------
def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[\n" + "".join(f"  {_toml(v)},\n" for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _manifest_text(top: dict[str, Any], layers: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# An upstream area pack, made by 'upstream area build'. The format is in the README",
        '# ("Area packs"); SOURCES.md says where each file came from.',
    ]
    lines += [f"{k} = {_toml(v)}" for k, v in top.items() if v not in (None, "", [], ())]
    for name, table in layers.items():
        lines += ["", f"[{name}]"] + [f"{k} = {_toml(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _write_polygons(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame.to_crs(WGS84).to_file(path, driver="GeoJSON", COORDINATE_PRECISION=7)


def _prepare(out: Path) -> Path:
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AreaError(f"{out}: already exists; choose a new folder for the pack")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.building-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def _finish(
    tmp: Path, out: Path, top: dict[str, Any], layers: dict[str, dict[str, Any]], sources_md: str
) -> Area:
    (tmp / MANIFEST).write_text(_manifest_text(top, layers), encoding="utf-8")
    (tmp / "SOURCES.md").write_text(sources_md, encoding="utf-8")
    load_area(tmp)  # a pack that does not load is never put in place
    if out.exists():
        out.rmdir()  # empty (checked by _prepare)
    os.replace(tmp, out)
    return load_area(out)


# ---- sub-areas -----------------------------------------------------------------------------
def _bng(m: Manifest, layer: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A polygon layer as read (its own CRS) and in BNG."""
    raw = gpd.read_file(m.path(layer))
    return raw, raw.to_crs(BNG)


def _pick(
    frame: gpd.GeoDataFrame, column: str, wanted: Sequence[str], what: str, where: str
) -> gpd.GeoDataFrame:
    keys = frame[column].astype(str).str.strip().str.casefold()
    out = []
    for w in wanted:
        hit = frame[keys == w.strip().casefold()]
        if hit.empty:
            known = ", ".join(sorted(frame[column].astype(str))[:12])
            raise AreaError(f"{what} {w!r} is not in {where} (it has: {known}, ...)")
        out.append(hit)
    return pd.concat(out)


def _ward_field(frame: gpd.GeoDataFrame, given: str | None, path: Path) -> str:
    if given is not None:
        if given not in frame.columns:
            raise AreaError(f"{path}: no column {given!r} (columns: {', '.join(frame.columns)})")
        return given
    for name in frame.columns:
        low = name.lower()
        if low in ("ward_name", "ward", "name") or (low.startswith("wd") and low.endswith("nm")):
            return str(name)
    raise AreaError(f"{path}: say which column holds the ward names with --ward-field")


def _label(parts: list[str]) -> str:
    text = ", ".join(parts[:4])
    return text + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")


def _selection_shapes(m: Manifest, sel: SubArea) -> tuple[list[BaseGeometry], str]:
    """The chosen polygons (BNG) and a label naming them as their files do."""
    shapes: list[BaseGeometry] = []
    names: list[str] = []

    def take(
        frame: gpd.GeoDataFrame,
        column: str,
        wanted: Sequence[str],
        what: str,
        where: str,
        label: str,
    ) -> None:
        rows = _pick(frame, column, wanted, what, where)
        shapes.extend(rows.geometry)
        names.extend(rows[label].astype(str))

    if sel.wards:
        if sel.wards_file is None:
            raise AreaError("--ward needs --wards FILE: no ward boundaries are bundled")
        try:
            wards = gpd.read_file(sel.wards_file)
        except Exception as exc:  # pyogrio raises several types
            raise AreaError(f"{sel.wards_file}: cannot read the ward file ({exc})") from None
        if wards.crs is None:
            raise AreaError(f"{sel.wards_file}: the ward file has no coordinate reference system")
        wards = wards.to_crs(BNG)
        column = _ward_field(wards, sel.ward_field, sel.wards_file)
        take(wards, column, sel.wards, "ward", str(sel.wards_file), column)
    if sel.msoas:
        if "msoa21" not in m.layers:
            raise AreaError(f"{m.folder}: the pack has no msoa21 layer to choose MSOAs from")
        msoas = _bng(m, "msoa21")[1]
        codes = [s for s in sel.msoas if s.upper().startswith("E02")]
        titles = [s for s in sel.msoas if not s.upper().startswith("E02")]
        if codes:
            take(msoas, "msoa_code", codes, "MSOA", m.name, "msoa_name")
        if titles:
            take(msoas, "msoa_name", titles, "MSOA", m.name, "msoa_name")
    if sel.lsoas:
        frames = [_bng(m, v)[1] for v in ("lsoa11", "lsoa21") if v in m.layers]
        if not frames:
            raise AreaError(f"{m.folder}: the pack has no LSOA layer to choose LSOAs from")
        both = pd.concat(frames).drop_duplicates("lsoa_code")
        take(both, "lsoa_code", sel.lsoas, "LSOA", m.name, "lsoa_name")
    if not shapes:
        raise AreaError("choose the sub-area with --lsoa, --msoa or --wards FILE --ward NAME")
    return shapes, _label(list(dict.fromkeys(names)))


def _nested(polys: gpd.GeoDataFrame, boundary: BaseGeometry) -> tuple[np.ndarray, bool]:
    """Which polygons belong to the area (most of their area inside), and whether they nest."""
    geoms = polys.geometry.to_numpy()
    share = shapely.area(shapely.intersection(geoms, boundary)) / shapely.area(geoms)
    keep = share >= 0.5
    if not keep.any():
        return keep, False
    covered = shapely.union_all(geoms[keep]).intersection(boundary).area / boundary.area
    return keep, bool(share[keep].min() >= NEST and covered >= NEST)


def _near(frame: pd.DataFrame, boundary: BaseGeometry) -> np.ndarray:
    x = pd.to_numeric(frame["easting"], errors="coerce").to_numpy(dtype="float64")
    y = pd.to_numeric(frame["northing"], errors="coerce").to_numpy(dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.zeros(len(frame), dtype=bool)
    out[ok] = shapely.distance(boundary, shapely.points(x[ok], y[ok])) <= MARGIN
    return out


def build_sub_area(source: Path, out: Path, selection: SubArea, name: str | None = None) -> Built:
    """Write a pack for part of the pack in ``source`` to the new folder ``out``.

    Raises
    ------
    AreaError
        If the selection names something the source pack (or ward file) does not have, does
        not overlap the source area, or ``out`` already exists.
    """
    m = read_manifest(Path(source))
    parent = load_area(m.folder)
    shapes, label = _selection_shapes(m, selection)
    boundary = shapely.make_valid(shapely.union_all(shapes)).intersection(parent.boundary)
    boundary = shapely.make_valid(boundary)
    if boundary.is_empty or boundary.area <= 0:
        raise AreaError(f"the chosen sub-area does not overlap {m.name}")
    notes: list[str] = []
    title = name or f"{m.name}: {label}"
    tmp = _prepare(out)
    try:
        layers: dict[str, dict[str, Any]] = {"boundary": {"file": _OUT_NAMES["boundary"]}}
        _write_polygons(
            gpd.GeoDataFrame({"name": [title]}, geometry=[boundary], crs=BNG),
            tmp / _OUT_NAMES["boundary"],
        )
        kept: dict[str, set[str]] = {}
        for layer, code in _POLYGON_CODES.items():
            if layer not in m.layers:
                continue
            raw, bng = _bng(m, layer)
            keep, nests = _nested(bng, boundary)
            if not nests:
                notes.append(
                    f"{layer} left out: its polygons do not nest in the chosen area (a kept "
                    f"one must lie {NEST:.0%} inside, and together cover {NEST:.0%} of it)"
                )
                continue
            kept[layer] = set(raw.loc[keep, code].astype(str))
            _write_polygons(raw[keep], tmp / _OUT_NAMES[layer])
            layers[layer] = {**m.layers[layer], "file": _OUT_NAMES[layer]}
        for layer, (owner, code) in _TABLE_CODES.items():
            if layer not in m.layers:
                continue
            if owner not in kept:
                notes.append(f"{layer} left out: it belongs to the {owner} layer, left out")
                continue
            table = pd.read_csv(m.path(layer), dtype=str, keep_default_na=False)
            table[table[code].isin(kept[owner])].to_csv(tmp / _OUT_NAMES[layer], index=False)
            layers[layer] = {**m.layers[layer], "file": _OUT_NAMES[layer]}
        for layer in _POINTS:
            if layer in m.layers:
                table = pd.read_csv(m.path(layer), dtype=str, keep_default_na=False)
                table[_near(table, boundary)].to_csv(tmp / _OUT_NAMES[layer], index=False)
                layers[layer] = {**m.layers[layer], "file": _OUT_NAMES[layer]}
        for layer in _COPIED:
            if layer in m.layers:
                shutil.copyfile(m.path(layer), tmp / _OUT_NAMES[layer])
                layers[layer] = {**m.layers[layer], "file": _OUT_NAMES[layer]}
        top: dict[str, Any] = {
            "format": 1,
            "name": title,
            "kind": "sub-area",
            "sub_area_of": m.name,
            "mps_borough": m.mps_borough,
            "description": f"Part of {m.name}: {label}.",
            "sources": list(m.sources),
        }
        source_md = m.folder / "SOURCES.md"
        origin = source_md.read_text(encoding="utf-8") if source_md.exists() else ""
        sources_md = (
            f"# {title} (area pack made by 'upstream area build')\n\n"
            f"A sub-area of the {m.name} pack: {label}. Its files are rows and "
            f"polygons of that pack's files, unchanged, chosen as the module docstring of "
            "upstream.area.build describes; the boundary is the union of the chosen polygons "
            f"clipped to {m.name}'s boundary."
            + (
                f" Ward polygons came from {Path(selection.wards_file).name}, supplied by the user."
                if selection.wards_file
                else ""
            )
            + "\n\nLeft out: "
            + ("; ".join(notes) if notes else "nothing")
            + ".\n\n"
            "## Sources of the pack it was cut from\n\n" + origin
        )
        area = _finish(tmp, Path(out), top, layers, sources_md)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Built(Path(out), area, notes)


# ---- London ---------------------------------------------------------------------------------
_SERVES_11_PLUS_TYPES = ("Pupil referral unit", "alternative provision", "special")


def _london_schools(path: Path, boundary: BaseGeometry) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[_near(raw, boundary)]
    kind = raw["type"].str.lower()
    serves = raw["phase"].isin(["Secondary", "All-through", "16 plus"]) | np.logical_or.reduce(
        [kind.str.contains(t.lower(), regex=False) for t in _SERVES_11_PLUS_TYPES]
    )
    out = raw.assign(serves_age_11_plus=np.where(serves, "True", "False"))
    return out.reset_index(drop=True)


def build_london(
    london_dir: Path,
    out: Path,
    boroughs: Sequence[str],
    *,
    terms_from: Path | None = None,
    name: str | None = None,
) -> Built:
    """Write a pack for London boroughs (all 33 when ``boroughs`` is empty) to ``out``.

    ``london_dir`` holds :data:`LONDON_FILES`; ``terms_from`` is a pack whose school term
    dates are copied (typical London dates in the bundled pack).
    """
    london_dir = Path(london_dir)
    for file in LONDON_FILES.values():
        if not (london_dir / file).is_file():
            raise AreaError(f"{london_dir / file}: London-wide file not found")
    all_lads = gpd.read_file(london_dir / LONDON_FILES["boroughs"])
    lads = all_lads
    if boroughs:
        codes = [b for b in boroughs if b.upper().startswith("E09")]
        names = [b for b in boroughs if not b.upper().startswith("E09")]
        parts = []
        if codes:
            parts.append(_pick(all_lads, "lad_code", codes, "borough", "the London boroughs"))
        if names:
            parts.append(_pick(all_lads, "lad_name", names, "borough", "the London boroughs"))
        lads = pd.concat(parts).drop_duplicates("lad_code")
    lads = lads.sort_values("lad_name")
    bng = lads.to_crs(BNG)
    boundary = shapely.make_valid(shapely.union_all(bng.geometry.to_numpy()))
    every = len(lads) == len(all_lads)
    title = name or ("London" if every else ", ".join(lads["lad_name"]))
    notes = [
        "no LSOA boundaries, LSOA populations or town centres are bundled for London outside "
        "Waltham Forest, so this pack has none (see the support list)"
    ]
    tmp = _prepare(out)
    try:
        _write_polygons(
            gpd.GeoDataFrame({"name": [title]}, geometry=[boundary], crs=BNG),
            tmp / _OUT_NAMES["boundary"],
        )
        layers: dict[str, dict[str, Any]] = {"boundary": {"file": _OUT_NAMES["boundary"]}}
        imd = pd.read_csv(london_dir / LONDON_FILES["imd2019"], dtype=str, keep_default_na=False)
        imd[imd["lad19_code"].isin(set(lads["lad_code"]))].to_csv(
            tmp / _OUT_NAMES["imd2019"], index=False
        )
        layers["imd2019"] = {"file": _OUT_NAMES["imd2019"]}
        _london_schools(london_dir / LONDON_FILES["schools"], boundary).to_csv(
            tmp / _OUT_NAMES["schools"], index=False
        )
        layers["schools"] = {"file": _OUT_NAMES["schools"]}
        stations = pd.read_csv(
            london_dir / LONDON_FILES["stations"], dtype=str, keep_default_na=False
        )
        stations[_near(stations, boundary)].to_csv(tmp / _OUT_NAMES["stations"], index=False)
        layers["stations"] = {"file": _OUT_NAMES["stations"]}
        if terms_from is not None:
            src = read_manifest(Path(terms_from))
            if "school_terms" in src.layers:
                shutil.copyfile(src.path("school_terms"), tmp / _OUT_NAMES["school_terms"])
                layers["school_terms"] = {
                    **src.layers["school_terms"],
                    "file": _OUT_NAMES["school_terms"],
                }
        ogl3 = "Contains public sector information licensed under the Open Government Licence v3.0."
        sources = [
            "Boundaries: Office for National Statistics (local authority districts, December "
            "2022, generalised 20 m). Contains OS data © Crown copyright and database right "
            "2022. " + ogl3,
            "Deprivation: English Indices of Deprivation 2019 (MHCLG). " + ogl3,
            "Schools: Get Information about Schools (Department for Education), 2025-05-24. "
            + ogl3,
            STATIONS_ATTRIBUTION,
        ]
        top: dict[str, Any] = {
            "format": 1,
            "name": title,
            "kind": "partnership",
            "mps_borough": lads["lad_name"].iloc[0] if len(lads) == 1 else None,
            "description": f"{title}, from the London-wide files bundled with upstream.",
            "sources": sources,
        }
        sources_md = (
            f"# {title} (area pack made by 'upstream area build')\n\n"
            "Made from upstream's London-wide files (`data/london/`, see its SOURCES.md), rows "
            "unchanged: `boundary.geojson` is the union of the chosen boroughs' polygons "
            "(ONS LAD December 2022, generalised 20 m); `imd2019_lsoa11.csv` the IMD 2019 "
            "rows of their LSOAs; `schools.csv` the GIAS establishments (2025-05-24) within "
            f"{MARGIN:.0f} m of the boundary, with `serves_age_11_plus` added, approximated "
            "from phase and type (secondary, all-through and 16 plus phases, pupil referral "
            "units, alternative provision and special schools; the London-wide file has no age "
            "range, so independent schools with no phase are not counted); `stations.csv` the "
            f"rail, Underground, Overground, Elizabeth line and DLR stations within {MARGIN:.0f} m "
            "of the boundary (TfL StopPoint data, see `data/london/SOURCES.md`)."
            + (
                " `school_terms.csv` is copied from the bundled pack: typical London term dates."
                if "school_terms" in layers
                else ""
            )
            + "\n\nLeft out: "
            + "; ".join(notes)
            + ".\n\n"
            "Attribution: " + " ".join(sources) + "\n"
        )
        area = _finish(tmp, Path(out), top, layers, sources_md)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Built(Path(out), area, notes)
