"""The synthetic borough: every process run once, assembled into the canonical tables.

:func:`generate` is deterministic: the same seed and arguments give the same tables (one
``numpy.random.Generator`` drives everything, in a fixed order). The tables follow the
canonical partnership schema (``docs/data-formats.md``) and every row says
``synthetic = True``. Incidents are all ``source = "police"``; hospital (A&E) attendances
are a separate table in the Cardiff Model minimum dataset (:mod:`upstream.synth.aande`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from upstream.area import to_lonlat
from upstream.area.terms import SchoolCalendar
from upstream.synth.aande import hospital_attendances
from upstream.synth.headline import allocate_demographics, headline_windows, plant_window
from upstream.synth.people import Group, PseudonymMint, make_groups, record_ethnicity
from upstream.synth.places import Places, default_calendar, load_places, sample_disc
from upstream.synth.processes import Context, draw, simulate
from upstream.synth.specs import SPECS
from upstream.synth.targets import Targets
from upstream.synth.timing import localise

__all__ = [
    "INCIDENT_COLUMNS",
    "INVOLVEMENT_COLUMNS",
    "SyntheticBorough",
    "generate",
    "month_range",
]

INCIDENT_COLUMNS = [
    "incident_id", "source", "offence", "offence_detail", "occurred_from", "occurred_to",
    "reported_at", "longitude", "latitude", "easting", "northing", "location_type", "weapon",
    "injury", "domestic_abuse", "synthetic",
]  # fmt: skip
INVOLVEMENT_COLUMNS = [
    "incident_id", "role", "person_ref", "age", "sex", "ethnicity_self_defined",
    "ethnicity_officer_defined", "synthetic",
]  # fmt: skip
Batch = tuple[pd.DataFrame, pd.DataFrame]
_ROLE_ORDER = {"victim": 0, "suspect": 1, "witness": 2}
_GROUP_OFFENCES = {"robbery": 0.5, "youth_violence": 0.25, "possession_of_weapons": 0.25}


@dataclass(frozen=True)
class SyntheticBorough:
    """Generated synthetic partnership data (every row labelled ``synthetic``).

    Attributes
    ----------
    incidents, involvements
        Canonical tables; timestamps are timezone-aware (Europe/London).
    a_and_e
        Hospital assault attendances in the Cardiff Model minimum dataset.
    first_day, last_day
        The generated range (whole months).
    """

    seed: int
    first_day: date
    last_day: date
    incidents: pd.DataFrame
    involvements: pd.DataFrame
    a_and_e: pd.DataFrame
    calendar: SchoolCalendar
    places: Places
    targets: Targets


def month_range(months: int, end: str) -> tuple[date, date]:
    """First and last day of the ``months`` whole months ending with month ``end`` (YYYY-MM)."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    last = pd.Period(end, freq="M")
    first = last - (months - 1)
    return first.start_time.date(), last.end_time.date()


def _age_on(ages_at_start: np.ndarray, first: date, when: np.ndarray) -> np.ndarray:
    years = (when - np.datetime64(first, "m")).astype("timedelta64[D]").astype("int64") // 365
    return ages_at_start + years


def _group_people(
    rng: np.random.Generator,
    group: Group,
    keys: Sequence[int] | np.ndarray,
    when: np.ndarray,
    first: date,
    chain: bool,
) -> pd.DataFrame:
    k = len(group.members)
    rows: list[tuple[int, int, np.datetime64]] = []
    for j, key in enumerate(keys):
        if chain:
            chosen = {j % k, (j + 1) % k}
            extra = int(rng.integers(0, 3))
        else:
            chosen, extra = set(), int(rng.integers(2, 4))
        others = [i for i in rng.permutation(k) if i not in chosen]
        chosen.update(int(i) for i in others[: max(0, min(extra, len(others)))])
        rows.extend((key, i, when[j]) for i in sorted(chosen))
    idx = np.array([r[1] for r in rows], dtype="int64")
    at = np.array([r[2] for r in rows], dtype="datetime64[m]")
    return pd.DataFrame(
        {
            "key": np.array([r[0] for r in rows], dtype="int64"),
            "role": "suspect",
            "person_ref": np.asarray(group.members, dtype=object)[idx],
            "age": _age_on(np.asarray(group.ages_at_start)[idx], first, at).astype("float64"),
            "sex": np.asarray(group.sexes, dtype=object)[idx],
            "ethnicity": np.asarray(group.ethnicities, dtype=object)[idx],
            "identified": True,
        }
    )


def _group_batch(
    rng: np.random.Generator, ctx: Context, group: Group, mean_incidents: float, first: date
) -> Batch:
    k = len(group.members)
    m = max(k, int(rng.poisson(mean_incidents)))
    kinds = draw(rng, _GROUP_OFFENCES, m)
    incs, ppls, offset = [], [], 0
    for kind in _GROUP_OFFENCES:
        inc, ppl = simulate(rng, ctx, SPECS[kind], int((kinds == kind).sum()))
        incs.append(inc.assign(key=inc["key"] + offset))
        ppls.append(ppl.assign(key=ppl["key"] + offset))
        offset += len(inc)
    inc = pd.concat(incs, ignore_index=True)
    ppl = pd.concat(ppls, ignore_index=True)
    inc["x"], inc["y"] = sample_disc(
        ctx.places, rng, np.full(m, group.base_x), np.full(m, group.base_y), 0.0, 700.0
    )
    inc["location_type"] = draw(rng, {"street": 0.7, "transport": 0.1, "park": 0.1, "shop": 0.1}, m)
    order = rng.permutation(m)
    members = _group_people(rng, group, order, inc["start"].to_numpy()[order], first, chain=True)
    ppl = pd.concat([ppl[ppl["role"] != "suspect"], members], ignore_index=True)
    return inc, ppl


def _headline_groups(
    rng: np.random.Generator,
    inc: pd.DataFrame,
    ppl: pd.DataFrame,
    groups: list[Group],
    first: date,
) -> pd.DataFrame:
    """Give a quarter of planted incidents suspects from the nearest co-offending group."""
    picked = inc.loc[rng.random(len(inc)) < 0.25]
    bases = np.array([[g.base_x, g.base_y] for g in groups])
    parts = [ppl[~(ppl["key"].isin(picked["key"]) & (ppl["role"] == "suspect"))]]
    for _, row in picked.iterrows():
        nearest = int(np.argmin(np.hypot(bases[:, 0] - row["x"], bases[:, 1] - row["y"])))
        when = np.array([row["start"]], dtype="datetime64[m]")
        parts.append(_group_people(rng, groups[nearest], [row["key"]], when, first, chain=False))
    return pd.concat(parts, ignore_index=True)


def _draft(
    rng: np.random.Generator,
    ctx: Context,
    targets: Targets,
    first: date,
    last: date,
    years: float,
) -> list[Batch]:
    batches = []
    for name, spec in SPECS.items():
        batches.append(simulate(rng, ctx, spec, int(rng.poisson(targets.volumes[name] * years))))
    planted = [
        plant_window(rng, ctx, w, targets.followup_share)
        for w in headline_windows(targets, first, last)
        if w.under_25 > 0
    ]
    head_inc = pd.concat([p[0] for p in planted], ignore_index=True)
    offsets = np.cumsum([0] + [len(p[0]) for p in planted])[:-1]
    head_inc["key"] = np.concatenate(
        [p[0]["key"] + o for p, o in zip(planted, offsets, strict=True)]
    )
    head_ppl = pd.concat(
        [p[1].assign(key=p[1]["key"] + o) for p, o in zip(planted, offsets, strict=True)],
        ignore_index=True,
    )
    victims = head_ppl["role"] == "victim"
    head_ppl = pd.concat(
        [allocate_demographics(rng, head_ppl[victims], targets), head_ppl[~victims]],
        ignore_index=True,
    )
    bases = np.vstack(
        [ctx.places.town_centres[["x", "y"]].to_numpy(), ctx.places.schools[["x", "y"]].to_numpy()]
    )
    groups = make_groups(rng, ctx.mint, bases, targets.groups, targets.group_size)
    head_ppl = _headline_groups(rng, head_inc, head_ppl, groups, first)
    batches.append((head_inc, head_ppl))
    for group in groups:
        batches.append(_group_batch(rng, ctx, group, targets.group_incidents * years / 4, first))
    return batches


def _assemble(rng: np.random.Generator, batches: list[Batch]) -> tuple[pd.DataFrame, pd.DataFrame]:
    incs, ppls, offset = [], [], 0
    for inc, ppl in batches:
        incs.append(inc.assign(key=inc["key"] + offset))
        ppls.append(ppl.assign(key=ppl["key"] + offset))
        offset += len(inc)
    inc = pd.concat(incs, ignore_index=True).sort_values(["start", "key"], kind="stable")
    inc = inc.reset_index(drop=True)
    inc["incident_id"] = [f"SYN-{i:07d}" for i in range(1, len(inc) + 1)]
    occurred_from = localise(inc["start"].to_numpy())
    occurred_to = occurred_from + pd.to_timedelta(inc["duration_min"].to_numpy(), unit="min")
    lon, lat = to_lonlat(inc["x"].to_numpy(), inc["y"].to_numpy())
    incidents = pd.DataFrame(
        {
            "incident_id": inc["incident_id"],
            "source": "police",
            "offence": inc["offence"],
            "offence_detail": inc["offence_detail"],
            "occurred_from": occurred_from,
            "occurred_to": occurred_to,
            "reported_at": occurred_to + pd.to_timedelta(inc["delay_min"].to_numpy(), unit="min"),
            "longitude": lon,
            "latitude": lat,
            "easting": inc["x"].round().astype("int64"),
            "northing": inc["y"].round().astype("int64"),
            "location_type": inc["location_type"],
            "weapon": inc["weapon"],
            "injury": inc["injury"],
            "domestic_abuse": inc["domestic_abuse"].astype(bool),
            "synthetic": True,
        }
    )
    return incidents, _involvements(rng, pd.concat(ppls, ignore_index=True), inc)


def _involvements(rng: np.random.Generator, ppl: pd.DataFrame, inc: pd.DataFrame) -> pd.DataFrame:
    seq = pd.Series(np.arange(len(inc)), index=inc["key"].to_numpy())
    ppl = ppl.assign(
        seq=seq.loc[ppl["key"].to_numpy()].to_numpy(),
        rank=ppl["role"].map(_ROLE_ORDER),
        row=np.arange(len(ppl)),
    ).sort_values(["seq", "rank", "row"], kind="stable")
    self_def, officer = record_ethnicity(
        rng, ppl["ethnicity"].to_numpy(), ppl["identified"].to_numpy(dtype=bool)
    )
    return pd.DataFrame(
        {
            "incident_id": inc["incident_id"].to_numpy()[ppl["seq"].to_numpy()],
            "role": ppl["role"].to_numpy(),
            "person_ref": ppl["person_ref"].to_numpy(),
            "age": pd.array(ppl["age"].to_numpy(), dtype="Int64"),
            "sex": ppl["sex"].to_numpy(),
            "ethnicity_self_defined": self_def,
            "ethnicity_officer_defined": officer,
            "synthetic": True,
        }
    )


def generate(
    seed: int,
    months: int = 48,
    end: str = "2025-08",
    *,
    targets: Targets | None = None,
    calendar: SchoolCalendar | None = None,
    places: Places | None = None,
) -> SyntheticBorough:
    """Generate a calibrated synthetic borough.

    Parameters
    ----------
    seed
        Seed for ``numpy.random.default_rng``; the same seed gives identical output.
    months, end
        The ``months`` whole calendar months ending with ``end`` (``YYYY-MM``).
    targets
        Calibration targets and volumes (defaults: :class:`Targets`).
    calendar
        School calendar covering the range (default: the bundled Waltham Forest pack's term
        dates, :func:`upstream.synth.places.default_calendar`).
    places
        Geography (default: the bundled Waltham Forest data, :func:`load_places`).

    Returns
    -------
    SyntheticBorough
        Incidents, involvements and A&E attendances, all labelled synthetic.
    """
    targets = targets or Targets()
    calendar = calendar or default_calendar()
    places = places or load_places()
    first, last = month_range(months, end)
    rng = np.random.default_rng(seed)
    days = calendar.day_table(first, last)
    ctx = Context(
        days,
        calendar,
        places,
        PseudonymMint(rng),
        targets.after_school_ratio,
        targets.school_day_ratio,
    )
    years = len(days) / 365.25
    incidents, involvements = _assemble(rng, _draft(rng, ctx, targets, first, last, years))
    end_instant = localise(np.array([np.datetime64(last + timedelta(days=1), "m")]))[0]
    a_and_e = hospital_attendances(
        rng, ctx, incidents, involvements, end_instant, targets.hospital_only_ratio
    )
    return SyntheticBorough(
        seed=seed,
        first_day=first,
        last_day=last,
        incidents=incidents,
        involvements=involvements,
        a_and_e=a_and_e,
        calendar=calendar,
        places=places,
        targets=targets,
    )
