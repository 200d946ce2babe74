"""Background offence processes: one specification per kind of incident, one simulator.

Each :class:`OffenceSpec` says which police.uk crime type and finer offence labels, when
(timing family), where (place mixture), with what weapon and injury, and who is involved;
the specifications live in :mod:`upstream.synth.specs` and the volumes in
:class:`~upstream.synth.targets.Targets`. :func:`simulate` turns a spec into two frames in a
draft form (local wall-clock start, BNG point, a per-batch integer ``key`` linking people to
incidents) that :mod:`upstream.synth.generator` assembles into the canonical tables.

Whenever an incident has a victim under 18 (or, with no victim, a suspect under 18) it
follows the young people's timing (see :mod:`upstream.synth.timing`) and young people's
places: in the after-school window on school days, around schools and the routes between
them; at other times, town centres first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from upstream.area.terms import SchoolCalendar
from upstream.synth.people import PROFILES, PersonProfile, PseudonymMint, sample_people
from upstream.synth.places import Places, sample_mixture
from upstream.synth.timing import durations, report_delays, sample_starts

__all__ = [
    "AFTER_SCHOOL_PLACES",
    "LOCATION_TYPES",
    "YOUTH_PLACES",
    "Context",
    "OffenceSpec",
    "draw",
    "location_types",
    "place_and_time",
    "simulate",
]

Dist = Mapping[str, float]

AFTER_SCHOOL_PLACES: Dist = {
    "school": 0.45,
    "school_link": 0.35,
    "town_centre": 0.15,
    "station": 0.05,
}
YOUTH_PLACES: Dist = {
    "town_centre": 0.35,
    "school": 0.15,
    "school_link": 0.15,
    "residential": 0.25,
    "station": 0.10,
}
LOCATION_TYPES: Mapping[str, Dist] = {
    "town_centre": {"street": 0.55, "shop": 0.3, "transport": 0.1, "other": 0.05},
    "school": {"street": 0.7, "school": 0.2, "park": 0.05, "transport": 0.05},
    "school_link": {"street": 0.85, "transport": 0.08, "park": 0.07},
    "station": {"transport": 0.85, "street": 0.15},
    "residential": {"residential": 0.8, "street": 0.12, "park": 0.05, "other": 0.03},
}
"""Location type by place component (a label consistent with the place, not land-use data)."""


@dataclass(frozen=True)
class Context:
    """What every process needs: the days, calendar, places, pseudonym mint and ratios."""

    days: pd.DataFrame
    calendar: SchoolCalendar
    places: Places
    mint: PseudonymMint
    after_school_ratio: float = 4.0
    school_day_ratio: float = 1.6


@dataclass(frozen=True)
class OffenceSpec:
    """How one kind of incident is generated (see module docstring)."""

    name: str
    offence: str
    details: Mapping[str, Dist]
    """Offence detail by injury level (or by weapon when ``detail_by == "weapon"``)."""
    timing: str
    places: Dist
    weapon: Dist
    injury: Dist
    victim: PersonProfile | None
    suspect: PersonProfile
    n_victims: Dist = field(default_factory=lambda: {"1": 0.92, "2": 0.08})
    n_suspects: Dist = field(default_factory=lambda: {"1": 0.65, "2": 0.25, "3": 0.1})
    detail_by: str = "injury"
    knife_injury: Dist = field(default_factory=lambda: {"none": 1.0})
    domestic: bool = False
    p_identified: float = 0.6
    p_witness: float = 0.15
    p_exact: float = 0.75
    max_hours: float = 4.0
    delay: str = "street"
    residential_types: Dist | None = None


def draw(rng: np.random.Generator, dist: Dist, n: int) -> np.ndarray:
    """``n`` labels drawn from a label -> probability mapping."""
    labels = np.asarray(list(dist), dtype=object)
    p = np.array([dist[k] for k in labels], dtype="float64")
    return labels[rng.choice(len(labels), size=n, p=p / p.sum())]


def location_types(
    rng: np.random.Generator, component: np.ndarray, residential: Dist | None = None
) -> np.ndarray:
    """A location type for each point given the place component it was drawn from."""
    out = np.empty(len(component), dtype=object)
    for name, dist in LOCATION_TYPES.items():
        mask = component == name
        if name == "residential" and residential is not None:
            dist = residential
        out[mask] = draw(rng, dist, int(mask.sum()))
    return out


def _people(
    rng: np.random.Generator,
    ctx: Context,
    profile: PersonProfile,
    keys: np.ndarray,
    role: str,
    p_identified: float,
) -> pd.DataFrame:
    people = sample_people(rng, profile, len(keys))
    known = rng.random(len(keys)) < p_identified
    return pd.DataFrame(
        {
            "key": keys,
            "role": role,
            "person_ref": ctx.mint.new(len(keys)),
            "age": np.where(known, people["age"], np.nan),
            "sex": np.where(
                known, people["sex"], np.where(rng.random(len(keys)) < 0.5, "male", "unknown")
            ),
            "ethnicity": people["ethnicity"].to_numpy(),
            "identified": known,
        }
    )


def _counts(rng: np.random.Generator, dist: Dist, n: int) -> np.ndarray:
    return draw(rng, dist, n).astype(int)


def place_and_time(
    rng: np.random.Generator,
    ctx: Context,
    youth: np.ndarray,
    family: str,
    places: Dist,
    day_index: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start times and places for incidents, young people's rules where ``youth`` is true.

    Returns ``start`` (naive local ``datetime64[m]``), ``x``, ``y`` and ``component``.
    """
    n = len(youth)
    start = np.empty(n, dtype="datetime64[m]")
    for fam, mask in (("youth", youth), (family, ~youth)):
        if mask.any():
            start[mask] = sample_starts(
                rng,
                ctx.days,
                fam,
                ctx.calendar,
                n=int(mask.sum()),
                day_index=None if day_index is None else day_index[mask],
                after_school_ratio=ctx.after_school_ratio,
                school_day_ratio=ctx.school_day_ratio,
            )
    minute = (start - start.astype("datetime64[D]")).astype("int64")
    lo, hi = ctx.calendar.after_school_window
    school = pd.Series(start.astype("datetime64[D]")).isin(
        ctx.days.loc[ctx.days["is_school_day"], "date"].to_numpy().astype("datetime64[D]")
    )
    window = youth & school.to_numpy() & (minute >= lo) & (minute < hi)
    x, y = np.empty(n), np.empty(n)
    component = np.empty(n, dtype=object)
    for mix, mask in (
        (AFTER_SCHOOL_PLACES, window),
        (YOUTH_PLACES, youth & ~window),
        (places, ~youth),
    ):
        if mask.any():
            x[mask], y[mask], component[mask] = sample_mixture(
                ctx.places, rng, int(mask.sum()), mix
            )
    return start, x, y, component


def simulate(
    rng: np.random.Generator, ctx: Context, spec: OffenceSpec, n: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``n`` draft incidents of one kind and the people involved.

    Returns
    -------
    incidents, involvements
        Draft frames linked by ``key`` (0..n-1); see :mod:`upstream.synth.generator`.
    """
    keys = np.arange(n)
    frames = []
    if spec.victim is not None:
        per = _counts(rng, spec.n_victims, n)
        frames.append(_people(rng, ctx, spec.victim, np.repeat(keys, per), "victim", 0.97))
    per = _counts(rng, spec.n_suspects, n)
    frames.append(
        _people(rng, ctx, spec.suspect, np.repeat(keys, per), "suspect", spec.p_identified)
    )
    wit = keys[rng.random(n) < spec.p_witness]
    frames.append(_people(rng, ctx, PROFILES["witness"], wit, "witness", 1.0))
    people = pd.concat(frames, ignore_index=True)
    lead = "victim" if spec.victim is not None else "suspect"
    young = people.loc[(people["role"] == lead) & (people["age"] < 18), "key"].unique()
    youth = np.isin(keys, young)
    start, x, y, component = place_and_time(rng, ctx, youth, spec.timing, spec.places)
    weapon = draw(rng, spec.weapon, n)
    injury = np.where(
        weapon == "knife_or_sharp", draw(rng, spec.knife_injury, n), draw(rng, spec.injury, n)
    )
    by = weapon if spec.detail_by == "weapon" else injury
    detail = np.empty(n, dtype=object)
    for label, dist in spec.details.items():
        mask = by == label
        detail[mask] = draw(rng, dist, int(mask.sum()))
    serious = np.isin(injury, ["serious", "fatal"])
    delay = np.where(serious, report_delays(rng, n, "serious"), report_delays(rng, n, spec.delay))
    incidents = pd.DataFrame(
        {
            "key": keys,
            "process": spec.name,
            "offence": spec.offence,
            "offence_detail": detail,
            "start": start,
            "duration_min": durations(rng, n, spec.p_exact, spec.max_hours),
            "delay_min": delay,
            "x": x,
            "y": y,
            "component": component,
            "location_type": location_types(rng, component, spec.residential_types),
            "weapon": weapon,
            "injury": injury,
            "domestic_abuse": spec.domestic,
        }
    )
    return incidents, people
