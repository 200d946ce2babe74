"""Synthetic programme returns for the demonstration, always labelled synthetic.

Eight invented providers report two years of quarters (2023Q3 to 2025Q2, inside the
synthetic borough's months) for the Strengthen and Support programmes of the demo action
plan. The counts are maintainers' assumptions for a plausible London borough, not anyone's
real returns: sizes per programme, age mixes suited to each programme (Life Skills in
primary schools reaches children, custody mentors young adults), a borough-like sex and
ethnic mix, and home areas drawn over the area pack's LSOAs in proportion to population,
with each programme favouring a few neighbourhoods. Every row has ``synthetic = true``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from upstream.account.returns.schema import AGE_BANDS
from upstream.vocab import ETHNICITIES, SEXES

__all__ = [
    "DEMO_PROGRAMMES",
    "DEMO_QUARTERS",
    "DemoProgramme",
    "demo_returns",
    "write_demo_returns",
]

DEMO_QUARTERS = ("2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2")


@dataclass(frozen=True)
class DemoProgramme:
    """One demo programme: its id (as in the action plan), provider and typical quarter."""

    programme: str
    provider: str
    participants: int  # mean per quarter
    sessions: int  # mean per quarter
    ages: tuple[float, ...]  # shares over AGE_BANDS
    ete_rate: float  # ETE starts per participant


DEMO_PROGRAMMES = (
    DemoProgramme("streetbase", "Streetbase Outreach (synthetic)", 140, 96,
                  (0, 0.15, 0.4, 0.4, 0.02, 0.03), 0.08),
    DemoProgramme("safer_routes", "Safer Routes Chaperones (synthetic)", 220, 180,
                  (0, 0.45, 0.5, 0.02, 0, 0.03), 0.0),
    DemoProgramme("safe_spaces", "Safe Spaces Network (synthetic)", 90, 60,
                  (0, 0.3, 0.45, 0.2, 0, 0.05), 0.02),
    DemoProgramme("ae_navigators", "Whipps Cross A&E Navigators (synthetic)", 45, 40,
                  (0, 0.05, 0.35, 0.55, 0.02, 0.03), 0.15),
    DemoProgramme("custody_mentors", "Custody Mentoring (synthetic)", 35, 70,
                  (0, 0.02, 0.4, 0.55, 0, 0.03), 0.2),
    DemoProgramme("family_therapy", "Family Therapy Service (synthetic)", 25, 110,
                  (0.05, 0.45, 0.45, 0.03, 0, 0.02), 0.04),
    DemoProgramme("life_skills", "Life Skills in Primary Schools (synthetic)", 600, 48,
                  (0.7, 0.28, 0, 0, 0, 0.02), 0.0),
    DemoProgramme("police_mentoring", "Police Mentoring Scheme (synthetic)", 30, 45,
                  (0, 0.3, 0.55, 0.12, 0, 0.03), 0.1),
)  # fmt: skip
_SEX = (0.62, 0.35, 0.01, 0.02)  # male, female, other, unknown
_ETHNIC = (0.2, 0.24, 0.1, 0.38, 0.05, 0.03)  # Asian, Black, Mixed, White, Other, not stated


def _return_rows(
    rng: np.random.Generator,
    spec: DemoProgramme,
    quarter: str,
    areas: list[str],
    weights: np.ndarray,
) -> list[dict[str, object]]:
    n = int(rng.poisson(spec.participants))
    rows: list[dict[str, object]] = []

    def add(measure: str, category: str, value: int) -> None:
        rows.append(
            {
                "programme": spec.programme,
                "provider": spec.provider,
                "quarter": quarter,
                "measure": measure,
                "category": category,
                "value": int(value),
                "synthetic": "true",
            }
        )

    add("sessions", "", int(rng.poisson(spec.sessions)))
    add("participants", "", n)
    add("referrals_in", "", int(rng.binomial(n, 0.6)))
    add("referrals_out", "", int(rng.binomial(n, 0.15)))
    add("ete_starts", "", int(rng.binomial(n, spec.ete_rate)))
    ages = np.asarray(spec.ages, dtype=float)
    for name, cats, shares in (
        ("participants_age", AGE_BANDS, ages / ages.sum()),
        ("participants_sex", SEXES, np.asarray(_SEX)),
        ("participants_ethnicity", ETHNICITIES, np.asarray(_ETHNIC)),
    ):
        for cat, count in zip(cats, rng.multinomial(n, shares), strict=True):
            if count:
                add(name, cat, int(count))
    places = [*areas, "outside", "unknown"]
    home = np.concatenate([weights * 0.9, [0.07, 0.03]])
    for cat, count in zip(places, rng.multinomial(n, home / home.sum()), strict=True):
        if count:
            add("participants_area", cat, int(count))
    return rows


def demo_returns(
    lsoas: list[str], population: list[float], seed: int = 1
) -> dict[str, list[dict[str, object]]]:
    """The demo's return rows per file name (one file per programme).

    Parameters
    ----------
    lsoas, population
        The area's LSOA codes and residents (home areas are drawn in proportion, with
        each programme favouring a few neighbourhoods).
    seed
        Seed for ``numpy.random.default_rng``: the same seed gives the same returns.
    """
    rng = np.random.default_rng(seed)
    pop = np.asarray(population, dtype=float)
    pop = np.where(np.isfinite(pop) & (pop > 0), pop, 1.0)
    out: dict[str, list[dict[str, object]]] = {}
    for spec in DEMO_PROGRAMMES:
        favour = rng.gamma(0.5, 1.0, size=len(lsoas))  # a few neighbourhoods stand out
        weights = pop * favour
        weights = weights / weights.sum()
        rows: list[dict[str, object]] = []
        for quarter in DEMO_QUARTERS:
            rows += _return_rows(rng, spec, quarter, lsoas, weights)
        out[f"returns_{spec.programme}_synthetic.csv"] = rows
    return out


def write_demo_returns(
    folder: Path, lsoas: list[str], population: list[float], seed: int = 1
) -> list[Path]:
    """Write :func:`demo_returns` as CSV files in ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in demo_returns(lsoas, population, seed).items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
