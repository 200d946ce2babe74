"""The planted headline series: knife-injury offences against victims under 25.

Per 12-month window (see :mod:`upstream.synth.targets`) exactly ``under_25`` incidents are
generated, each with a knife or sharp instrument, an injury (minor, serious or fatal), no
domestic-abuse flag and at least one victim under 25; exactly ``under_18`` of them have a
victim under 18. About :attr:`Targets.followup_share` of them are retaliatory follow-ups:
they happen 1-14 days after another planted incident of the same window and 30-400 m from
it. People are not linked between an incident and its follow-up.

Sex and (for under-18 victims) ethnicity are allocated exactly across all planted victims
so that the male share and the Black share of under-18 victims equal their targets up to
rounding, whatever the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from upstream.synth.people import PROFILES, PersonProfile, exact_allocation, sample_people
from upstream.synth.places import sample_disc
from upstream.synth.processes import Context, draw, location_types, place_and_time
from upstream.synth.specs import ABH, S18, S20, VIOLENCE
from upstream.synth.targets import Targets
from upstream.synth.timing import day_weights, durations, report_delays

__all__ = [
    "HEADLINE_PROCESS",
    "UNDER_18_VICTIM",
    "Window",
    "allocate_demographics",
    "headline_windows",
    "plant_window",
]

HEADLINE_PROCESS = "headline_knife_injury"
UNDER_18_VICTIM = PersonProfile(12, 17, 16.0, 1.6, 1.0, 0.9, PROFILES["youth"].ethnicity)
YOUNG_ADULT_PLACES = {"town_centre": 0.45, "station": 0.15, "school_link": 0.1, "residential": 0.3}
_OTHER_UNDER_18 = {"Asian": 0.10, "Mixed": 0.12, "White": 0.17, "Other": 0.03}


@dataclass(frozen=True)
class Window:
    """One headline window clipped to the generated range, with its planted counts."""

    label: str
    start: date
    end: date
    under_25: int
    under_18: int


def headline_windows(targets: Targets, first: date, last: date) -> list[Window]:
    """The headline windows overlapping ``[first, last]``, counts pro-rated when clipped."""
    m = targets.window_start_month
    year = first.year if first.month >= m else first.year - 1
    out = []
    while date(year, m, 1) <= last:
        w_start, w_end = date(year, m, 1), date(year + 1, m, 1) - timedelta(days=1)
        label = f"{year}-{m:02d}"
        n25, n18 = targets.headline.get(label, (targets.other_under_25, targets.other_under_18))
        lo, hi = max(w_start, first), min(w_end, last)
        share = ((hi - lo).days + 1) / ((w_end - w_start).days + 1)
        n25_c, n18_c = round(n25 * share), round(n18 * share)
        out.append(Window(label, lo, hi, n25_c, min(n18_c, n25_c)))
        year += 1
    return out


def _days_for(
    rng: np.random.Generator, ctx: Context, window: Window, young: np.ndarray, follow: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    dates = ctx.days["date"].dt.date.to_numpy()
    rows = np.flatnonzero((dates >= window.start) & (dates <= window.end))
    sub = ctx.days.iloc[rows]
    day = np.empty(len(young), dtype="int64")
    for fam, mask in (("youth", young & ~follow), ("night", ~young & ~follow)):
        w = day_weights(sub, fam, ctx.school_day_ratio)
        day[mask] = rows[rng.choice(len(rows), size=int(mask.sum()), p=w / w.sum())]
    parent = np.full(len(young), -1, dtype="int64")
    eligible = np.flatnonzero(~follow & (day <= rows[-1] - 14))
    for i in np.flatnonzero(follow):
        if eligible.size == 0:  # window too short: a primary after all
            day[i] = rows[rng.integers(0, len(rows))]
            continue
        parent[i] = eligible[rng.integers(0, eligible.size)]
        day[i] = day[parent[i]] + rng.integers(1, 15)
    return day, parent


def _victims(rng: np.random.Generator, ctx: Context, young: np.ndarray) -> pd.DataFrame:
    n = len(young)
    two = rng.random(n) < 0.1
    first_u18 = sample_people(rng, UNDER_18_VICTIM, n)["age"].to_numpy()
    first_adult = sample_people(rng, PROFILES["young_adult"], n)["age"].to_numpy()
    second_u18 = sample_people(rng, UNDER_18_VICTIM, n)["age"].to_numpy()
    second_adult = sample_people(rng, PROFILES["young_adult"], n)["age"].to_numpy()
    second_young = young & (rng.random(n) < 0.5)
    keys = np.concatenate([np.arange(n), np.flatnonzero(two)])
    ages = np.concatenate(
        [
            np.where(young, first_u18, first_adult),
            np.where(second_young, second_u18, second_adult)[two],
        ]
    )
    order = np.argsort(keys, kind="stable")
    adult_eth = sample_people(rng, PROFILES["young_adult"], len(keys))["ethnicity"].to_numpy()
    return pd.DataFrame(
        {
            "key": keys[order],
            "role": "victim",
            "person_ref": ctx.mint.new(len(keys)),
            "age": ages[order].astype("float64"),
            "sex": "",
            "ethnicity": adult_eth,
            "identified": True,
        }
    )


def _suspects(rng: np.random.Generator, ctx: Context, n: int) -> pd.DataFrame:
    per = draw(rng, {"1": 0.5, "2": 0.35, "3": 0.15}, n).astype(int)
    keys = np.repeat(np.arange(n), per)
    people = sample_people(rng, PROFILES["street_suspect"], len(keys))
    known = rng.random(len(keys)) < 0.55
    return pd.DataFrame(
        {
            "key": keys,
            "role": "suspect",
            "person_ref": ctx.mint.new(len(keys)),
            "age": np.where(known, people["age"], np.nan),
            "sex": np.where(known, people["sex"], "unknown"),
            "ethnicity": people["ethnicity"].to_numpy(),
            "identified": known,
        }
    )


def _offences(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    injury = draw(rng, {"minor": 0.5, "serious": 0.48, "fatal": 0.02}, n)
    detail = np.where(
        injury == "fatal",
        "Murder",
        np.where(
            injury == "serious",
            draw(rng, {S18: 0.6, S20: 0.4}, n),
            draw(rng, {S20: 0.4, ABH: 0.6}, n),
        ),
    )
    robbery = (rng.random(n) < 0.12) & (injury != "fatal")
    offence = np.where(robbery, "Robbery", VIOLENCE)
    detail = np.where(robbery, "Robbery of personal property", detail)
    return offence, detail, injury


def plant_window(
    rng: np.random.Generator, ctx: Context, window: Window, followup_share: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draft incidents and people for one window's planted knife-injury offences."""
    n = window.under_25
    young = np.zeros(n, dtype=bool)
    young[rng.permutation(n)[: window.under_18]] = True
    follow = np.zeros(n, dtype=bool)
    if (window.end - window.start).days >= 60:
        follow[rng.permutation(n)[: round(followup_share * n)]] = True
    day, parent = _days_for(rng, ctx, window, young, follow)
    start, x, y, component = place_and_time(rng, ctx, young, "night", YOUNG_ADULT_PLACES, day)
    linked = parent >= 0
    if linked.any():
        x[linked], y[linked] = sample_disc(
            ctx.places, rng, x[parent[linked]], y[parent[linked]], 30.0, 400.0
        )
        component[linked] = component[parent[linked]]
    offence, detail, injury = _offences(rng, n)
    incidents = pd.DataFrame(
        {
            "key": np.arange(n),
            "process": HEADLINE_PROCESS,
            "offence": offence,
            "offence_detail": detail,
            "start": start,
            "duration_min": durations(rng, n, 0.8, 3.0),
            "delay_min": report_delays(rng, n, "serious"),
            "x": x,
            "y": y,
            "component": component,
            "location_type": location_types(rng, component),
            "weapon": "knife_or_sharp",
            "injury": injury,
            "domestic_abuse": False,
        }
    )
    people = pd.concat([_victims(rng, ctx, young), _suspects(rng, ctx, n)], ignore_index=True)
    return incidents, people


def allocate_demographics(
    rng: np.random.Generator, victims: pd.DataFrame, targets: Targets
) -> pd.DataFrame:
    """Exact sex (all) and ethnicity (under-18) allocation for planted victims."""
    out = victims.copy()
    male = targets.knife_victim_male_share
    out["sex"] = exact_allocation(rng, len(out), {"male": male, "female": 1.0 - male})
    young = (out["age"] < 18).to_numpy()
    black = targets.under_18_knife_black_share
    others = sum(_OTHER_UNDER_18.values())
    shares = {"Black": black} | {k: v / others * (1 - black) for k, v in _OTHER_UNDER_18.items()}
    out.loc[young, "ethnicity"] = exact_allocation(rng, int(young.sum()), shares)
    return out
