"""Synthetic A&E assault attendances in the Cardiff Model (ISTV) minimum dataset.

Two kinds of attendance are generated:

* **Reported**: victims of police-recorded incidents with an injury who went to hospital.
  The chance of attending is 95% for a serious knife injury, 75% for a minor knife injury,
  80% for another serious injury, 20% for another minor injury and 50% for a fatal one.
* **Hospital only**: assaults never reported to the police, about
  :attr:`~upstream.synth.targets.Targets.hospital_only_ratio` per reported attendance. This
  is the point of the Cardiff Model: these injuries are invisible in police data.

``attended_at`` is always after ``occurred_to`` of the assault. Locations are given as the
free text a receptionist would type; they are geocoded (both lon/lat and BNG) except for
home addresses and about one in ten others. Attendances after the end of the generated
range are left out (the extract ends with the range).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upstream.area import to_lonlat
from upstream.synth.people import PROFILES, record_ethnicity, sample_people
from upstream.synth.places import Places, sample_mixture
from upstream.synth.processes import Context, draw, location_types
from upstream.synth.timing import localise, sample_starts

__all__ = ["A_AND_E_COLUMNS", "WEAPON_TO_MEANS", "hospital_attendances", "location_text"]

A_AND_E_COLUMNS = [
    "attendance_id", "attended_at", "assault_date", "assault_time", "location_text",
    "longitude", "latitude", "easting", "northing", "weapon_or_means", "number_of_assailants",
    "relationship_to_assailant", "patient_age", "patient_sex", "patient_ethnicity", "synthetic",
]  # fmt: skip
WEAPON_TO_MEANS = {
    "knife_or_sharp": "knife_or_sharp",
    "firearm": "firearm",
    "blunt": "blunt",
    "other": "other",
    "none": "body_part",
    "unknown": "unknown",
}
_HOSPITAL_ONLY_REL = {
    "stranger": 0.45,
    "acquaintance": 0.25,
    "partner_or_ex": 0.1,
    "family": 0.05,
    "other": 0.05,
    "unknown": 0.1,
}
_STREET_REL = {"stranger": 0.45, "acquaintance": 0.35, "other": 0.05, "unknown": 0.15}


def _attend_probability(weapon: pd.Series, injury: pd.Series) -> np.ndarray:
    knife = (weapon == "knife_or_sharp").to_numpy()
    inj = injury.to_numpy()
    p = np.select(
        [inj == "fatal", knife & (inj == "serious"), knife, inj == "serious", inj == "minor"],
        [0.5, 0.95, 0.75, 0.8, 0.2],
        0.0,
    )
    return p


def location_text(
    places: Places, x: np.ndarray, y: np.ndarray, location_type: np.ndarray
) -> np.ndarray:
    """Free-text location as A&E staff might record it, from the nearest named place."""
    out = np.empty(len(x), dtype=object)
    out[:] = "Street, Waltham Forest"
    named = [
        (places.town_centres, 500.0, "Street near {} town centre"),
        (places.schools, 300.0, "Near {}"),
        (places.stations, 250.0, "Outside {}"),
    ]
    for frame, radius, template in named:  # later entries win: the closest kind of place
        if frame.empty:
            continue
        d = np.hypot(
            x[:, None] - frame["x"].to_numpy()[None, :], y[:, None] - frame["y"].to_numpy()[None, :]
        )
        near = d.min(axis=1) <= radius
        names = frame["name"].to_numpy()[d.argmin(axis=1)]
        out[near] = [template.format(n) for n in names[near]]
    out[location_type == "park"] = "Park"
    out[location_type == "residential"] = "Home address"
    return out


def _reported(
    rng: np.random.Generator, incidents: pd.DataFrame, involvements: pd.DataFrame
) -> pd.DataFrame:
    victims = involvements[involvements["role"] == "victim"].merge(incidents, on="incident_id")
    victims = victims[
        rng.random(len(victims)) < _attend_probability(victims["weapon"], victims["injury"])
    ]
    suspects = involvements[involvements["role"] == "suspect"].groupby("incident_id").size()
    rel = np.where(
        victims["domestic_abuse"].to_numpy(),
        draw(rng, {"partner_or_ex": 0.7, "family": 0.3}, len(victims)),
        np.where(
            (victims["offence"] == "Robbery").to_numpy(),
            draw(rng, {"stranger": 0.9, "unknown": 0.1}, len(victims)),
            draw(rng, _STREET_REL, len(victims)),
        ),
    )
    eth = victims["ethnicity_self_defined"].where(rng.random(len(victims)) < 0.7, "")
    return pd.DataFrame(
        {
            "assault_at": victims["occurred_from"].to_numpy(),
            "after": victims["occurred_to"].to_numpy(),
            "x": victims["easting"].to_numpy("float64"),
            "y": victims["northing"].to_numpy("float64"),
            "location_type": victims["location_type"].to_numpy(),
            "weapon_or_means": victims["weapon"].map(WEAPON_TO_MEANS).to_numpy(),
            "assailants": victims["incident_id"].map(suspects).fillna(1).astype("int64").to_numpy(),
            "relationship_to_assailant": rel,
            "patient_age": victims["age"].to_numpy(),
            "patient_sex": victims["sex"].to_numpy(),
            "patient_ethnicity": eth.to_numpy(),
            "serious": (
                victims["weapon"].eq("knife_or_sharp") | victims["injury"].ne("minor")
            ).to_numpy(),
        }
    )


def _hospital_only(rng: np.random.Generator, ctx: Context, n: int) -> pd.DataFrame:
    people = sample_people(rng, PROFILES["hospital_only"], n)
    start = localise(sample_starts(rng, ctx.days, "night", ctx.calendar, n=n))
    mix = {"town_centre": 0.45, "residential": 0.3, "station": 0.1, "school_link": 0.15}
    x, y, component = sample_mixture(ctx.places, rng, n, mix)
    self_def, _ = record_ethnicity(rng, people["ethnicity"].to_numpy(), np.ones(n, dtype=bool))
    means = draw(
        rng,
        {"body_part": 0.55, "blunt": 0.1, "knife_or_sharp": 0.12, "other": 0.1, "unknown": 0.13},
        n,
    )
    return pd.DataFrame(
        {
            "assault_at": start,
            "after": start,
            "x": x,
            "y": y,
            "location_type": location_types(rng, component),
            "weapon_or_means": means,
            "assailants": draw(rng, {"1": 0.6, "2": 0.25, "3": 0.15}, n).astype("int64"),
            "relationship_to_assailant": draw(rng, _HOSPITAL_ONLY_REL, n),
            "patient_age": pd.array(people["age"].to_numpy(), dtype="Int64"),
            "patient_sex": people["sex"].to_numpy(),
            "patient_ethnicity": np.where(rng.random(n) < 0.7, self_def, ""),
            "serious": means == "knife_or_sharp",
        }
    )


def hospital_attendances(
    rng: np.random.Generator,
    ctx: Context,
    incidents: pd.DataFrame,
    involvements: pd.DataFrame,
    end: pd.Timestamp,
    hospital_only_ratio: float,
) -> pd.DataFrame:
    """A&E attendances for the canonical ``incidents``/``involvements`` plus unreported ones.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`A_AND_E_COLUMNS`; ``attended_at`` is timezone-aware, coordinates
        are NaN where not geocoded, ``number_of_assailants`` and ``patient_age`` are
        nullable integers.
    """
    reported = _reported(rng, incidents, involvements)
    extra = int(rng.poisson(hospital_only_ratio * len(reported)))
    rows = pd.concat([reported, _hospital_only(rng, ctx, extra)], ignore_index=True)
    n = len(rows)
    median = np.where(rows["serious"].to_numpy(), 40.0, 120.0)
    delay = np.exp(rng.normal(np.log(median), 0.6))
    delay = np.where(~rows["serious"].to_numpy() & (rng.random(n) < 0.08), delay + 60 * 18, delay)
    attended = pd.DatetimeIndex(rows["after"]) + pd.to_timedelta(np.round(delay) + 5, unit="min")
    assault = pd.DatetimeIndex(rows["assault_at"])
    geocoded = (rows["location_type"].to_numpy() != "residential") & (rng.random(n) < 0.9)
    x = np.where(geocoded, rows["x"], np.nan)
    y = np.where(geocoded, rows["y"], np.nan)
    lon, lat = to_lonlat(x, y)
    out = pd.DataFrame(
        {
            "attended_at": attended,
            "assault_date": assault.strftime("%Y-%m-%d"),
            "assault_time": np.where(rng.random(n) < 0.9, assault.strftime("%H:%M"), ""),
            "location_text": location_text(
                ctx.places,
                rows["x"].to_numpy(),
                rows["y"].to_numpy(),
                rows["location_type"].to_numpy(),
            ),
            "longitude": lon,
            "latitude": lat,
            "easting": pd.array(np.where(geocoded, np.round(x), np.nan), dtype="Int64"),
            "northing": pd.array(np.where(geocoded, np.round(y), np.nan), dtype="Int64"),
            "weapon_or_means": rows["weapon_or_means"].to_numpy(),
            "number_of_assailants": pd.array(
                np.where(rng.random(n) < 0.85, rows["assailants"], np.nan), dtype="Int64"
            ),
            "relationship_to_assailant": rows["relationship_to_assailant"].to_numpy(),
            "patient_age": rows["patient_age"].astype("Int64").to_numpy(),
            "patient_sex": rows["patient_sex"].to_numpy(),
            "patient_ethnicity": rows["patient_ethnicity"].to_numpy(),
            "synthetic": True,
        }
    )
    out = out[out["attended_at"] < end].sort_values("attended_at", kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "attendance_id", [f"SYN-AE-{i:06d}" for i in range(1, len(out) + 1)])
    return out[A_AND_E_COLUMNS]
