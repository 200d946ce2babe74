"""Read what the profile needs from the event store and the bundled open data.

Partnership data: real rows are used whenever there are any; synthetic rows only when no
real partnership data are loaded (real and synthetic are never mixed), and the profile
then says, on every view that uses them, that they are synthetic. Only ``police`` incidents
are counted in the headline, place and time views (A&E attendances are a different count
of a different thing, see docs/data-formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from upstream.analysis.deprivation import imd2019_deciles
from upstream.area import BNG, Area
from upstream.config import Settings
from upstream.definitions import Definitions
from upstream.events import EventStore
from upstream.status import coverage_report

__all__ = ["ProfileData", "load_inputs", "lsoa_of_points"]

KNIFE_INJURY = ("minor", "serious", "fatal")


@dataclass
class ProfileData:
    """Frames and facts the sections are computed from."""

    area: Area
    definitions: Definitions
    coverage: dict[str, Any]
    street: pd.DataFrame | None
    """Serious-violence street crimes: month, crime_type, lsoa_code, x, y."""
    street_months: list[str]
    stop_search: pd.DataFrame | None
    """month, date (UTC), officer_defined_ethnicity, gender, age_range."""
    stop_search_months: list[str]
    incidents: pd.DataFrame | None
    """Police incidents (real, or synthetic when no real are loaded), with ``local_month``,
    ``known_time`` (Europe/London, NaT when the range is over 2 hours), and flags
    ``knife_injury``, ``victim_u25``, ``victim_u18``."""
    involvements: pd.DataFrame | None
    partnership_synthetic: bool
    partnership_months: list[str]
    a_and_e_rows: int
    london: pd.DataFrame | None
    """MPS borough series: month, borough, series, count."""
    census_age: pd.DataFrame | None
    imd: pd.Series | None
    schools: pd.DataFrame
    """Secondary and all-through schools in the area: name, x, y."""


def lsoa_of_points(
    lsoas: gpd.GeoDataFrame, x: np.ndarray | pd.Series, y: np.ndarray | pd.Series
) -> np.ndarray:
    """Code of the LSOA containing each BNG point (None when outside all or unplaced)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    out: np.ndarray = np.full(len(x), None, dtype=object)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any() or lsoas.empty:
        return out
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[ok], y[ok]), crs=BNG)
    joined = gpd.sjoin(points, lsoas[["lsoa_code", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    out[np.flatnonzero(ok)] = joined["lsoa_code"].to_numpy(dtype=object)
    return out


def _partnership(store: EventStore) -> tuple[pd.DataFrame | None, pd.DataFrame | None, bool]:
    sources = {p.source for p in store.partitions()}
    if not any(s.startswith("incidents_") for s in sources):
        return None, None, False
    real = any(s.startswith("incidents_") and not s.endswith("_synthetic") for s in sources)
    flag = "false" if real else "true"
    incidents = store.query(
        "SELECT incident_id, source, offence, occurred_from, occurred_to, x, y, location_type, "
        "weapon, injury, domestic_abuse FROM incidents "
        f"WHERE source = 'police' AND synthetic = {flag}"
    )
    involvements = store.query(
        "SELECT incident_id, role, person_ref, age, sex, ethnicity_self_defined, "
        "ethnicity_officer_defined FROM involvements "
        f"WHERE source = 'police' AND synthetic = {flag}"
    )
    return incidents, involvements, not real


def _flag_incidents(incidents: pd.DataFrame, involvements: pd.DataFrame) -> pd.DataFrame:
    from upstream.analysis.timing import LONDON, known_times

    inc = incidents.copy()
    start = pd.to_datetime(inc["occurred_from"], utc=True)
    inc["local_month"] = start.dt.tz_convert(LONDON).dt.strftime("%Y-%m")
    inc["local_date"] = start.dt.tz_convert(LONDON).dt.date
    inc["known_time"] = known_times(inc["occurred_from"], inc["occurred_to"])
    inc["knife_injury"] = inc["weapon"].eq("knife_or_sharp") & inc["injury"].isin(KNIFE_INJURY)
    victims = involvements[involvements["role"].eq("victim")]
    age = pd.to_numeric(victims["age"], errors="coerce")
    u25 = set(victims.loc[age.lt(25).fillna(False), "incident_id"])
    u18 = set(victims.loc[age.lt(18).fillna(False), "incident_id"])
    inc["victim_u25"] = inc["incident_id"].isin(u25)
    inc["victim_u18"] = inc["incident_id"].isin(u18)
    inc["domestic_abuse"] = inc["domestic_abuse"].astype(bool)
    return inc


def _schools(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({"name": [], "x": [], "y": []})
    raw = pd.read_csv(path)
    keep = raw["phase"].isin(["Secondary", "All-through"]) & raw["in_wf_boundary"].astype(bool)
    out = raw.loc[keep, ["name", "easting", "northing"]]
    return out.rename(columns={"easting": "x", "northing": "y"}).reset_index(drop=True)


def load_inputs(settings: Settings, area: Area, definitions: Definitions) -> ProfileData:
    """Everything the profile is computed from, read once."""
    store = EventStore(settings.events_dir)
    coverage = coverage_report(store)
    sources = coverage["sources"]
    street = None
    street_months: list[str] = []
    if "police_uk_street" in sources:
        street = store.query(
            "SELECT month, crime_type, lsoa_code, x, y FROM street WHERE crime_type IN "
            "(SELECT unnest($1::VARCHAR[]))",
            [list(definitions.serious_violence)],
        )
        street_months = list(sources["police_uk_street"]["months"])
    stop = None
    stop_months: list[str] = []
    if "police_uk_stop_search" in sources:
        stop = store.query(
            "SELECT month, date, officer_defined_ethnicity, gender, age_range FROM stop_search"
        )
        stop_months = list(sources["police_uk_stop_search"]["months"])
    incidents, involvements, synthetic = _partnership(store)
    months: list[str] = []
    if incidents is not None and involvements is not None:
        incidents = _flag_incidents(incidents, involvements)
        months = sorted(
            {
                m
                for s, info in sources.items()
                if s.startswith("incidents_police")
                for m in info["months"]
            }
        )
    a_and_e = sum(
        int(info["rows"]) for s, info in sources.items() if s.startswith("incidents_a_and_e")
    )
    london_path = settings.bundled_data / "london" / "mps_borough_monthly.parquet"
    london = pd.read_parquet(london_path) if london_path.exists() else None
    geo = settings.bundled_data / "geography"
    age_path = geo / "waltham_forest_lsoa21_census2021_age.csv"
    imd_path = geo / "waltham_forest_imd2019_lsoa11.csv"
    return ProfileData(
        area=area,
        definitions=definitions,
        coverage=coverage,
        street=street,
        street_months=street_months,
        stop_search=stop,
        stop_search_months=stop_months,
        incidents=incidents,
        involvements=involvements,
        partnership_synthetic=synthetic,
        partnership_months=months,
        a_and_e_rows=a_and_e,
        london=london,
        census_age=pd.read_csv(age_path) if age_path.exists() else None,
        imd=imd2019_deciles(imd_path) if imd_path.exists() else None,
        schools=_schools(settings.bundled_data / "schools" / "waltham_forest_schools.csv"),
    )
