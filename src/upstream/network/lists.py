"""Lists of people, made only for a stated purpose and with the safeguards enforced here.

The safeguards hold in this pure layer, so no caller can skip them:

* a list states its purpose (at least :data:`MIN_PURPOSE` characters);
* every person carries the evidence behind them, the date of that evidence and a review
  date (the last evidence plus the window: after it the person drops off unless
  re-evidenced);
* a ``harm`` list ranks by offences weighted by harm, never by association: a person with no
  offence in the window cannot be on it, so a victim is never shown as an offender;
* a ``safeguarding`` list ranks by exposure (contacts harmed in the last 12 months) and
  shows no offences;
* every list carries its disproportionality audit (:mod:`upstream.network.audit`);
* a named person is removed with a reason, and the removal is a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import networkx as nx
import pandas as pd

from upstream.definitions import Definitions
from upstream.network.analysis import exposure
from upstream.network.audit import Audit, audit_table, person_dimensions
from upstream.network.links import months_before
from upstream.network.people import harmed_between, offences_long

__all__ = [
    "KINDS",
    "MIN_PURPOSE",
    "PersonList",
    "Removal",
    "SafeguardError",
    "build_list",
    "remove_person",
]

KINDS = ("harm", "safeguarding")
MIN_PURPOSE = 10
COLUMNS = ("rank", "person", "score", "offences", "evidence_ids", "last_evidence", "review_date")


class SafeguardError(ValueError):
    """A list would break a safeguard (no purpose, a person without evidence, ...)."""


@dataclass(frozen=True)
class Removal:
    """The record of a person taken off a list: who, why, by whom, when, from which rank."""

    person: str
    reason: str
    removed_by: str
    removed_on: date
    former_rank: int
    purpose: str


@dataclass(frozen=True)
class PersonList:
    """A ranked list of people with its purpose, audit and removals.

    Constructing one checks the safeguards; :class:`SafeguardError` if any is broken.
    """

    purpose: str
    kind: str
    as_of: date
    window_months: int
    entries: pd.DataFrame
    audit: Audit
    removals: tuple[Removal, ...] = ()
    bases: Mapping[str, object] = field(default_factory=dict, repr=False)
    dims: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def __post_init__(self) -> None:
        if len(self.purpose.strip()) < MIN_PURPOSE:
            raise SafeguardError(
                f"a list needs a stated purpose (at least {MIN_PURPOSE} characters)"
            )
        if self.kind not in KINDS:
            raise SafeguardError(f"a list is one of: {', '.join(KINDS)}")
        e = self.entries
        if (e["evidence_ids"].astype(str).str.strip() == "").any():
            raise SafeguardError("every person on a list needs the evidence behind them")
        if e["last_evidence"].isna().any() or e["review_date"].isna().any():
            raise SafeguardError("every person on a list needs an evidence date and review date")
        if self.kind == "harm" and ((e["offences"] < 1) | (e["score"] <= 0)).any():
            raise SafeguardError(
                "a harm list holds only people with harmful offences in the window"
            )


def _harm_entries(
    people: pd.DataFrame, definitions: Definitions, start: date, as_of: date, window: int
) -> pd.DataFrame:
    off = offences_long(people, definitions)
    off = off[(off["date"] >= start) & (off["date"] <= as_of) & (off["harm"] > 0)]
    out = off.groupby("person", as_index=False).agg(
        score=("harm", "sum"),
        offences=("harm", "size"),
        evidence_ids=("evidence_id", lambda s: ";".join(sorted(set(s)))),
        last_evidence=("date", "max"),
    )
    out["review_date"] = [
        (pd.Timestamp(d) + pd.DateOffset(months=window)).date() for d in out["last_evidence"]
    ]
    return out


def _safeguarding_entries(
    people: pd.DataFrame, graph: nx.Graph, as_of: date, window: int
) -> pd.DataFrame:
    exp = exposure(graph, people, as_of)
    exp = exp[exp["contacts_harmed"] > 0]
    harmed = harmed_between(people, months_before(as_of, 12), as_of)
    rows = []
    for person, share in zip(exp["person"], exp["exposure"], strict=True):
        edges = [graph.edges[person, c] for c in graph.neighbors(person) if harmed.get(c, 0)]
        ids = sorted({i for e in edges for i in e["evidence_ids"].split(";") if i})
        last = max(e["last_evidence"] for e in edges)
        review = (pd.Timestamp(last) + pd.DateOffset(months=window)).date()
        rows.append((person, float(share), 0, ";".join(ids), last, review))
    return pd.DataFrame(rows, columns=list(COLUMNS[1:]))


def _ranked(entries: pd.DataFrame) -> pd.DataFrame:
    out = entries.sort_values(["score", "person"], ascending=[False, True], ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[list(COLUMNS)]


def build_list(
    people: pd.DataFrame,
    graph: nx.Graph,
    definitions: Definitions,
    *,
    purpose: str,
    as_of: date,
    kind: str = "harm",
    window_months: int = 24,
    residents: Mapping[str, Mapping[str, int]] | None = None,
    limit: int | None = None,
) -> PersonList:
    """A ranked list for ``purpose`` with its audit.

    ``harm`` ranks people by the harm-weighted sum of their offences in the window;
    ``safeguarding`` ranks people by exposure. The audit compares the list with suspects of
    serious violence and victims in the window and, if given, ``residents`` counts
    (``{dimension: {group: count}}``).
    """
    if len(purpose.strip()) < MIN_PURPOSE:
        raise SafeguardError(f"a list needs a stated purpose (at least {MIN_PURPOSE} characters)")
    start = months_before(as_of, window_months)
    if kind == "harm":
        entries = _harm_entries(people, definitions, start, as_of, window_months)
    elif kind == "safeguarding":
        entries = _safeguarding_entries(people, graph, as_of, window_months)
    else:
        raise SafeguardError(f"a list is one of: {', '.join(KINDS)}")
    entries = _ranked(entries)
    if limit is not None:
        entries = entries.head(limit)
    off = offences_long(people, definitions)
    period = off[(off["date"] >= start) & (off["date"] <= as_of) & off["serious_violence"]]
    victims = harmed_between(people, start, as_of)
    bases: dict[str, object] = {
        "suspects": sorted(set(period["person"])),
        "victims": sorted(victims.index[victims.to_numpy() > 0]),
    }
    if residents is not None:
        bases["residents"] = residents
    dims = person_dimensions(people)
    audit = audit_table(entries["person"], dims, bases)  # type: ignore[arg-type]
    return PersonList(
        purpose.strip(), kind, as_of, window_months, entries, audit, bases=bases, dims=dims
    )


def remove_person(
    plist: PersonList, person: str, *, reason: str, removed_by: str, removed_on: date
) -> tuple[PersonList, Removal]:
    """``plist`` without ``person`` (re-ranked, audit redone) and the removal's record."""
    if not reason.strip():
        raise SafeguardError("a removal needs a reason")
    if not removed_by.strip():
        raise SafeguardError("a removal needs the name of the role or user removing")
    hit = plist.entries["person"] == person
    if not hit.any():
        raise SafeguardError("that person is not on the list")
    record = Removal(
        person,
        reason.strip(),
        removed_by.strip(),
        removed_on,
        int(plist.entries.loc[hit, "rank"].to_numpy()[0]),
        plist.purpose,
    )
    rest = _ranked(plist.entries[~hit].drop(columns="rank"))
    audit = audit_table(rest["person"], plist.dims, plist.bases)  # type: ignore[arg-type]
    new = replace(plist, entries=rest, audit=audit, removals=(*plist.removals, record))
    return new, record
