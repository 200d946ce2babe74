"""A synthetic resident survey for the demonstration, always labelled synthetic.

Six quarterly waves (2024Q1 to 2025Q2) of 600 invented respondents each, calibrated to the
strategy's account of residents' views (the figures are the strategy's, the respondents
are not anyone's): nearly one in five say fear of crime strongly affects their life, two
in five think crime has gone up, worry about knife crime is the most common concern (more
than half worried), fear is higher among parents of dependent children, social renters and
in the south of the borough (the MSOAs south of the median northing), and confidence in the
local police falls across the waves (from about two in three to a little over half).

Each answer is drawn from a logistic model whose intercept is solved so the expected share
over the sampled respondents hits the target; the weights mimic non-response (young adults
answer less, so weigh more) with some noise. Every row has ``synthetic = true``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

from upstream.account.survey.schema import GROUPS, QUESTIONS

__all__ = ["DEMO_WAVES", "PER_WAVE", "SEED", "TARGETS", "demo_survey", "write_demo_survey"]

DEMO_WAVES = ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2")
PER_WAVE = 600
SEED = 2
"""The demo's seed. (Seed 1 happened to draw a chance 'significant' rise, p = 0.02, in one
question whose target is flat; with six questions tested such chance findings happen, but
the demonstration should show the calibrated story.)"""

TARGETS: dict[str, tuple[float, float]] = {
    "worry_knife_crime": (0.55, 0.55),
    "fear_affects_life": (0.19, 0.19),
    "crime_increased": (0.40, 0.40),
    "safe_after_dark": (0.68, 0.68),
    "confidence_police": (0.66, 0.54),
    "young_safe_school_journey": (0.58, 0.58),
}
"""Per question, the share counted by its measure in the first and last wave (linear in
between)."""

# log-odds shifts for parents of dependent children, social renters, the south
_EFFECTS: dict[str, tuple[float, float, float]] = {
    "worry_knife_crime": (0.5, 0.4, 0.4),
    "fear_affects_life": (0.6, 0.6, 0.6),
    "crime_increased": (0.2, 0.2, 0.3),
    "safe_after_dark": (-0.3, -0.4, -0.4),
    "confidence_police": (-0.1, -0.3, -0.3),
    "young_safe_school_journey": (-0.3, -0.3, -0.4),
}
_MIX: dict[str, dict[str, float]] = {
    "age_band": {
        "16-24": 0.14,
        "25-34": 0.24,
        "35-44": 0.2,
        "45-54": 0.16,
        "55-64": 0.12,
        "65+": 0.14,
    },
    "sex": {"female": 0.51, "male": 0.49},
    "ethnic_group": {
        "White": 0.45,
        "Asian": 0.2,
        "Black": 0.17,
        "Mixed": 0.07,
        "Other": 0.08,
        "not stated": 0.03,
    },
    "tenure": {"owner": 0.43, "social_rent": 0.27, "private_rent": 0.28, "other": 0.02},
    "parent_dependent_children": {"yes": 0.32, "no": 0.68},
}
_AGE_WEIGHT = {"16-24": 1.6, "25-34": 1.2, "35-44": 1.0, "45-54": 0.9, "55-64": 0.8, "65+": 0.7}


def _draw(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(mix.values()))
    return rng.choice(np.array(list(mix)), size=n, p=p / p.sum())


def _intercept(shift: np.ndarray, target: float) -> float:
    """The intercept at which the mean of ``expit(a + shift)`` is ``target``."""
    return float(brentq(lambda a: float(expit(a + shift).mean()) - target, -20, 20))


def _answers(rng: np.random.Generator, name: str, counted: np.ndarray) -> list[str]:
    q = QUESTIONS[name]
    others = [c for c in q.codes if c not in q.counted and c != "dont_know"]
    out = []
    for yes in counted:
        if yes:
            out.append(str(rng.choice(q.counted)))
        elif rng.random() < 0.04:
            out.append("dont_know")
        else:
            out.append(str(rng.choice(others)))
    return out


def demo_survey(areas: Sequence[tuple[str, float]], seed: int = SEED) -> dict[str, list[dict]]:
    """The synthetic waves as rows per file name (``survey_<wave>.csv``).

    ``areas`` are (MSOA or ward code, northing) pairs; the south is below their median
    northing. With no areas every respondent's area is ``unknown``.
    """
    rng = np.random.default_rng(seed)
    codes = [a[0] for a in areas] or ["unknown"]
    north = np.array([a[1] for a in areas] or [0.0])
    south_of = dict(zip(codes, north < np.median(north), strict=True)) if areas else {}
    files: dict[str, list[dict]] = {}
    for k, wave in enumerate(DEMO_WAVES):
        n = PER_WAVE
        people = {g: _draw(rng, mix, n) for g, mix in _MIX.items()}
        area = rng.choice(np.array(codes), size=n)
        south = np.array([south_of.get(a, False) for a in area], dtype=float)
        parent = (people["parent_dependent_children"] == "yes").astype(float)
        social = (people["tenure"] == "social_rent").astype(float)
        weight = np.array([_AGE_WEIGHT[a] for a in people["age_band"]])
        weight = weight * rng.lognormal(0.0, 0.35, n)
        weight = weight / weight.mean()
        year, quarter = int(wave[:4]), int(wave[5])
        days = rng.integers(0, 60, n)
        start = date(year, 3 * quarter - 2, 1).toordinal()
        answers = {}
        for name, (first, last) in TARGETS.items():
            target = first + (last - first) * k / (len(DEMO_WAVES) - 1)
            bp, bs, bsouth = _EFFECTS[name]
            shift = bp * parent + bs * social + bsouth * south
            prob = expit(_intercept(shift, target) + shift)
            answers[name] = _answers(rng, name, rng.random(n) < prob)
        rows = []
        for i in range(n):
            row = {
                "respondent_id": f"SYN-{wave}-{i + 1:04d}",
                "weight": f"{weight[i]:.4f}",
                "wave_date": date.fromordinal(start + int(days[i])).isoformat(),
                "area": str(area[i]),
            }
            row |= {g: str(people[g][i]) for g in GROUPS}
            row |= {name: answers[name][i] for name in QUESTIONS}
            rows.append(row | {"synthetic": "true"})
        files[f"survey_{wave}.csv"] = rows
    return files


def write_demo_survey(
    folder: Path, areas: Sequence[tuple[str, float]], seed: int = SEED
) -> list[Path]:
    """Write :func:`demo_survey` as CSV files in ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in demo_survey(areas, seed).items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
