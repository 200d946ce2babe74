"""Area packs: one folder, named by one setting, holds everything about one place.

``UPSTREAM_AREA_DIR`` names the folder (default: the bundled Waltham Forest pack,
``data/areas/waltham_forest``). Its ``area.toml`` manifest names the pack and its layers::

    format = 1
    name = "Waltham Forest"
    kind = "partnership"            # or "sub-area" (then sub_area_of = "...")
    mps_borough = "Waltham Forest"  # optional: MPS borough series to compare with London
    sources = ["Attribution line", "..."]

    [boundary]                      # the only required layer
    file = "waltham_forest_boundary.geojson"

    [lsoa11_population]             # each layer: a table with its file and options
    file = "waltham_forest_lsoa_population.csv"
    mid_year = 2020

The layers, their required columns and what needs them are listed in
:mod:`upstream.area.layers`. Everything is checked when the pack is loaded: a missing file,
column or value stops with an :class:`~upstream.area.model.AreaError` naming the file (and
line) and what is wrong, never a traceback later. Loaded areas are cached per pack content
(:func:`pack_digest`), so editing a pack's files takes effect without a restart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from upstream.area.layers import LAYERS
from upstream.area.model import Area, AreaError, empty_lsoas, empty_points
from upstream.area.placement import BNG, inside_mask
from upstream.area.terms import read_school_terms
from upstream.config import Settings
from upstream.definitions import Definitions, load_definitions
from upstream.digests import files_digest

__all__ = [
    "MANIFEST",
    "Manifest",
    "area_from_settings",
    "cached_area",
    "definitions_from_settings",
    "load_area",
    "pack_digest",
    "read_manifest",
]

MANIFEST = "area.toml"
FORMAT = 1
_TOP_KEYS = {"format", "name", "kind", "sub_area_of", "mps_borough", "description", "sources"}
_KINDS = ("partnership", "sub-area")
SECONDARY_PHASES = ("Secondary", "All-through")


@dataclass(frozen=True)
class Manifest:
    """An area pack's ``area.toml``, checked."""

    folder: Path
    name: str
    kind: str
    layers: Mapping[str, Mapping[str, Any]]
    """Layer name -> its table (``file`` and options)."""
    mps_borough: str | None = None
    sub_area_of: str | None = None
    description: str = ""
    sources: tuple[str, ...] = ()

    def path(self, layer: str) -> Path:
        """The file of ``layer``."""
        return self.folder / str(self.layers[layer]["file"])

    @property
    def files(self) -> list[Path]:
        """The manifest and every file it names (what the pack's content is)."""
        return [self.folder / MANIFEST, *(self.path(n) for n in sorted(self.layers))]


def _fail(where: Path | str, what: str) -> AreaError:
    return AreaError(f"{where}: {what}")


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/area.toml``: its keys, layers and that every file exists."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise _fail(folder, "no such area pack folder (UPSTREAM_AREA_DIR)")
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise _fail(folder, f"not an area pack: it has no {MANIFEST}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML ({exc})") from None
    if raw.get("format") != FORMAT:
        raise _fail(path, f"format must be {FORMAT} (the area pack format this upstream reads)")
    layers = {k: v for k, v in raw.items() if isinstance(v, dict)}
    unknown = sorted(set(layers) - set(LAYERS)) + sorted(set(raw) - set(layers) - _TOP_KEYS)
    if unknown:
        raise _fail(path, f"unknown key(s) {unknown}; layers are {', '.join(LAYERS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, "name (the area's name, shown on every page) is missing")
    kind = raw.get("kind", "partnership")
    if kind not in _KINDS:
        raise _fail(path, f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if "boundary" not in layers:
        raise _fail(path, "the [boundary] layer is missing (every pack needs one)")
    for layer, table in layers.items():
        file = table.get("file")
        if not isinstance(file, str) or not file:
            raise _fail(path, f"[{layer}] has no file")
        if Path(file).is_absolute() or ".." in Path(file).parts:
            raise _fail(path, f"[{layer}] file must be inside the pack folder, got {file!r}")
        if not (folder / file).is_file():
            raise _fail(path, f"[{layer}] file {file} not found in {folder}")
        for need in LAYERS[layer].needs:
            if need not in layers:
                raise _fail(path, f"[{layer}] needs the [{need}] layer, which is missing")
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise _fail(path, "sources must be a list of text lines")
    mps = raw.get("mps_borough")
    return Manifest(
        folder=folder,
        name=name.strip(),
        kind=kind,
        layers=layers,
        mps_borough=str(mps) if mps else None,
        sub_area_of=str(raw["sub_area_of"]) if raw.get("sub_area_of") else None,
        description=str(raw.get("description", "")),
        sources=tuple(sources),
    )


# ---- reading layers --------------------------------------------------------------------
def _required(frame: pd.DataFrame, path: Path, layer: str, unit: str, first: int) -> None:
    """Every required column is there, and holds a value in every row (``unit`` ``first``
    names the first row: line 2 of a CSV, feature 1 of a GeoJSON file)."""
    need = LAYERS[layer].columns
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise _fail(
            path,
            f"missing column(s) {', '.join(missing)} (the {layer} layer needs {', '.join(need)})",
        )
    for column in need:
        empty = frame[column].isna() | frame[column].astype(str).str.strip().eq("")
        if empty.any():
            i = int(np.flatnonzero(empty.to_numpy())[0])
            raise _fail(path, f"{unit} {i + first}: {column} is empty")


def _polygons(m: Manifest, layer: str) -> gpd.GeoDataFrame:
    path = m.path(layer)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise _fail(path, f"cannot read the {layer} file ({exc})") from None
    if frame.empty:
        raise _fail(path, f"the {layer} file has no features")
    if frame.crs is None:
        raise _fail(path, f"the {layer} file has no coordinate reference system")
    _required(frame, path, layer, "feature", 1)
    kinds = set(frame.geometry.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise _fail(path, f"the {layer} file must hold polygons, found {sorted(kinds)}")
    frame = frame.to_crs(BNG)
    frame["geometry"] = shapely.make_valid(frame.geometry.to_numpy())
    return frame


def _csv(m: Manifest, layer: str) -> pd.DataFrame:
    path = m.path(layer)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise _fail(path, f"cannot read the {layer} file as CSV ({exc})") from None
    _required(frame, path, layer, "line", 2)
    return frame


def _numbers(frame: pd.DataFrame, column: str, path: Path, *, lo: float = -np.inf) -> np.ndarray:
    """``column`` as floats; the first blank, non-number or value below ``lo`` is an error."""
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < lo)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _fail(
            path, f"line {i + 2}, {column}: {frame[column].iloc[i]!r} is not a usable number"
        )
    return values


def _unique(codes: pd.Series, path: Path, column: str) -> None:
    dup = codes.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(path, f"row {i + 1}: {column} {codes.iloc[i]} appears twice")


def _lsoas(m: Manifest, layer: str, pop_layer: str, code: str, count: str) -> gpd.GeoDataFrame:
    raw = _polygons(m, layer)
    _unique(raw["lsoa_code"], m.path(layer), "lsoa_code")
    lsoas = gpd.GeoDataFrame(
        raw[["lsoa_code", "lsoa_name"]].astype(str), geometry=raw.geometry, crs=BNG
    )
    lsoas["population"] = np.nan
    if pop_layer in m.layers:
        table = _csv(m, pop_layer)
        year = m.layers[pop_layer].get("mid_year")
        if year is not None and "mid_year" in table.columns:
            table = table[table["mid_year"].str.strip() == str(year)]
        elif "mid_year" in table.columns and table["mid_year"].nunique() > 1:
            raise _fail(m.path(pop_layer), "holds several mid_year values; set mid_year")
        pop = pd.Series(_numbers(table, count, m.path(pop_layer), lo=0), index=table[code])
        _unique(table[code], m.path(pop_layer), code)
        lsoas["population"] = lsoas["lsoa_code"].map(pop)
    return lsoas.sort_values("lsoa_code").reset_index(drop=True)


def _points(m: Manifest, layer: str, boundary: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The layer's points (``name``, ``x``, ``y``, ``inside``) and its table as read."""
    raw = _csv(m, layer)
    path = m.path(layer)
    x = _numbers(raw, "easting", path)
    y = _numbers(raw, "northing", path)
    out = pd.DataFrame({"name": raw["name"].str.strip(), "x": x, "y": y})
    out["inside"] = inside_mask(boundary, x, y)
    return out, raw


def _schools(m: Manifest, boundary: Any) -> pd.DataFrame:
    if "schools" not in m.layers:
        return empty_points("phase", "pupils", "serves_11_plus", "secondary", "open", "inside")
    out, raw = _points(m, "schools", boundary)
    phase = raw["phase"].str.strip()
    out.insert(1, "phase", phase)
    pupils = raw["number_of_pupils"] if "number_of_pupils" in raw else pd.Series("", raw.index)
    out["pupils"] = pd.to_numeric(pupils, errors="coerce")
    if "serves_age_11_plus" in raw:
        flag = raw["serves_age_11_plus"].str.strip().str.lower()
        out["serves_11_plus"] = flag.isin(["true", "1", "yes"]).to_numpy()
    else:
        out["serves_11_plus"] = phase.isin([*SECONDARY_PHASES, "16 plus"]).to_numpy()
    out["secondary"] = phase.isin(SECONDARY_PHASES).to_numpy()
    if "status" in raw:  # GIAS: "Open", "Open, but proposed to close", "Closed", ...
        out["open"] = raw["status"].str.strip().str.lower().str.startswith("open").to_numpy()
    else:
        out["open"] = True  # a pack without a status column lists open schools
    return out.sort_values("name", kind="mergesort").reset_index(drop=True)


def _named_points(m: Manifest, layer: str, boundary: Any) -> pd.DataFrame:
    if layer not in m.layers:
        return empty_points("inside")
    out, _ = _points(m, layer, boundary)
    return out.sort_values("name", kind="mergesort").reset_index(drop=True)


def _imd(m: Manifest) -> pd.Series | None:
    if "imd2019" not in m.layers:
        return None
    table = _csv(m, "imd2019")
    column = "index_of_multiple_deprivation_imd_decile"
    decile = _numbers(table, column, m.path("imd2019"), lo=1)
    if (decile > 10).any() or (decile != np.round(decile)).any():
        i = int(np.flatnonzero((decile > 10) | (decile != np.round(decile)))[0])
        raise _fail(m.path("imd2019"), f"line {i + 2}, {column}: deciles run from 1 to 10")
    return pd.Series(decile.astype("int64"), index=table["lsoa11_code"].to_numpy(), name="decile")


def load_area(folder: Path) -> Area:
    """Load and check the area pack in ``folder``.

    Raises
    ------
    AreaError
        Naming the file (and line or column) of the first problem found.
    """
    m = read_manifest(folder)
    frame = _polygons(m, "boundary")
    boundary = shapely.make_valid(shapely.union_all(frame.geometry.to_numpy()))
    if boundary.is_empty or boundary.area <= 0:
        raise _fail(m.path("boundary"), "the boundary has no area")
    lsoas = empty_lsoas()
    if "lsoa11" in m.layers:
        lsoas = _lsoas(m, "lsoa11", "lsoa11_population", "lsoa11_code", "persons_all_ages")
    lsoas21 = census = None
    if "lsoa21" in m.layers:
        lsoas21 = _lsoas(m, "lsoa21", "lsoa21_population", "lsoa21_code", "total_usual_residents")
        if "lsoa21_population" in m.layers:
            census = _csv(m, "lsoa21_population")
            for col in census.columns:
                if col.startswith("age_") or col == "total_usual_residents":
                    census[col] = pd.to_numeric(census[col], errors="coerce")
    msoas = None
    if "msoa21" in m.layers:
        raw = _polygons(m, "msoa21")
        msoas = gpd.GeoDataFrame(
            raw[["msoa_code", "msoa_name"]].astype(str), geometry=raw.geometry, crs=BNG
        ).sort_values("msoa_code", ignore_index=True)
    calendar = None
    terms = m.layers.get("school_terms", {})
    if terms:
        try:
            calendar = read_school_terms(m.path("school_terms"), terms)
        except ValueError as exc:
            raise _fail(m.folder / MANIFEST, str(exc)) from None
    return Area(
        name=m.name,
        boundary=boundary,
        lsoas=lsoas,
        lsoas_2021=lsoas21,
        census_age=census,
        imd=_imd(m),
        schools=_schools(m, boundary),
        stations=_named_points(m, "stations", boundary),
        town_centres=_named_points(m, "town_centres", boundary),
        msoas_2021=msoas,
        calendar=calendar,
        terms_description=str(terms.get("description", "")),
        layers=frozenset(m.layers),
        mps_borough=m.mps_borough,
        whole=m.kind != "sub-area",
        folder=m.folder,
        definitions_file=m.path("definitions") if "definitions" in m.layers else None,
        sources=m.sources,
    )


# ---- content version and the cache --------------------------------------------------------
def pack_digest(folder: Path) -> str:
    """A hash of the pack's content: its manifest and every file the manifest names.

    Files are hashed again only when they change (:func:`upstream.digests.files_digest`), so
    asking on every page view costs a few ``stat`` calls. A folder that is not a readable
    pack gives a digest of what is there, so the error surfaces when the area is loaded.
    """
    folder = Path(folder).resolve()
    try:
        files = read_manifest(folder).files
    except AreaError:
        files = [folder / MANIFEST]
    return files_digest(files, folder)


@lru_cache(maxsize=4)
def _cached_area(folder: Path, digest: str) -> Area:
    return load_area(folder)


def cached_area(folder: Path) -> Area:
    """The pack in ``folder``, loaded once per version of its content (:func:`pack_digest`)."""
    folder = Path(folder).resolve()
    return _cached_area(folder, pack_digest(folder))


def area_from_settings(settings: Settings) -> Area:
    """The area of the pack ``settings.area_dir`` names (the bundled Waltham Forest pack by
    default), loaded once per version of the pack's content."""
    return cached_area(settings.area_dir)


def definitions_from_settings(settings: Settings) -> Definitions:
    """The local definitions: the bundled ones, merged with the area pack's ``definitions``
    layer, then with ``UPSTREAM_DEFINITIONS_FILE``."""
    pack = area_from_settings(settings).definitions_file
    return load_definitions(pack, settings.definitions_file)
