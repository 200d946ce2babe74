"""Read what the profile needs from the event store and the area pack.

Only events placed inside the area are used, by the one placement rule
(:mod:`upstream.area.placement`), which also gives each its 2011 LSOA; so the profile and
the forecast agree on every point, and a pack for part of a borough never counts the rest.
Partnership incidents without a location are counted only for the whole area they were
ingested for (the ingest accepted them as that area's; the manifest's ingest log names it):
never for a sub-area, where they cannot be placed, nor for another area.

Partnership data: real rows are used whenever there are any; synthetic rows only when no
real partnership data are loaded (real and synthetic are never mixed), and the profile
then says, on every view that uses them, that they are synthetic. Only ``police`` incidents
are counted in the headline, place and time views (A&E attendances are a different count
of a different thing, see docs/data-formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from upstream.area import Area, place_xy
from upstream.config import Settings
from upstream.definitions import Definitions
from upstream.events import EventStore
from upstream.status import coverage_report
from upstream.vocab import TIME_ZONE, is_knife_injury, local_month

__all__ = ["ProfileData", "load_inputs"]


@dataclass
class ProfileData:
    """Frames and facts the sections are computed from."""

    area: Area
    definitions: Definitions
    coverage: dict[str, Any]
    street: pd.DataFrame | None
    """Serious-violence street crimes inside the area: month, crime_type, lsoa_code (the
    2011 LSOA placement gives, None without LSOAs), x, y."""
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
    """Secondary and all-through schools of the area pack: name, x, y."""


def _inside(area: Area, frame: pd.DataFrame, unplaced: Any = False) -> pd.DataFrame:
    """The rows placed inside the area, and those without a place where ``unplaced`` (a
    boolean, or a mask of the rows) allows, with their 2011 LSOA as ``lsoa_code``."""
    where = place_xy(area, frame["x"], frame["y"], lsoa=True)
    keep = where.inside | (where.unplaced & np.asarray(unplaced, dtype=bool))
    out = frame.assign(lsoa_code=where.lsoa_code)
    return out[keep].reset_index(drop=True)


def _ingested_here(store: EventStore, area: Area, frame: pd.DataFrame) -> np.ndarray:
    """Which incident rows come from a partition ingested for this (whole) area.

    ``frame`` needs ``source`` (the agency), ``synthetic`` and ``month``. Stores ingested
    before the log named the area count as this area's."""
    if not area.whole or frame.empty:
        return np.zeros(len(frame), dtype=bool)
    snapshot = store.snapshot()
    inputs = snapshot.inputs()
    here = {
        (p.source, p.month)
        for p in snapshot.partitions()
        if p.source.startswith("incidents_")
        and any(inputs.get(o, {}).get("area", "Waltham Forest") == area.name for o in p.origin)
    }
    suffix = np.where(frame["synthetic"].fillna(False).to_numpy(dtype=bool), "_synthetic", "")
    keys = "incidents_" + frame["source"].astype(str).to_numpy(dtype=object) + suffix
    return np.array([(k, m) in here for k, m in zip(keys, frame["month"], strict=True)], bool)


def _partnership(
    store: EventStore, area: Area
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, bool]:
    sources = {p.source for p in store.partitions()}
    if not any(s.startswith("incidents_") for s in sources):
        return None, None, False
    real = any(s.startswith("incidents_") and not s.endswith("_synthetic") for s in sources)
    flag = "false" if real else "true"
    incidents = store.query(
        "SELECT incident_id, source, month, synthetic, offence, occurred_from, occurred_to, x, "
        "y, location_type, weapon, injury, domestic_abuse FROM incidents "
        f"WHERE source = 'police' AND synthetic = {flag}"
    )
    incidents = _inside(area, incidents, _ingested_here(store, area, incidents))
    if incidents.empty:  # partnership data, but none of this area's
        return None, None, False
    involvements = store.query(
        "SELECT incident_id, role, person_ref, age, sex, ethnicity_self_defined, "
        "ethnicity_officer_defined FROM involvements "
        f"WHERE source = 'police' AND synthetic = {flag}"
    )
    involvements = involvements[involvements["incident_id"].isin(incidents["incident_id"])]
    return incidents, involvements.reset_index(drop=True), not real


def _flag_incidents(incidents: pd.DataFrame, involvements: pd.DataFrame) -> pd.DataFrame:
    from upstream.analysis.timing import known_times

    inc = incidents.copy()
    start = pd.to_datetime(inc["occurred_from"], utc=True)
    inc["local_month"] = local_month(start)
    inc["local_date"] = start.dt.tz_convert(TIME_ZONE).dt.date
    inc["known_time"] = known_times(inc["occurred_from"], inc["occurred_to"])
    inc["knife_injury"] = is_knife_injury(inc["weapon"], inc["injury"])
    victims = involvements[involvements["role"].eq("victim")]
    age = pd.to_numeric(victims["age"], errors="coerce")
    u25 = set(victims.loc[age.lt(25).fillna(False), "incident_id"])
    u18 = set(victims.loc[age.lt(18).fillna(False), "incident_id"])
    inc["victim_u25"] = inc["incident_id"].isin(u25)
    inc["victim_u18"] = inc["incident_id"].isin(u18)
    inc["domestic_abuse"] = inc["domestic_abuse"].astype(bool)
    return inc


def load_inputs(settings: Settings, area: Area, definitions: Definitions) -> ProfileData:
    """Everything the profile is computed from, read once."""
    store = EventStore(settings.events_dir)
    coverage = coverage_report(store)
    sources = coverage["sources"]
    street = None
    street_months: list[str] = []
    if "police_uk_street" in sources:
        street = store.query(
            "SELECT month, crime_type, x, y, location FROM street WHERE crime_type IN "
            "(SELECT unnest($1::VARCHAR[]))",
            [list(definitions.serious_violence)],
        )
        street = _inside(area, street)
        street_months = list(sources["police_uk_street"]["months"])
        if street.empty:  # loaded, but for another area: as if none were loaded
            street, street_months = None, []
    stop = None
    stop_months: list[str] = []
    if "police_uk_stop_search" in sources:
        stop = store.query(
            "SELECT month, date, officer_defined_ethnicity, gender, age_range, x, y "
            "FROM stop_search"
        )
        stop = _inside(area, stop).drop(columns=["x", "y", "lsoa_code"])
        stop_months = list(sources["police_uk_stop_search"]["months"])
        if stop.empty:
            stop, stop_months = None, []
    incidents, involvements, synthetic = _partnership(store, area)
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
    a_and_e = 0
    if any(s.startswith("incidents_a_and_e") for s in sources):
        rows = store.query(
            "SELECT source, month, synthetic, x, y FROM incidents WHERE source = 'a_and_e'"
        )
        a_and_e = len(_inside(area, rows, _ingested_here(store, area, rows)))
    london_path = settings.bundled_data / "london" / "mps_borough_monthly.parquet"
    london = pd.read_parquet(london_path) if london_path.exists() else None
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
        census_age=area.census_age,
        imd=area.imd,
        schools=area.schools.loc[area.schools["secondary"], ["name", "x", "y"]].reset_index(
            drop=True
        ),
    )
