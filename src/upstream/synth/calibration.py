"""Measure a synthetic borough against its calibration targets, from the tables alone.

Everything here is computed from the canonical ``incidents``, ``involvements`` and A&E
tables (plus the public school calendar and geography), never from generator internals,
so the same functions can be pointed at any extract in the canonical schema.

Definitions used throughout:

* a **knife-injury offence** is a police incident with weapon ``knife_or_sharp`` and
  injury ``minor``, ``serious`` or ``fatal``; the **headline** series counts those not
  flagged domestic abuse with at least one victim under 25 (and, separately, under 18);
* an **under-18 incident** is a police incident with at least one victim under 18;
* ethnicity is the self-defined group where stated, else the officer-defined group.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import shapely

from upstream.area.terms import SchoolCalendar
from upstream.synth.people import RESIDENT_UNDER_18_SHARES
from upstream.synth.places import Places
from upstream.vocab import ETHNIC_GROUPS, is_knife_injury

__all__ = [
    "after_school_ratio",
    "calibration_report",
    "co_offending_groups",
    "ethnicity",
    "headline_counts",
    "knife_injury_mask",
    "knox_ratio",
    "near_place_share",
    "victims_of",
]


def knife_injury_mask(incidents: pd.DataFrame) -> pd.Series:
    """Police incidents with a knife or sharp instrument and an injury
    (:func:`upstream.vocab.is_knife_injury`)."""
    return incidents["source"].eq("police") & is_knife_injury(
        incidents["weapon"], incidents["injury"]
    )


def victims_of(involvements: pd.DataFrame, incident_ids: pd.Series) -> pd.DataFrame:
    """Victim involvements of the given incidents."""
    inv = involvements
    return inv[inv["role"].eq("victim") & inv["incident_id"].isin(incident_ids)]


def ethnicity(involvements: pd.DataFrame) -> pd.Series:
    """Self-defined group where it is one of the five, else officer-defined, else NA."""
    self_def = involvements["ethnicity_self_defined"].where(
        involvements["ethnicity_self_defined"].isin(ETHNIC_GROUPS)
    )
    officer = involvements["ethnicity_officer_defined"].where(
        involvements["ethnicity_officer_defined"].isin(ETHNIC_GROUPS)
    )
    return self_def.fillna(officer)


def _local_date(stamps: pd.Series) -> pd.Series:
    return stamps.dt.tz_localize(None).dt.normalize()


def _headline_incidents(
    incidents: pd.DataFrame, involvements: pd.DataFrame, max_age: int
) -> pd.DataFrame:
    knife = incidents[knife_injury_mask(incidents) & ~incidents["domestic_abuse"].astype(bool)]
    victims = victims_of(involvements, knife["incident_id"])
    young = victims.loc[victims["age"].lt(max_age).fillna(False), "incident_id"].unique()
    return knife[knife["incident_id"].isin(young)]


def headline_counts(
    incidents: pd.DataFrame, involvements: pd.DataFrame, windows: list[tuple[str, date, date]]
) -> dict[str, dict[str, int]]:
    """Headline counts (victim under 25, victim under 18) per ``(label, first, last)`` window."""
    out = {}
    for label, lo, hi in windows:
        counts = {}
        for key, age in (("under_25", 25), ("under_18", 18)):
            head = _headline_incidents(incidents, involvements, age)
            day = _local_date(head["occurred_from"])
            counts[key] = int(((day >= pd.Timestamp(lo)) & (day <= pd.Timestamp(hi))).sum())
        out[label] = counts
    return out


def _under_18_incidents(incidents: pd.DataFrame, involvements: pd.DataFrame) -> pd.DataFrame:
    victims = involvements[
        involvements["role"].eq("victim") & involvements["age"].lt(18).fillna(False)
    ]
    police = incidents[incidents["source"].eq("police")]
    return police[police["incident_id"].isin(victims["incident_id"])]


def after_school_ratio(
    incidents: pd.DataFrame, calendar: SchoolCalendar, first: date, last: date
) -> dict[str, float]:
    """Timing of incidents against the school calendar.

    Returns ``after_school_ratio`` (hourly rate in the after-school window on school days
    over the hourly rate in the rest of school days) and ``school_day_ratio`` (daily rate
    on school days over the daily rate on other days).
    """
    days = calendar.day_table(first, last)
    school_days = set(days.loc[days["is_school_day"], "date"])
    local = incidents["occurred_from"].dt.tz_localize(None)
    on_school = local.dt.normalize().isin(school_days).to_numpy()
    minute = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    lo, hi = calendar.after_school_window
    window = on_school & (minute >= lo) & (minute < hi)
    rest = on_school & ~window
    in_hours, rest_hours = (hi - lo) / 60.0, 24.0 - (hi - lo) / 60.0
    n_school = len(school_days)
    n_other = len(days) - n_school
    return {
        "after_school_ratio": float((window.sum() / in_hours) / max(rest.sum() / rest_hours, 1e-9)),
        "school_day_ratio": float(
            (on_school.sum() / n_school) / max((~on_school).sum() / max(n_other, 1), 1e-9)
        ),
    }


def near_place_share(
    incidents: pd.DataFrame, places: Places, metres: float = 400.0
) -> dict[str, float]:
    """Share of incidents within ``metres`` of a secondary school or town centre, and the
    share of the borough's area that zone covers."""
    centres = np.vstack(
        [places.schools[["x", "y"]].to_numpy(), places.town_centres[["x", "y"]].to_numpy()]
    )
    x = incidents["easting"].to_numpy("float64")
    y = incidents["northing"].to_numpy("float64")
    d = np.hypot(x[:, None] - centres[None, :, 0], y[:, None] - centres[None, :, 1]).min(axis=1)
    zone = shapely.union_all(shapely.buffer(shapely.points(centres), metres))
    area_share = shapely.intersection(zone, places.area.boundary).area / places.area.boundary.area
    share = float((d <= metres).mean()) if len(d) else float("nan")
    return {"incident_share": share, "area_share": float(area_share), "ratio": share / area_share}


def knox_ratio(incidents: pd.DataFrame, days: float = 14.0, metres: float = 400.0) -> float:
    """Observed / expected pairs close in both space and time (Knox test statistic ratio)."""
    stamps = incidents["occurred_from"]
    # Days since the first incident, whatever resolution the timestamps are stored in.
    t = ((stamps - stamps.min()) / pd.Timedelta(days=1)).to_numpy("float64")
    x = incidents["easting"].to_numpy("float64")
    y = incidents["northing"].to_numpy("float64")
    iu = np.triu_indices(len(t), k=1)
    close_t = np.abs(t[:, None] - t[None, :])[iu] <= days
    close_s = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])[iu] <= metres
    expected = close_t.sum() * close_s.sum() / max(len(close_t), 1)
    return float((close_t & close_s).sum() / expected) if expected else float("nan")


def co_offending_groups(involvements: pd.DataFrame, min_size: int = 5) -> list[int]:
    """Sizes of connected groups of suspects who offended together (largest first)."""
    suspects = involvements[involvements["role"].eq("suspect")]
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for refs in suspects.groupby("incident_id")["person_ref"]:
        members = list(refs[1])
        for other in members[1:]:
            parent[find(other)] = find(members[0])
        find(members[0])
    sizes = pd.Series([find(p) for p in parent]).value_counts()
    return sorted((int(s) for s in sizes if s >= min_size), reverse=True)


def _volumes(incidents: pd.DataFrame, involvements: pd.DataFrame, years: float) -> dict[str, Any]:
    police = incidents[incidents["source"].eq("police")]
    violence = police[police["offence"].eq("Violence and sexual offences")]
    da = police[police["domestic_abuse"].astype(bool)]
    da_victims = victims_of(involvements, da["incident_id"])
    robbery_victims = victims_of(
        involvements, police.loc[police["offence"].eq("Robbery"), "incident_id"]
    )
    pow_ids = police.loc[police["offence"].eq("Possession of weapons"), "incident_id"]
    return {
        "incidents_per_year": round(len(police) / years, 1),
        "by_offence_per_year": {
            k: round(v / years, 1) for k, v in police["offence"].value_counts().sort_index().items()
        },
        "domestic_share_of_violence": float(violence["domestic_abuse"].astype(bool).mean()),
        "domestic_victim_female_share": float(da_victims["sex"].eq("female").mean()),
        "domestic_residential_share": float(da["location_type"].eq("residential").mean()),
        "robbery_victim_median_age": float(robbery_victims["age"].astype("float64").median()),
        "possession_incidents_with_victims": int(
            victims_of(involvements, pow_ids)["incident_id"].nunique()
        ),
        "exact_time_share": float((police["occurred_from"] == police["occurred_to"]).mean()),
    }


def _hospital_only_share(
    a_and_e: pd.DataFrame, incidents: pd.DataFrame, involvements: pd.DataFrame
) -> float:
    victims = involvements[involvements["role"].eq("victim")].merge(incidents, on="incident_id")
    key = pd.DataFrame(
        {
            "assault_date": victims["occurred_from"].dt.strftime("%Y-%m-%d"),
            "patient_age": victims["age"].astype("Int64"),
            "patient_sex": victims["sex"],
            "matched": True,
        }
    ).drop_duplicates(["assault_date", "patient_age", "patient_sex"])
    ae = a_and_e[["assault_date", "patient_age", "patient_sex"]].astype({"patient_age": "Int64"})
    found = ae.merge(key, how="left", on=["assault_date", "patient_age", "patient_sex"])
    return float(found["matched"].isna().mean()) if len(found) else float("nan")


def calibration_report(borough: Any) -> dict[str, Any]:
    """Measured value of every calibration target of a :class:`SyntheticBorough`.

    Returns
    -------
    dict
        JSON-serialisable; keys ``headline``, ``knife_victims``, ``under_18_timing``,
        ``under_18_places``, ``near_repeat``, ``co_offending``, ``volumes`` and ``a_and_e``.
    """
    inc, inv = borough.incidents, borough.involvements
    first, last = borough.first_day, borough.last_day
    m = borough.targets.window_start_month
    windows = []
    for year in range(first.year - 1, last.year + 1):
        lo, hi = date(year, m, 1), date(year + 1, m, 1) - pd.Timedelta(days=1)
        if lo >= first and hi <= last:
            windows.append((f"{year}-{m:02d}", lo, hi))
    head = _headline_incidents(inc, inv, 25)
    victims = victims_of(inv, head["incident_id"])
    victims = victims[victims["age"].lt(25).fillna(False)]
    known_sex = victims[victims["sex"].isin(["male", "female"])]
    young = victims[victims["age"].lt(18).fillna(False)]
    eth = ethnicity(young).dropna()
    black = float(eth.eq("Black").mean())
    resident = RESIDENT_UNDER_18_SHARES["Black"]
    u18 = _under_18_incidents(inc, inv)
    knife = inc[knife_injury_mask(inc) & ~inc["domestic_abuse"].astype(bool)]
    years = ((last - first).days + 1) / 365.25
    return {
        "headline": headline_counts(inc, inv, windows),
        "knife_victims": {
            "male_share_under_25": float(known_sex["sex"].eq("male").mean()),
            "under_18_black_share": black,
            "assumed_under_18_resident_black_share": resident,
            "black_disproportionality": black / resident,
        },
        "under_18_timing": {
            "incidents": len(u18),
            **after_school_ratio(u18, borough.calendar, first, last),
        },
        "under_18_places": near_place_share(u18, borough.places),
        "near_repeat": {
            "non_domestic_knife_injury_incidents": len(knife),
            "knox_ratio_14d_400m": knox_ratio(knife),
        },
        "co_offending": {"group_sizes": co_offending_groups(inv)},
        "volumes": _volumes(inc, inv, years),
        "a_and_e": {
            "attendances_per_year": round(len(borough.a_and_e) / years, 1),
            "not_matched_to_police_share": _hospital_only_share(borough.a_and_e, inc, inv),
        },
    }
