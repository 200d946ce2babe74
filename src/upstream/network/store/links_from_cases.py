"""The links and people frames of :mod:`upstream.network`, built from the case store.

Links come from three kinds of record:

* co-involvement in a case-store incident: two suspects (``co_suspect``), a victim and a
  suspect (``victim_suspect``, ``a`` the victim), two victims (``co_victim``); the evidence
  is the incident (``INC-<id>``), dated the day it happened (London time), recorded by the
  incident's agency, reviewed a window after it; witnesses, siblings and friends named on an
  incident are not linked by it;
* relations the case tool records (``sibling``, ``friend``: :class:`PersonRelation`);
* intelligence links entered by authorised users (``intelligence``, graded 3x5x2).

People are the young people of those records: the pseudonym, the age on ``as_of`` worked
out from the date of birth (only the age leaves the store, never the date), sex and ethnic
group as recorded, the days they were harmed as a victim and the incidents they are a suspect
in. Names, addresses, schools, health details and incident summaries never enter a frame; a
summary is only searched for a county-lines marker, which becomes the label ``county lines``.
Anonymised and merged records are left out, and so is anyone without a date of birth (no
age), with their links; a relation or intelligence link recorded about a record later merged
into another names the kept record (:func:`merged_into`; a link of the two records to each
other is dropped), since the network tables themselves are append-only.

The frames are the normalised form :func:`upstream.network.links.validate_links` and
:func:`upstream.network.people.validate_people` return (the tests check they pass them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from upstream.cases.localtime import age_on, london
from upstream.cases.models import Incident, Involvement, Person
from upstream.network.analysis import COUNTY_LINES
from upstream.network.links import COLUMNS as LINK_COLUMNS
from upstream.network.people import COLUMNS as PEOPLE_COLUMNS
from upstream.network.people import NOT_STATED
from upstream.network.store.models import IntelLink, PersonRelation

__all__ = [
    "SEX_CODES",
    "NetworkFrames",
    "evidence_id",
    "incident_links",
    "merged_into",
    "merged_records",
    "store_frames",
]

SEX_CODES = {"female": "F", "male": "M", "other": "X"}
"""The case store's sexes as the people frame codes them (anything else: not known)."""


@dataclass(frozen=True)
class NetworkFrames:
    """``links`` and ``people`` frames, and ``person_ids``: pseudonym to the store's id."""

    links: pd.DataFrame
    people: pd.DataFrame
    person_ids: dict[str, int]
    synthetic: bool


@dataclass(frozen=True)
class _Involved:
    incident: int
    day: date
    agency: str
    offence: str
    county_lines: bool
    pseudonym: str
    role: str


def evidence_id(incident_id: int) -> str:
    """The evidence id of a case-store incident in links and lists."""
    return f"INC-{incident_id}"


def _review(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _clean(text: str) -> str:
    return " ".join(text.replace("|", " ").replace(";", " ").split())


def incident_links(rows: list[_Involved], window_months: int) -> list[dict[str, object]]:
    """The co-involvement links of the involvement rows (one per pair and incident)."""
    by_incident: dict[int, list[_Involved]] = defaultdict(list)
    for row in rows:
        by_incident[row.incident].append(row)
    out: list[dict[str, object]] = []
    for incident, people in sorted(by_incident.items()):
        first = people[0]
        suspects = sorted({p.pseudonym for p in people if p.role == "suspect"})
        victims = sorted({p.pseudonym for p in people if p.role == "victim"})
        pairs = [(a, b, "co_suspect") for a, b in combinations(suspects, 2)]
        pairs += [(v, s, "victim_suspect") for v in victims for s in suspects if v != s]
        pairs += [(a, b, "co_victim") for a, b in combinations(victims, 2)]
        for a, b, kind in pairs:
            out.append(
                {
                    "a": a,
                    "b": b,
                    "kind": kind,
                    "evidence_ids": evidence_id(incident),
                    "evidence_date": first.day,
                    "source_agency": first.agency,
                    "grading": "",
                    "review_date": _review(first.day, window_months),
                    "labels": "county lines" if first.county_lines else "",
                }
            )
    return out


def _involvements(session: Session) -> list[_Involved]:
    query = (
        select(Involvement, Incident, Person)
        .join(Incident, Involvement.incident_id == Incident.id)
        .join(Person, Involvement.person_id == Person.id)
        .where(
            Incident.anonymised_at.is_(None),
            Person.anonymised_at.is_(None),
            Person.merged_into_id.is_(None),
        )
    )
    rows = []
    for involvement, incident, person in session.execute(query):
        text = f"{incident.offence} {incident.summary or ''}"
        rows.append(
            _Involved(
                incident.id,
                london(incident.occurred_at).date(),
                incident.recorded_by_agency,
                _clean(incident.offence),
                bool(COUNTY_LINES.search(text)),
                person.pseudonym,
                involvement.role,
            )
        )
    return rows


def merged_into(session: Session) -> dict[int, int]:
    """Each merged record's id to the id of the record it was finally merged into (a merge
    of a merged record followed to its end)."""
    rows = session.execute(
        select(Person.id, Person.merged_into_id).where(Person.merged_into_id.is_not(None))
    )
    pointers = {int(i): int(j) for i, j in rows if j is not None}
    out: dict[int, int] = {}
    for start in pointers:
        seen, current = {start}, pointers[start]
        while current in pointers and current not in seen:
            seen.add(current)
            current = pointers[current]
        out[start] = current
    return out


def merged_records(kept: dict[int, int], person_id: int) -> set[int]:
    """``person_id`` and every record merged into it (``kept`` from :func:`merged_into`)."""
    return {person_id} | {i for i, k in kept.items() if k == person_id}


def _pair_rows(session: Session, pseudonyms: dict[int, str]) -> list[dict[str, object]]:
    """Relation and intelligence rows; a merged person's rows name the kept person (the
    network tables are append-only, so a merge is resolved here, not written back)."""
    kept = merged_into(session)

    def names(a_id: int, b_id: int) -> tuple[str | None, str | None]:
        a, b = pseudonyms.get(kept.get(a_id, a_id)), pseudonyms.get(kept.get(b_id, b_id))
        return (a, b) if a != b else (None, None)

    out: list[dict[str, object]] = []
    for rel in session.scalars(select(PersonRelation).order_by(PersonRelation.id)):
        a, b = names(rel.person_a_id, rel.person_b_id)
        if a and b:
            out.append(
                {
                    "a": a,
                    "b": b,
                    "kind": rel.kind,
                    "evidence_ids": f"REL-{rel.id}",
                    "evidence_date": rel.evidence_date,
                    "source_agency": rel.source_agency,
                    "grading": "",
                    "review_date": rel.review_date,
                    "labels": "",
                }
            )
    for link in session.scalars(select(IntelLink).order_by(IntelLink.id)):
        a, b = names(link.person_a_id, link.person_b_id)
        if a and b:
            out.append(
                {
                    "a": a,
                    "b": b,
                    "kind": "intelligence",
                    "evidence_ids": f"INT-{link.id}",
                    "evidence_date": link.evidence_date,
                    "source_agency": link.source_agency,
                    "grading": link.grading,
                    "review_date": link.review_date,
                    "labels": "",
                }
            )
    return out


def _people(session: Session, as_of: date) -> tuple[list[Person], dict[int, str]]:
    people = list(
        session.scalars(
            select(Person).where(
                Person.anonymised_at.is_(None),
                Person.merged_into_id.is_(None),
                Person.date_of_birth.is_not(None),
            )
        )
    )
    people = [p for p in people if (age_on(p.date_of_birth, as_of) or 0) >= 0]
    return people, {p.id: p.pseudonym for p in people}


def store_frames(session: Session, as_of: date, window_months: int = 24) -> NetworkFrames:
    """The links and people frames of everything the case store holds, as on ``as_of``."""
    people, pseudonyms = _people(session, as_of)
    known = set(pseudonyms.values())
    involved = [r for r in _involvements(session) if r.pseudonym in known]
    rows = incident_links(involved, window_months) + _pair_rows(session, pseudonyms)
    links = pd.DataFrame(rows, columns=[*LINK_COLUMNS, "labels"])
    harmed: dict[str, set[str]] = defaultdict(set)
    offences: dict[str, set[str]] = defaultdict(set)
    for r in involved:
        if r.role == "victim":
            harmed[r.pseudonym].add(r.day.isoformat())
        elif r.role == "suspect":
            offences[r.pseudonym].add(f"{r.day.isoformat()}|{r.offence}|{evidence_id(r.incident)}")
    frame = pd.DataFrame(
        [
            {
                "id": p.pseudonym,
                "age": int(age_on(p.date_of_birth, as_of) or 0),
                "sex": SEX_CODES.get(p.sex or "", "not known"),
                "ethnic_group": p.ethnic_group or NOT_STATED,
                "harmed_dates": ";".join(sorted(harmed[p.pseudonym])),
                "offences": ";".join(sorted(offences[p.pseudonym])),
            }
            for p in sorted(people, key=lambda p: p.pseudonym)
        ],
        columns=list(PEOPLE_COLUMNS),
    )
    frame["age"] = frame["age"].astype("int64")
    ids = {p.pseudonym: p.id for p in people}
    synthetic = bool(people) and all(p.synthetic for p in people)
    return NetworkFrames(links, frame, ids, synthetic)
