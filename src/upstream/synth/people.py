"""Synthetic people: age, sex, ethnicity, pseudonyms and co-offending groups.

Nobody here is real. Every person is a pseudonym such as ``P-7F3A9C21`` (``P-`` and eight
upper-case hexadecimal digits); no name is ever generated.

Ethnicity uses the five high-level ONS 2021 census groups. Each synthetic person has one
"true" group; what is *recorded* differs: the self-defined field is sometimes "not stated"
or empty, and the officer-defined field is sometimes empty or a different group (officers
record what they perceive). The two are kept apart, as the canonical schema requires.

The distributions below are modelling assumptions by the upstream maintainers, chosen to
give a plausible London borough; they are not published statistics. In particular there is
no ethnicity-by-age census table bundled, so the under-18 resident shares in
:data:`RESIDENT_UNDER_18_SHARES` are an assumption used only to express disproportionality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "NOT_STATED",
    "PROFILES",
    "RESIDENT_UNDER_18_SHARES",
    "Group",
    "PersonProfile",
    "PseudonymMint",
    "exact_allocation",
    "make_groups",
    "record_ethnicity",
    "sample_people",
]

NOT_STATED = "not stated"

RESIDENT_UNDER_18_SHARES: Mapping[str, float] = {
    "Asian": 0.25,
    "Black": 0.20,
    "Mixed": 0.12,
    "White": 0.38,
    "Other": 0.05,
}
"""Assumed ethnic make-up of the borough's under-18 residents (assumption, not a census table)."""

_STREET_YOUTH = {"Asian": 0.17, "Black": 0.38, "Mixed": 0.12, "White": 0.28, "Other": 0.05}
_STREET_ADULT = {"Asian": 0.18, "Black": 0.26, "Mixed": 0.08, "White": 0.42, "Other": 0.06}
_GENERAL = {"Asian": 0.19, "Black": 0.18, "Mixed": 0.07, "White": 0.50, "Other": 0.06}


@dataclass(frozen=True)
class PersonProfile:
    """Who a person in some role tends to be.

    Ages run from ``age_lo`` to ``age_hi`` (integers, inclusive) with a peak at ``age_mode``
    and Gaussian fall-off of ``spread_young`` years below it and ``spread_old`` above it.
    """

    age_lo: int
    age_hi: int
    age_mode: float
    spread_young: float
    spread_old: float
    male_share: float
    ethnicity: Mapping[str, float]

    def age_distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """Ages and their probabilities."""
        ages = np.arange(self.age_lo, self.age_hi + 1)
        spread = np.where(ages < self.age_mode, self.spread_young, self.spread_old)
        w = np.exp(-0.5 * ((ages - self.age_mode) / spread) ** 2)
        return ages, w / w.sum()


PROFILES: Mapping[str, PersonProfile] = {
    "youth": PersonProfile(11, 17, 15.5, 1.8, 2.0, 0.78, _STREET_YOUTH),
    "young_adult": PersonProfile(18, 24, 19.0, 2.0, 3.0, 0.85, _STREET_YOUTH),
    "adult": PersonProfile(16, 80, 29.0, 7.0, 15.0, 0.62, _GENERAL),
    "adult_knife": PersonProfile(25, 65, 29.0, 3.0, 10.0, 0.88, _STREET_ADULT),
    "da_victim": PersonProfile(18, 80, 32.0, 7.0, 13.0, 0.22, _GENERAL),
    "da_suspect": PersonProfile(18, 75, 34.0, 7.0, 12.0, 0.80, _GENERAL),
    "robbery_victim": PersonProfile(12, 70, 17.0, 3.0, 13.0, 0.80, _STREET_ADULT),
    "street_suspect": PersonProfile(13, 40, 18.0, 2.5, 6.0, 0.93, _STREET_YOUTH),
    "witness": PersonProfile(16, 75, 36.0, 12.0, 15.0, 0.50, _GENERAL),
    "hospital_only": PersonProfile(16, 65, 24.0, 4.0, 11.0, 0.76, _STREET_ADULT),
}
"""Person profiles by role (maintainers' assumptions for a plausible London borough)."""


def sample_people(rng: np.random.Generator, profile: PersonProfile, n: int) -> pd.DataFrame:
    """Draw ``n`` people: columns ``age`` (int), ``sex`` (male/female) and ``ethnicity``."""
    ages, probs = profile.age_distribution()
    groups = list(profile.ethnicity)
    eth_p = np.array([profile.ethnicity[g] for g in groups], dtype="float64")
    return pd.DataFrame(
        {
            "age": rng.choice(ages, size=n, p=probs).astype("int64"),
            "sex": np.where(rng.random(n) < profile.male_share, "male", "female"),
            "ethnicity": np.asarray(groups, dtype=object)[
                rng.choice(len(groups), n, p=eth_p / eth_p.sum())
            ],
        }
    )


def exact_allocation(rng: np.random.Generator, n: int, shares: Mapping[str, float]) -> np.ndarray:
    """Exactly ``round(share * n)`` of each label (largest remainder), in random order.

    Used where a calibration target should be met exactly rather than in expectation.
    """
    labels = list(shares)
    raw = np.array([shares[k] for k in labels], dtype="float64")
    raw = raw / raw.sum() * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    out = np.repeat(np.asarray(labels, dtype=object), counts)
    return out[rng.permutation(n)]


_CONFUSED = {
    "Asian": ("Other", "White"),
    "Black": ("Mixed", "Other"),
    "Mixed": ("Black", "White"),
    "White": ("Other", "Mixed"),
    "Other": ("Asian", "White"),
}


def record_ethnicity(
    rng: np.random.Generator, true_group: np.ndarray, identified: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Recorded self-defined and officer-defined ethnicity for each person.

    Parameters
    ----------
    true_group
        The synthetic person's group (one of :data:`ETHNIC_GROUPS`).
    identified
        False for people the police never spoke to (unknown suspects): their self-defined
        field is empty and the officer-defined field comes from descriptions, when at all.

    Returns
    -------
    self_defined, officer_defined
        Object arrays; ``""`` means empty.
    """
    n = len(true_group)
    true_group = np.asarray(true_group, dtype=object)
    u = rng.random(n)
    self_def = np.where(u < 0.82, true_group, np.where(u < 0.92, NOT_STATED, ""))
    self_def = np.where(identified, self_def, "")
    v = rng.random(n)
    alt = np.array(
        [_CONFUSED[g][int(k)] for g, k in zip(true_group, rng.integers(0, 2, n), strict=True)]
    )
    officer = np.where(v < 0.86, true_group, np.where(v < 0.91, alt, ""))
    officer = np.where(identified | (rng.random(n) < 0.6), officer, "")
    return self_def.astype(object), officer.astype(object)


class PseudonymMint:
    """Issues unique person pseudonyms: ``P-`` and 8 hex digits, at least one a digit."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._issued: set[int] = set()

    def new(self, n: int) -> np.ndarray:
        """``n`` fresh pseudonyms, never issued before by this mint."""
        out: list[int] = []
        while len(out) < n:
            for value in self._rng.integers(0, 2**32, size=n - len(out), dtype=np.uint64):
                value = int(value)
                # A pseudonym made only of letters would look like a name to the ingest
                # (docs/data-formats.md), so every one carries at least one digit.
                if value not in self._issued and any(c.isdigit() for c in f"{value:08X}"):
                    self._issued.add(value)
                    out.append(value)
        return np.array([f"P-{v:08X}" for v in out], dtype=object)


@dataclass(frozen=True)
class Group:
    """A co-offending group: members who repeatedly offend together around a base."""

    members: tuple[str, ...]
    ages_at_start: tuple[int, ...]
    sexes: tuple[str, ...]
    ethnicities: tuple[str, ...]
    base_x: float
    base_y: float


def make_groups(
    rng: np.random.Generator,
    mint: PseudonymMint,
    bases: np.ndarray,
    n_groups: tuple[int, int] = (4, 6),
    size: tuple[int, int] = (5, 12),
) -> list[Group]:
    """Create co-offending groups of young people, each based at one of ``bases``.

    Parameters
    ----------
    bases
        (k, 2) array of candidate base points (BNG); each group takes a different one.
    n_groups, size
        Inclusive ranges for the number of groups and the members per group.
    """
    count = int(rng.integers(n_groups[0], n_groups[1] + 1))
    picks = rng.choice(len(bases), size=count, replace=False)
    profile = PersonProfile(14, 21, 16.5, 1.5, 2.0, 0.96, _STREET_YOUTH)
    groups = []
    for pick in picks:
        k = int(rng.integers(size[0], size[1] + 1))
        people = sample_people(rng, profile, k)
        groups.append(
            Group(
                members=tuple(mint.new(k)),
                ages_at_start=tuple(int(a) for a in people["age"]),
                sexes=tuple(people["sex"]),
                ethnicities=tuple(people["ethnicity"]),
                base_x=float(bases[pick, 0]),
                base_y=float(bases[pick, 1]),
            )
        )
    return groups
