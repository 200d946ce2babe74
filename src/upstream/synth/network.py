"""A synthetic network of the synthetic borough's people, for the demo and the tests.

SYNTHETIC: nobody here is real; ids are pseudonyms from :class:`PseudonymMint`. The network
plants what the analysis should find, recorded in :attr:`SyntheticNetwork.truth`:

* three co-offending groups (dense ``co_suspect`` links), the third of children;
* a broker linked into the first two groups;
* an adult repeatedly co-involved with the third group's children in incidents labelled
  county lines (an exploitation indicator);
* the first group harming the second (``victim_suspect`` links), whose members are then both
  victims and offenders (victim-offender overlap);
* a victim with many contacts and no offences (who must never be on a harm list);
* a pair linked only by old evidence (aged out) and graded intelligence links;
* a background of residents with friend and sibling links.

The ethnic make-up draws on the shares in :mod:`upstream.synth.people` (modelling
assumptions, not published statistics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

import numpy as np
import pandas as pd

from upstream.synth.people import PseudonymMint

__all__ = ["RESIDENTS", "Planted", "SyntheticNetwork", "synthetic_network"]

RESIDENTS = 270_000
"""Residents of the synthetic borough (a modelling assumption)."""
_SHARES = {"Asian": 0.19, "Black": 0.18, "Mixed": 0.07, "White": 0.50, "Other": 0.06}
_AGES = {"under 10": 0.13, "10-17": 0.10, "18-24": 0.09, "25-34": 0.18, "35+": 0.50}


@dataclass(frozen=True)
class Planted:
    """What the synthetic network plants, for the tests to find."""

    groups: tuple[tuple[str, ...], ...]
    broker: str
    exploiter: str
    children: tuple[str, ...]
    victim_hub: str
    aged_out: tuple[str, str]
    overlap: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticNetwork:
    """People and links as the CSV files hold them, residents counts, and the planted truth."""

    people: pd.DataFrame
    links: pd.DataFrame
    residents: dict[str, dict[str, int]]
    truth: Planted


class _Builder:
    def __init__(self, rng: np.random.Generator, as_of: date) -> None:
        self.rng, self.as_of, self.mint = rng, as_of, PseudonymMint(rng)
        self.people: dict[str, dict[str, object]] = {}
        self.links: list[dict[str, str]] = []
        self.incident = 0

    def person(self, age: int, group: str | None = None) -> str:
        pid = str(self.mint.new(1)[0])
        eth = group or str(self.rng.choice(list(_SHARES), p=list(_SHARES.values())))
        self.people[pid] = {
            "id": pid,
            "age": age,
            "ethnic_group": eth,
            "sex": "M" if self.rng.random() < 0.8 else "F",
            "harmed": [],
            "offences": [],
            "synthetic": "yes",
        }
        return pid

    def day(self, lo: int, hi: int) -> date:
        return self.as_of - timedelta(days=int(self.rng.integers(lo, hi)))

    def link(
        self,
        a: str,
        b: str,
        kind: str,
        when: date,
        labels: str = "",
        grading: str = "",
        agency: str = "police",
    ) -> str:
        self.incident += 1
        ref = f"INC-{self.incident:05d}"
        review = when + timedelta(days=3 * 365)
        self.links.append(
            {
                "a": a,
                "b": b,
                "kind": kind,
                "evidence_ids": ref,
                "evidence_date": when.isoformat(),
                "source_agency": agency,
                "grading": grading,
                "review_date": review.isoformat(),
                "labels": labels,
                "synthetic": "yes",
            }
        )
        return ref

    def offend(self, pid: str, when: date, crime: str, ref: str) -> None:
        self.people[pid]["offences"].append(f"{when.isoformat()}|{crime}|{ref}")  # type: ignore[attr-defined]

    def group(self, size: int, ages: tuple[int, int], crime: str, eth: list[str]) -> list[str]:
        members = [self.person(int(self.rng.integers(*ages)), str(e)) for e in eth[:size]]
        for a, b in combinations(members, 2):
            if self.rng.random() < 0.7:
                when = self.day(10, 500)
                ref = self.link(a, b, "co_suspect", when)
                self.offend(a, when, crime, ref)
                self.offend(b, when, crime, ref)
        return members


def synthetic_network(as_of: date, seed: int = 7, background: int = 80) -> SyntheticNetwork:
    """The synthetic network on ``as_of`` (deterministic for a seed)."""
    b = _Builder(np.random.default_rng(seed), as_of)
    g1 = b.group(8, (18, 24), "Robbery", ["Black"] * 6 + ["Mixed", "White"])
    g2 = b.group(7, (18, 26), "Violence and sexual offences", ["White"] * 4 + ["Asian"] * 3)
    g3 = b.group(5, (14, 17), "Drugs", ["White", "Black", "Asian", "Mixed", "White"])
    broker = b.person(24)
    for m in (g1[0], g1[1], g2[0], g2[1]):
        b.link(broker, m, "friend", b.day(30, 300), agency="youth service")
    adult = b.person(31)
    for child in g3[:3]:
        for _ in range(2):
            when = b.day(20, 400)
            ref = b.link(adult, child, "co_suspect", when, labels="drugs; county lines")
            b.offend(adult, when, "Drugs", ref)
            b.offend(child, when, "Drugs", ref)
    for victim, suspect in zip(g2[:4], g1[2:6], strict=True):
        when = b.day(15, 300)
        ref = b.link(victim, suspect, "victim_suspect", when)
        b.people[victim]["harmed"].append(when.isoformat())  # type: ignore[attr-defined]
        b.offend(suspect, when, "Violence and sexual offences", ref)
    hub = b.person(17)
    b.people[hub]["harmed"].append(b.day(20, 200).isoformat())  # type: ignore[attr-defined]
    for m in (*g2[2:4], *g3[3:]):
        b.link(hub, m, "sibling" if m == g3[3] else "friend", b.day(20, 400), agency="school")
    old_a, old_b = b.person(40), b.person(41)
    b.link(old_a, old_b, "co_suspect", as_of - timedelta(days=30 * 30))
    b.link(g1[0], g2[-1], "intelligence", b.day(40, 200), grading="2BP")
    crowd = [b.person(int(b.rng.integers(12, 60))) for _ in range(background)]
    for a in crowd:
        other = crowd[int(b.rng.integers(0, len(crowd)))]
        if other != a:
            b.link(
                a,
                other,
                "friend" if b.rng.random() < 0.7 else "sibling",
                b.day(10, 600),
                agency="school",
            )
        if b.rng.random() < 0.15:
            b.people[a]["harmed"].append(b.day(10, 500).isoformat())  # type: ignore[attr-defined]
        if b.rng.random() < 0.1:
            when = b.day(10, 600)
            b.incident += 1
            ref = f"INC-{b.incident:05d}"
            b.offend(a, when, "Violence and sexual offences", ref)
    people = pd.DataFrame(
        [
            {**p, "harmed_dates": ";".join(p["harmed"]), "offences": ";".join(p["offences"])}  # type: ignore[arg-type]
            for p in b.people.values()
        ]
    ).drop(columns=["harmed"])
    people = people[["id", "age", "sex", "ethnic_group", "harmed_dates", "offences", "synthetic"]]
    residents = {
        "ethnic_group": {g: round(RESIDENTS * s) for g, s in _SHARES.items()},
        "age_band": {g: round(RESIDENTS * s) for g, s in _AGES.items()},
        "sex": {"F": RESIDENTS // 2, "M": RESIDENTS - RESIDENTS // 2},
    }
    truth = Planted(
        groups=(tuple(g1), tuple(g2), tuple(g3)),
        broker=broker,
        exploiter=adult,
        children=tuple(g3[:3]),
        victim_hub=hub,
        aged_out=(old_a, old_b),
        overlap=tuple(g2[:4]),
    )
    return SyntheticNetwork(people, pd.DataFrame(b.links), residents, truth)
